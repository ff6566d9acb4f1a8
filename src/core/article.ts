/**
 * Reads one article file into metadata and body text. Metadata is only what the file declares:
 * nothing is guessed except a .txt title line or a Markdown "# Heading" standing for the title.
 * Page boilerplate is not removed here (see text/clean.ts).
 */
import { parse as parseYaml } from 'yaml';
import { byteOrderMark, decodeAs, decodeStrict } from './charset.ts';
import { reasonText, valueKind, type ArticleReason } from './failure.ts';
import type { ArticleMeta } from './types.ts';

/** An article file refused, with why as a code (worded by each front end, see core/failure.ts). */
export class ArticleError extends Error {
  constructor(
    readonly file: string,
    readonly reason: ArticleReason,
  ) {
    super(`${file}: ${reasonText(reason)}`);
    this.name = 'ArticleError';
  }
}

export interface ParsedArticle {
  meta: ArticleMeta;
  body: string;
  warnings: string[];
}

const MAX_BYTES = 2 * 1024 * 1024;

type Fail = (reason: ArticleReason) => never;
type FormatParser = (text: string, fail: Fail) => ParsedArticle;

/** One parser per file extension. To support a new format (e.g. .html), add its parser here. */
const PARSERS: Record<string, FormatParser> = {
  '.md': parseMarkdown,
  '.markdown': parseMarkdown,
  '.txt': parseText,
};

export function parseArticle(fileName: string, bytes: Uint8Array): ParsedArticle {
  const fail: Fail = (reason) => {
    throw new ArticleError(fileName, reason);
  };
  const ext = extensionOf(fileName);
  const parser = PARSERS[ext];
  if (parser === undefined) fail({ code: 'unsupported-type', ext });
  if (bytes.length > MAX_BYTES) fail({ code: 'file-too-large', bytes: bytes.length, limit: MAX_BYTES });

  const { text, warnings: decodeWarnings } = decode(bytes, fail);
  const parsed = parser(text, fail);
  if (parsed.body.trim() === '') fail({ code: 'no-text' });
  return { ...parsed, warnings: [...decodeWarnings, ...parsed.warnings] };
}

/** The file name without extension, lowercased, reduced to [a-z0-9_-]: a stable id for URLs and logs. */
export function articleIdFromPath(relPath: string): string {
  const name = relPath.split(/[\\/]/).pop() ?? '';
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const id = stem
    .normalize('NFD')
    .replace(/\p{M}/gu, '') // é → e rather than a dash
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
  // A name with no Latin letter or digit (e.g. "日本.txt") still needs an id: derive it from the name.
  return id !== '' ? id : `article-${fnv1a(stem)}`;
}

