/**
 * A web page → an article: Mozilla's Readability (the engine of Firefox's Reader View) finds the
 * main text over a jsdom document (scripts and sub-resources disabled), and the page's own metadata
 * gives the title, outlet, author, publication date, canonical address and language. Nothing is
 * guessed: what the page does not say stays empty.
 */
import { Readability } from '@mozilla/readability';
import { JSDOM, VirtualConsole } from 'jsdom';
import { reasonText } from '../core/failure.ts';
import type { ExtractReason } from './failure.ts';

export class ExtractError extends Error {
  constructor(readonly reason: ExtractReason) {
    super(reasonText(reason));
    this.name = 'ExtractError';
  }
}

export interface ExtractedArticle {
  title: string | null;
  /** The outlet (og:site_name, JSON-LD publisher). */
  source: string | null;
  author: string | null;
  /** YYYY-MM-DD as the page writes it. */
  published: string | null;
  /** link rel=canonical, og:url, else the fetched address without tracking parameters. */
  canonicalUrl: string;
  /** Primary language subtag, e.g. "fr". */
  language: string | null;
  /** Paragraphs separated by blank lines. */
  text: string;
}

/** Shorter than this, what Readability kept is not an article (a teaser, a link list, an error page). */
export const MIN_ARTICLE_CHARS = 400;
/** A page marked or worded as subscriber-only with less text than this is a paywall stub. */
const PAYWALL_STUB_CHARS = 2000;
const PAYWALL_WORDS =
  /(réservé aux abonnés|réservée aux abonnés|article réservé|pour lire la suite|lire la suite de cet article|abonnez-vous pour|déjà abonné|cet article est réservé|subscribe to (?:continue|read)|subscribers only|for subscribers)/i;

const BLOCKS = new Set([
  'P', 'DIV', 'SECTION', 'ARTICLE', 'MAIN', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'LI', 'BLOCKQUOTE', 'PRE', 'TABLE', 'TR', 'UL', 'OL',
  'DL', 'DT', 'DD', 'HEADER', 'FOOTER', 'ASIDE', 'HR', 'BR', 'FIGURE',
]);
const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'IFRAME', 'SVG', 'BUTTON', 'FORM', 'INPUT', 'SELECT', 'TEXTAREA', 'FIGCAPTION', 'IMG', 'VIDEO', 'AUDIO']);

export interface ExtractOptions {
  /** Remove ad slots before Readability runs (default true; false only to measure what it brings). */
  removeAds?: boolean;
}

export function extractArticle(html: string, pageUrl: string, options: ExtractOptions = {}): ExtractedArticle {
  const virtualConsole = new VirtualConsole(); // jsdom's CSS and parse warnings are not ours to print
  const dom = new JSDOM(html, { url: pageUrl, contentType: 'text/html', virtualConsole });
  try {
    const doc = dom.window.document;
    const jsonLd = readJsonLd(doc);
    const meta = (selector: string): string | null => clean(doc.querySelector(selector)?.getAttribute('content'));
    const canonicalUrl = canonical(doc, pageUrl, jsonLd);
    const paywalled = jsonLd.some((o) => o.isAccessibleForFree === false || o.isAccessibleForFree === 'False' || o.isAccessibleForFree === 'false');
    const attr = (selector: string, name: string): string | null => clean(doc.querySelector(selector)?.getAttribute(name));
    // Metadata before <html lang>: templates often leave lang="en" on pages in French.
    const lang =
      text(jsonLd.find((o) => typeof o.inLanguage === 'string')?.inLanguage) ??
      attr('[itemprop="inLanguage"]', 'content') ??
      meta('meta[property="og:locale"]') ??
      meta('meta[http-equiv="content-language" i]') ??
      meta('meta[name="language" i]') ??
      meta('meta[name="dc.language" i]') ??
      meta('meta[property="dc:language" i]') ??
      meta('meta[name="dcterms.language" i]') ??
      clean(doc.documentElement.getAttribute('lang'));
    const headline = text(jsonLd.find((o) => typeof o.headline === 'string')?.headline);
    const ogTitle = meta('meta[property="og:title"]');
    const siteName = meta('meta[property="og:site_name"]');
    // og:site_name is sometimes only the domain ("tdg.ch/"): the publisher's name says it better.
    const source =
      (siteName && !/^[\w.-]+\.[a-z]{2,}\/?$/i.test(siteName) ? siteName : null) ??
      publisherName(jsonLd) ??
      siteName ??
      microdataName(doc) ??
      meta('meta[name="application-name"]');
    const author = authorOf(jsonLd) ?? meta('meta[name="author"]') ?? notUrl(meta('meta[property="article:author"]'));
    const published = publishedDate(doc, jsonLd, meta);
    if (options.removeAds !== false) removeAds(doc);
    const reader = new Readability<Node>(doc, { serializer: (node) => node, charThreshold: 300 });
    const parsed = reader.parse();
    const body = parsed?.content ? withoutCaptions(toText(parsed.content)) : '';
    const words = (parsed?.textContent ?? '') + ' ' + body;
    if (body.length < MIN_ARTICLE_CHARS) {
      if (paywalled || PAYWALL_WORDS.test(words) || PAYWALL_WORDS.test(doc.body?.textContent ?? '')) {
        throw new ExtractError({ code: 'paywalled', chars: body.length });
      }
      throw new ExtractError({ code: 'no-article-text', chars: body.length });
    }
    if (body.length < PAYWALL_STUB_CHARS && (paywalled || PAYWALL_WORDS.test(body))) {
      throw new ExtractError({ code: 'paywalled', chars: body.length });
    }
    return {
      title: bestTitle(
        [headline, ogTitle, clean(parsed?.title), clean(doc.querySelector('h1')?.textContent), clean(doc.title)],
        [source, clean(parsed?.siteName), meta('meta[name="application-name"]'), publisherName(jsonLd), author, new URL(pageUrl).hostname],
      ),
      source: source ?? clean(parsed?.siteName),
      author: author ?? clean(parsed?.byline),
      published: published ?? isoDate(clean(parsed?.publishedTime)),
      canonicalUrl,
      language: primaryLanguage(lang ?? clean(parsed?.lang)),
      text: body,
    };
  } finally {
    dom.window.close();
  }
}

