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

export function extractArticle(html: string, pageUrl: string): ExtractedArticle {
  const virtualConsole = new VirtualConsole(); // jsdom's CSS and parse warnings are not ours to print
  const dom = new JSDOM(html, { url: pageUrl, contentType: 'text/html', virtualConsole });
  try {
    const doc = dom.window.document;
    const jsonLd = readJsonLd(doc);
    const meta = (selector: string): string | null => clean(doc.querySelector(selector)?.getAttribute('content'));
    const canonicalUrl = canonical(doc, pageUrl, jsonLd);
    const paywalled = jsonLd.some((o) => o.isAccessibleForFree === false || o.isAccessibleForFree === 'False' || o.isAccessibleForFree === 'false');
    const lang = clean(doc.documentElement.getAttribute('lang')) ?? meta('meta[property="og:locale"]') ?? text(jsonLd.find((o) => o.inLanguage)?.inLanguage);
    const metaTitle = meta('meta[property="og:title"]') ?? text(jsonLd.find((o) => o.headline)?.headline);
    const source = meta('meta[property="og:site_name"]') ?? publisherName(jsonLd);
    const author = authorOf(jsonLd) ?? meta('meta[name="author"]') ?? notUrl(meta('meta[property="article:author"]'));
    const published =
      isoDate(meta('meta[property="article:published_time"]')) ??
      isoDate(text(jsonLd.find((o) => o.datePublished)?.datePublished)) ??
      isoDate(meta('meta[name="date"]') ?? meta('meta[name="pubdate"]') ?? meta('meta[name="dc.date"]') ?? meta('meta[itemprop="datePublished"]')) ??
      isoDate(clean((doc.querySelector('article time[datetime]') ?? doc.querySelector('time[datetime]'))?.getAttribute('datetime')));

    removeAds(doc);
    const reader = new Readability<Node>(doc, { serializer: (node) => node, charThreshold: 300 });
    const parsed = reader.parse();
    const body = parsed?.content ? toText(parsed.content) : '';
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
      title: metaTitle ?? clean(parsed?.title) ?? clean(doc.title),
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

/** Ad slots by their usual class and id names: Readability keeps those that sit inside the article body. */
const AD_TOKEN = /^(?:pub|ads?|advert|advertisement|publicite|sponsor(?:ed)?|outbrain|taboola|teads|dfp)$|^(?:ads?|pub|advert)[-_]|[-_](?:ads?|pub|advert)$/i;

function removeAds(doc: Document): void {
  for (const el of Array.from(doc.body?.querySelectorAll('[class], [id]') ?? [])) {
    const tokens = [...Array.from(el.classList), el.id].filter(Boolean);
    if (tokens.some((t) => AD_TOKEN.test(t))) el.remove();
  }
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

function primaryLanguage(value: string | null): string | null {
  const m = /^([a-z]{2,3})(?:[-_]|$)/i.exec(value ?? '');
  return m ? m[1]!.toLowerCase() : null;
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