function extensionOf(fileName: string): string {
  const name = fileName.split(/[\\/]/).pop() ?? '';
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

// ---------------------------------------------------------------------------------------------------
// Decoding

/** C0 controls other than tab, newline, form feed and carriage return, plus DEL. */
const CONTROL_BYTE = (b: number): boolean => (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d) || b === 0x7f;
/** More than this share of control characters: not a text file. */
const MAX_CONTROL_SHARE = 0.02;
/** Legacy French text is mostly ASCII; a higher share of non-ASCII after Windows-1252 means another encoding. */
const MAX_NON_ASCII_SHARE_1252 = 0.3;

function decode(bytes: Uint8Array, fail: Fail): { text: string; warnings: string[] } {
  const bom = byteOrderMark(bytes);
  let text: string | null;
  if (bom) text = decodeStrict(bytes, bom.encoding);
  else {
    if (bytes.includes(0) || controlShare(bytes) > MAX_CONTROL_SHARE) fail({ code: 'binary' });
    text = decodeStrict(bytes, 'utf-8');
    if (text === null) {
      // Not UTF-8: legacy French files are usually Windows-1252 (a superset of Latin-1). Its undefined
      // bytes come out as C1 controls or U+FFFD, depending on the decoder: either means another encoding.
      const legacy = decodeAs(bytes, 'windows-1252') ?? '';
      if (/[\u0080-\u009f\ufffd]/.test(legacy) || nonAsciiShare(legacy) > MAX_NON_ASCII_SHARE_1252) fail({ code: 'unreadable-encoding' });
      return { text: legacy, warnings: ['decoded as Windows-1252'] };
    }
  }
  if (text === null) fail({ code: 'unreadable-encoding' });
  const decoded = text.replace(/^\uFEFF/, '');
  if (decoded.includes('\u0000') || controlShare(decoded) > MAX_CONTROL_SHARE) fail({ code: 'binary' });
  return { text: decoded, warnings: [] };
}

function controlShare(data: Uint8Array | string): number {
  if (data.length === 0) return 0;
  let controls = 0;
  for (let i = 0; i < data.length; i++) {
    if (CONTROL_BYTE(typeof data === 'string' ? data.charCodeAt(i) : (data[i] as number))) controls++;
  }
  return controls / data.length;
}

function nonAsciiShare(text: string): number {
  const letters = text.replace(/\s/g, '');
  if (letters.length === 0) return 0;
  return letters.replace(/[\x00-\x7f]/g, '').length / letters.length;
}

// ---------------------------------------------------------------------------------------------------
// Plain text

const MAX_TITLE_CHARS = 160;
const MAX_TITLE_WORDS = 25;

function emptyMeta(): ArticleMeta {
  return { title: null, source: null, url: null, published: null, language: null };
}

/** A .txt file's first line is its title when it looks like one (short, not a sentence, text follows). */
function parseText(text: string): ParsedArticle {
  const meta = emptyMeta();
  // Leading blank lines are skipped; the title line's own line break goes with it.
  const match = /^\s*([^\r\n]*)(?:\r\n?|\n)/.exec(text);
  if (match) {
    const title = (match[1] ?? '').trim();
    const rest = text.slice(match[0].length);
    if (looksLikeTitle(title) && rest.trim() !== '') {
      meta.title = title;
      return { meta, body: rest, warnings: [] };
    }
  }
  return { meta, body: text, warnings: [] };
}

function looksLikeTitle(line: string): boolean {
  return (
    line !== '' &&
    line.length <= MAX_TITLE_CHARS &&
    line.split(/\s+/).length <= MAX_TITLE_WORDS &&
    !/[.;,:…]$/.test(line)
  );
}

// ---------------------------------------------------------------------------------------------------
// Markdown

const KNOWN_KEYS = new Set(['title', 'source', 'url', 'published', 'language']);
/** Common spellings of the same fields in other tools' front matter. */
const ALIASES: Record<string, string> = { date: 'published', lang: 'language' };

function parseMarkdown(text: string, fail: Fail): ParsedArticle {
  const warnings: string[] = [];
  const meta = emptyMeta();
  let body = text.replace(/\r\n?/g, '\n');

  const lines = body.split('\n');
  if (lines[0]?.trimEnd() === '---') {
    const close = lines.findIndex((line, i) => i > 0 && /^(?:---|\.\.\.)\s*$/.test(line));
    if (close < 0) fail({ code: 'front-matter-unclosed' });
    readFrontMatter(lines.slice(1, close).join('\n'), meta, warnings, fail);
    body = lines.slice(close + 1).join('\n');
  }

  if (meta.title === null) {
    // A leading "# Heading" stands for a missing title.
    const heading = /^\s*#[ \t]+([^\n]*?)(?:[ \t]+#+)?[ \t]*(?:\n|$)/.exec(body);
    const title = heading ? inlineToText(heading[1] ?? '').trim() : '';
    if (heading && title !== '') {
      meta.title = title;
      body = body.slice(heading[0].length);
    }
  }
  return { meta, body: markdownToText(body), warnings };
}

function readFrontMatter(source: string, meta: ArticleMeta, warnings: string[], fail: Fail): void {
  let data: unknown;
  try {
    data = parseYaml(source, { logLevel: 'error' });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // yaml's line is counted from the front matter's first line, which is the file's second.
    const line = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    fail({ code: 'front-matter-syntax', line: line === undefined ? null : line + 1, detail: message.split('\n')[0] ?? '' });
  }
  if (data === null || data === undefined) return; // empty front matter
  if (typeof data !== 'object' || Array.isArray(data) || data instanceof Date) {
    fail({ code: 'front-matter-shape' });
  }

  const fields = new Map<string, unknown>();
  for (const [rawKey, value] of Object.entries(data as Record<string, unknown>)) {
    const key = rawKey.toLowerCase();
    const field = KNOWN_KEYS.has(key) ? key : ALIASES[key];
    if (field === undefined) {
      warnings.push(`front matter: unknown key "${rawKey}" ignored`);
      continue;
    }
    if (fields.has(field)) {
      warnings.push(`front matter: "${rawKey}" ignored, ${field} is already given`);
      continue;
    }
    fields.set(field, value);
  }

  meta.title = scalarText(fields.get('title'), 'title', fail);
  meta.source = scalarText(fields.get('source'), 'source', fail);
  meta.language = scalarText(fields.get('language'), 'language', fail);
  const url = scalarText(fields.get('url'), 'url', fail);
  if (url !== null && !isHttpUrl(url)) fail({ code: 'front-matter-url', value: url });
  meta.url = url;
  meta.published = publishedDate(fields.get('published'), fail);
}

/** A text field: a string (or a number, e.g. a title "1984"); absent or empty → null. */
function scalarText(value: unknown, field: string, fail: Fail): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') fail({ code: 'front-matter-not-text', field, got: valueKind(value) });
  const text = value.trim();
  return text === '' ? null : text;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** published → YYYY-MM-DD. A timestamp keeps the calendar date it was written with (its own time zone). */
function publishedDate(value: unknown, fail: Fail): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
  const text = typeof value === 'string' ? value.trim() : '';
  if (text === '' && typeof value === 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/.exec(text);
  if (m && isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) return `${m[1]}-${m[2]}-${m[3]}`;
  return fail({ code: 'front-matter-date', value: typeof value === 'string' ? text : null, got: typeof value === 'string' ? null : valueKind(value) });
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Markdown → plain text that reads as the article does, so quotes taken from it look natural. */
function markdownToText(markdown: string): string {
  const out: string[] = [];
  let fence: string | null = null;
  for (const line of markdown.replace(/<!--[\s\S]*?(?:-->|$)/g, '').split('\n')) {
    const fenceMark = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== null) {
      // Code is kept as written; only the fence lines go.
      if (fenceMark !== undefined && fenceMark[0] === fence[0] && fenceMark.length >= fence.length) fence = null;
      else out.push(line);
      continue;
    }
    if (fenceMark !== undefined) {
      fence = fenceMark;
      continue;
    }
    out.push(blockToText(line));
  }
  return out.join('\n');
}

function blockToText(line: string): string {
  if (/^\s{0,3}(?:[-*_][ \t]*){3,}$/.test(line) || /^\s{0,3}=+\s*$/.test(line)) return ''; // rules, setext underlines
  if (/^\s{0,3}\[[^\]]+\]:\s*\S+/.test(line)) return ''; // link reference definitions
  const text = line
    .replace(/^\s{0,3}(?:>\s?)+/, '') // blockquote markers
    .replace(/^\s{0,3}#{1,6}(?:[ \t]+|$)(.*?)(?:[ \t]+#+)?[ \t]*$/, '$1') // heading marks
    .replace(/^\s*[-*+][ \t]+/, '- '); // bullets → "- "
  return inlineToText(text);
}

const ESCAPED = /\\([!-/:-@[-`{-~])/g;
const PLACEHOLDER_BASE = 0xe000; // private-use characters hold escaped punctuation meanwhile

function inlineToText(text: string): string {
  return text
    .replace(ESCAPED, (_, c: string) => String.fromCharCode(PLACEHOLDER_BASE + c.charCodeAt(0)))
    .replace(/!\[[^\]]*\]\([^)]*\)|!\[[^\]]*\]\[[^\]]*\]/g, '') // images
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1') // [text](url)
    .replace(/\[([^\]]+)\]\[[^\]]*\]/g, '$1') // [text][ref]
    .replace(/<((?:https?|mailto):[^>\s]+)>/g, '$1') // <https://…>
    .replace(/`([^`]+)`/g, '$1')
    .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, '$2')
    .replace(/(^|[^\p{L}\p{N}*])\*(?=\S)([^*]*?\S)\*(?![\p{L}\p{N}*])/gu, '$1$2')
    .replace(/(^|[^\p{L}\p{N}_])_(?=\S)([^_]*?\S)_(?![\p{L}\p{N}_])/gu, '$1$2')
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '$1')
    .replace(/[\ue000-\ue07f]/g, (c) => String.fromCharCode(c.charCodeAt(0) - PLACEHOLDER_BASE));
}