/**
 * Ad slots and newsletter or subscription boxes by their usual class and id names: Readability keeps
 * those that sit inside the article body (a sign-up box with its price plans after the last paragraph).
 */
const AD_TOKEN =
  /^(?:pub|ads?|advert|advertisement|publicite|sponsor(?:ed)?|outbrain|taboola|teads|dfp|newsletters?|subscribe|subscription|signup|paywall)$|^(?:ads?|pub|advert|newsletters?|subscribe|subscription|signup|paywall)[-_]|[-_](?:ads?|pub|advert|newsletters?|subscribe|subscription|signup|paywall)$/i;

function removeAds(doc: Document): void {
  const total = textLength(doc.body);
  for (const el of Array.from(doc.body?.querySelectorAll('[class], [id]') ?? [])) {
    if (!el.isConnected) continue;
    const tokens = [...Array.from(el.classList), el.id].filter(Boolean);
    if (!tokens.some((t) => AD_TOKEN.test(t))) continue;
    // A wrapper named like an ad slot (<div id="ad-portal"> around a whole page) is not an ad.
    if (textLength(el) * 2 > total) continue;
    el.remove();
  }
}

function textLength(el: Element | null | undefined): number {
  return (el?.textContent ?? '').replace(/\s+/g, '').length;
}

/**
 * Paragraphs that are page furniture, not prose: a lone "Photo" or credit line or a section label at
 * the top (a caption Readability kept), links that only skip past an ad, a widget's "Loading ...". Whole paragraphs go; the others stay verbatim.
 */
const CAPTION = /^(?:photos?|vid[ée]os?|images?|illustration|infographie|diaporama|(?:cr[ée]dits?\s+photos?|photo\s*:|©|\(c\)|copyright)\b.*|\(?(?:afp|reuters|ap|maxppp|getty images|ip3)\)?)$/i;
const SKIP_LINK =
  /^(?:continue reading the main story|advertisement|publicit[ée]|lire la suite ci-dessous|la suite après cette publicité|article continues below|(?:content )?loading\s*(?:\.\.\.|…)|chargement\s*(?:en cours)?\s*(?:\.\.\.|…))$/i;
/** A section label set above the headline ("Biz & IT —"): short, ending on a dash. */
const KICKER = /^[^.!?]{2,40}\s[—–-]$/;

function withoutCaptions(body: string): string {
  const paragraphs = body.split('\n\n');
  let start = 0;
  while (start < paragraphs.length - 1 && (isCaption(paragraphs[start]!) || KICKER.test(paragraphs[start]!))) start++;
  return paragraphs.slice(start).filter((p) => !SKIP_LINK.test(p)).join('\n\n');
}

