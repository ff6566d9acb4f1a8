/**
 * Articles by URL: fetch → extract → Markdown with front matter in corpus/ → index, through
 * Depeche.addArticles (which validates, writes atomically, reindexes and rolls back on failure).
 * The file name comes from the canonical URL, so fetching the same article again (even through
 * another address that names the same canonical one) lands on the same file: unchanged text is
 * recognised and skipped, new text replaces the earlier version.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { AddedArticle, ArticleInput, Depeche } from '../app/depeche.ts';
import { parseArticle } from '../core/article.ts';
import { toFrontMatterMarkdown } from '../core/front-matter.ts';
import type { FetchSettings } from './config.ts';
import { decodeBody, DecodeError } from './decode.ts';
import { ExtractError, extractArticle, withoutTracking, type ExtractedArticle } from './extract.ts';
import type { FailureReason } from './failure.ts';
import { FetchError, HTML_TYPES, safeFetch, type Fetched, type FetchRequest } from './fetch.ts';

/** Kept here for callers that escaped text before the writer moved to core/front-matter.ts. */
export { escapeMarkdown } from '../core/front-matter.ts';

/** A page fetched and extracted, ready to be stored. */
export interface PreparedPage {
  /** The address asked for. */
  requestedUrl: string;
  article: ExtractedArticle;
  fileName: string;
  input: ArticleInput;
}

export interface StoredPage {
  url: string;
  status: 'added' | 'updated';
  article: AddedArticle;
  extracted: ExtractedArticle;
}
export interface SkippedPage {
  url: string;
  status: 'unchanged' | 'duplicate';
  reason: FailureReason;
  extracted: ExtractedArticle;
  articleId: string | null;
}
export interface FailedPage {
  url: string;
  status: 'failed';
  reason: FailureReason;
  /** A time-out, a network error or a 5xx: trying again later may work. */
  transient: boolean;
}
export type PageOutcome = StoredPage | SkippedPage | FailedPage;

/** Why a page could not be taken, as a reason code (and whether trying later may help). */
export function failureOf(url: string, error: unknown): FailedPage {
  if (error instanceof FetchError) return { url, status: 'failed', reason: error.reason, transient: error.transient };
  if (error instanceof ExtractError || error instanceof DecodeError) return { url, status: 'failed', reason: error.reason, transient: false };
  throw error;
}

/**
 * Fetches and extracts one page; throws FetchError, DecodeError or ExtractError with a reason code.
 * `feedDate` (YYYY-MM-DD) is the date the feed item gives: the publication date when the page states none.
 */
export async function preparePage(
  url: string,
  settings: FetchSettings,
  depeche: Pick<Depeche, 'listArticles'>,
  feedDate: string | null = null,
  /** How the page is fetched: feeds go through their PoliteFetcher (robots.txt, one request per host). */
  fetchPage: (request: FetchRequest) => Promise<Fetched> = (request) => safeFetch(request, settings),
): Promise<PreparedPage> {
  const fetched = await fetchPage({ url, accept: HTML_TYPES });
  const { text: html } = decodeBody(fetched.bytes, fetched.charset, 'html');
  const extracted = extractArticle(html, fetched.url);
  const article = extracted.published === null && feedDate !== null ? { ...extracted, published: feedDate } : extracted;
  // An article already stored from the same canonical URL (e.g. a .md with that url) is the one to replace.
  const existing = depeche.listArticles().find((a) => a.url !== null && sameUrl(a.url, article.canonicalUrl) && /\.md$/i.test(a.path));
  const fileName = existing ? basename(existing.path) : fileNameFor(article.canonicalUrl);
  const markdown = toArticleMarkdown(article);
  // The stored file must give back exactly the extracted text, or quotes would not be verbatim.
  const reread = parseArticle(fileName, Buffer.from(markdown));
  if (reread.body.trim() !== article.text.trim()) throw new Error(`internal: the Markdown written for ${url} does not read back as its text`);
  return { requestedUrl: url, article, fileName, input: { name: fileName, bytes: Buffer.from(markdown), replace: true } };
}

/** Stores prepared pages with one reindex. Throws BusyError when a reindex is running. */
export async function storePages(depeche: Depeche, pages: PreparedPage[]): Promise<PageOutcome[]> {
  const outcomes: PageOutcome[] = [];
  const unique = new Map<string, PreparedPage>();
  for (const page of pages) {
    const first = unique.get(page.fileName);
    if (first) {
      outcomes.push({ url: page.requestedUrl, status: 'duplicate', reason: { code: 'same-page', as: first.requestedUrl }, extracted: page.article, articleId: null });
    } else unique.set(page.fileName, page);
  }
  if (unique.size === 0) return outcomes;
  const result = await depeche.addArticles([...unique.values()].map((p) => p.input));
  for (const page of unique.values()) {
    const added = result.added.find((a) => basename(a.path) === page.fileName);
    if (added) {
      outcomes.push({ url: page.requestedUrl, status: added.replaced ? 'updated' : 'added', article: added, extracted: page.article });
      continue;
    }
    const skipped = result.skipped.find((s) => basename(s.file) === page.fileName);
    if (skipped) {
      const r = skipped.reason;
      const articleId = r.code === 'unchanged' || r.code === 'duplicate' ? r.of : null;
      outcomes.push({ url: page.requestedUrl, status: r.code === 'unchanged' ? 'unchanged' : 'duplicate', reason: r, extracted: page.article, articleId });
      continue;
    }
    const failed = result.failed.find((f) => basename(f.file) === page.fileName);
    outcomes.push({ url: page.requestedUrl, status: 'failed', reason: failed?.reason ?? { code: 'not-indexed' }, transient: false });
  }
  return outcomes;
}

/** Fetches, extracts, stores and indexes one article. Throws BusyError when a reindex is running. */
export async function addArticleFromUrl(depeche: Depeche, url: string, settings: FetchSettings): Promise<PageOutcome> {
  let page: PreparedPage;
  try {
    page = await preparePage(url, settings, depeche);
  } catch (error) {
    return failureOf(url, error);
  }
  const [outcome] = await storePages(depeche, [page]);
  return outcome!;
}

/** A stable file name for a canonical URL: readable host and path, plus a short hash against collisions. */
export function fileNameFor(canonicalUrl: string): string {
  const url = new URL(canonicalUrl);
  const host = url.hostname.replace(/^www\./, '');
  const path = decodeURIComponent(url.pathname).replace(/\.(s?html?|php|aspx?)$/i, '');
  const readable = `${host} ${path}`
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const short = readable.length > 80 ? readable.slice(readable.length - 80).replace(/^[^-]*-/, '') : readable;
  const hash = createHash('sha256').update(normalizedUrl(canonicalUrl)).digest('hex').slice(0, 8);
  return `web-${short || 'page'}-${hash}.md`;
}

function normalizedUrl(raw: string): string {
  const url = new URL(withoutTracking(raw));
  url.hostname = url.hostname.toLowerCase();
  return url.toString();
}

function sameUrl(a: string, b: string): boolean {
  try {
    return normalizedUrl(a) === normalizedUrl(b);
  } catch {
    return false;
  }
}

/** The article as a Markdown file with front matter; the body escaped so it reads back verbatim. */
export function toArticleMarkdown(a: ExtractedArticle): string {
  return toFrontMatterMarkdown(
    { title: a.title, source: a.source, author: a.author, url: a.canonicalUrl, published: a.published, language: a.language },
    a.text,
  );
}