function isCaption(p: string): boolean {
  return p.length <= 80 && !/[.!?…»"”]$/.test(p) && CAPTION.test(p);
}

/** The title the page gives, without the outlet's name glued on; the cleanest of its sources. */
function bestTitle(candidates: (string | null)[], names: (string | null)[]): string | null {
  const keys = names.filter((n): n is string => !!n).map(nameKey).filter((k) => k.length >= 2);
  const stripped = candidates.filter((c): c is string => !!c).map((c) => stripSuffix(c, keys));
  const [first] = stripped;
  if (first === undefined) return null;
  // "Headline | Something" when another source gives just "Headline": take the shorter one.
  const shorter = stripped.find((c) => c !== first && c.length >= 10 && new RegExp(`^${escapeRe(c)}\\s+[-|–—:·]\\s+\\S`).test(first));
  return shorter ?? first;
}

function stripSuffix(title: string, keys: string[]): string {
  const m = /^(.{10,}?)\s+[-|–—:·]\s+([^-|–—·]{2,80})$/.exec(title);
  if (!m) return title;
  const tail = nameKey(m[2]!);
  return keys.some((k) => k === tail || (tail.length >= 3 && (k.startsWith(tail) || tail.startsWith(k)))) ? m[1]!.trim() : title;
}

/** "Le Monde.fr", "lemonde.fr", "www.lemonde.fr" → "lemonde". */
function nameKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/^www\./, '')
    .replace(/\.(?:fr|com|co\.uk|net|org|ch|be|ca|eu|info|tn)\/?$/, '')
    .replace(/^the\s+/, '')
    .replace(/[^a-z0-9]+/g, '');
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The publication date, from every place pages state it (the first that parses wins). */
function publishedDate(doc: Document, jsonLd: JsonLdObject[], meta: (selector: string) => string | null): string | null {
  const parsely = (): string | null => {
    try {
      return text((JSON.parse(meta('meta[name="parsely-page"]') ?? 'null') as JsonLdObject | null)?.pub_date);
    } catch {
      return null;
    }
  };
  const sources: (() => string | null)[] = [
    () => meta('meta[property="article:published_time"]'),
    () => text(jsonLd.find((o) => typeof o.datePublished === 'string')?.datePublished),
    () => meta('meta[property="article:published"]'),
    () => meta('meta[property="og:published_time"]'),
    () => clean(doc.querySelector('[itemprop="datePublished"]')?.getAttribute('content') ?? doc.querySelector('[itemprop="datePublished"]')?.getAttribute('datetime')),
    () => meta('meta[name="parsely-pub-date"]'),
    parsely,
    () => meta('meta[name="sailthru.date"]'),
    () => meta('meta[name="date" i]') ?? meta('meta[name="pubdate" i]') ?? meta('meta[name="publishdate" i]') ?? meta('meta[name="publish-date" i]'),
    () => meta('meta[name="dc.date.issued" i]') ?? meta('meta[name="dcterms.issued" i]') ?? meta('meta[name="dc.date" i]') ?? meta('meta[name="dcterms.created" i]') ?? meta('meta[name="dcterms.date" i]'),
    () => clean((doc.querySelector('article time[datetime]') ?? doc.querySelector('time[datetime]'))?.getAttribute('datetime')),
  ];
  for (const source of sources) {
    const date = isoDate(source());
    if (date) return date;
  }
  return null;
}

/** Readability's article DOM → paragraphs of plain text, one blank line between blocks. */
function toText(root: Node): string {
  const paragraphs: string[] = [];
  let current = '';
  const flush = () => {
    const p = current.replace(/\s+/g, ' ').trim();
    if (p !== '') paragraphs.push(p);
    current = '';
  };
  const walk = (node: Node, inList: boolean) => {
    if (node.nodeType === 3) {
      current += node.nodeValue ?? '';
      return;
    }
    if (node.nodeType !== 1) return;
    const el = node as Element;
    const tag = el.tagName.toUpperCase();
    if (SKIP.has(tag) || el.getAttribute('hidden') !== null || el.getAttribute('aria-hidden') === 'true') return;
    const block = BLOCKS.has(tag);
    if (block) flush();
    if (tag === 'LI' && inList) current += '- ';
    for (const child of Array.from(el.childNodes)) walk(child, tag === 'UL' || (inList && tag !== 'LI' && tag !== 'OL'));
    if (block) flush();
  };
  walk(root, false);
  return paragraphs.join('\n\n');
}

type JsonLdObject = Record<string, unknown>;

/** Every object in the page's JSON-LD blocks, @graph included. Broken blocks are ignored. */
function readJsonLd(doc: Document): JsonLdObject[] {
  const out: JsonLdObject[] = [];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      const obj = value as JsonLdObject;
      out.push(obj);
      if (obj['@graph']) visit(obj['@graph']);
    }
  };
  for (const script of Array.from(doc.querySelectorAll('script[type="application/ld+json"]'))) {
    try {
      visit(JSON.parse(script.textContent ?? ''));
    } catch {
      // a page's broken JSON-LD is its own problem
    }
  }
  // Article-like objects first, so their fields win over the WebSite or Organization ones.
  const articleish = (o: JsonLdObject) => /Article|Posting|Report/.test(String(o['@type'] ?? ''));
  return [...out.filter(articleish), ...out.filter((o) => !articleish(o))];
}

function publisherName(jsonLd: JsonLdObject[]): string | null {
  for (const o of jsonLd) {
    const p = o.publisher as JsonLdObject | JsonLdObject[] | undefined;
    const name = text((Array.isArray(p) ? p[0] : p)?.name);
    if (name) return name;
  }
  return null;
}

/** The publisher's name in schema.org microdata (itemprop="publisher" or "sourceOrganization"). */
function microdataName(doc: Document): string | null {
  const el = doc.querySelector('[itemprop~="publisher"] [itemprop="name"], [itemprop~="sourceOrganization"] [itemprop="name"]');
  return el ? clean(el.getAttribute('content') ?? el.textContent) : null;
}

function authorOf(jsonLd: JsonLdObject[]): string | null {
  for (const o of jsonLd) {
    if (!o.author) continue;
    const list = (Array.isArray(o.author) ? o.author : [o.author]) as unknown[];
    const names = list.map((a) => (typeof a === 'string' ? a : text((a as JsonLdObject)?.name))).filter((n): n is string => !!n);
    if (names.length > 0) return names.join(', ');
  }
  return null;
}

function canonical(doc: Document, pageUrl: string, jsonLd: JsonLdObject[]): string {
  const candidates = [
    doc.querySelector('link[rel~="canonical"]')?.getAttribute('href'),
    doc.querySelector('meta[property="og:url"]')?.getAttribute('content'),
    text(jsonLd.find((o) => typeof o.mainEntityOfPage === 'string')?.mainEntityOfPage),
  ];
  for (const candidate of candidates) {
    const value = clean(candidate);
    if (!value) continue;
    try {
      const url = new URL(value, pageUrl);
      if (url.protocol === 'http:' || url.protocol === 'https:') {
        url.hash = '';
        return url.toString();
      }
    } catch {
      // not a URL: try the next one
    }
  }
  return withoutTracking(pageUrl);
}

/** The address without utm_* and click identifiers, which only say where a reader came from. */
export function withoutTracking(raw: string): string {
  const url = new URL(raw);
  url.hash = '';
  for (const key of [...url.searchParams.keys()]) {
    if (/^utm_|^(fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|xtor|at_medium|at_campaign)$/i.test(key)) url.searchParams.delete(key);
  }
  return url.toString();
}

function isoDate(value: string | null | undefined): string | null {
  const m = /^\s*(\d{4})-(\d{2})-(\d{2})/.exec(value ?? '');
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

/** ISO 639-2 codes pages write (Dublin Core: "ISO639-2 fre") → the two-letter subtag. */
const THREE_LETTER: Record<string, string> = { fre: 'fr', fra: 'fr', eng: 'en', ger: 'de', deu: 'de', spa: 'es', ita: 'it', por: 'pt', dut: 'nl', nld: 'nl' };

function primaryLanguage(value: string | null): string | null {
  const m = /^([a-z]{2,3})(?:[-_]|$)/i.exec((value ?? '').replace(/^ISO\s*639-\d\s+/i, '').trim());
  if (!m) return null;
  const code = m[1]!.toLowerCase();
  return code.length === 3 ? (THREE_LETTER[code] ?? code) : code;
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? clean(value) : null;
}

function notUrl(value: string | null): string | null {
  return value && !/^https?:\/\//i.test(value) ? value : null;
}

function clean(value: string | null | undefined): string | null {
  const t = value?.replace(/\s+/g, ' ').trim();
  return t ? t : null;
}
