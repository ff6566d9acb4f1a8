/**
 * Turns answers into Discord message contents. Pure: no discord.js, no I/O.
 *
 * Everything is sent as plain message content (no embeds): it reads the same in replies, edits,
 * ephemeral messages and screen readers, and there is one limit to respect (2 000 characters).
 * Limits hold by construction: every line is bounded, quotes get a share of the room left once
 * the question and the sources are counted, and lines are packed into as few messages as needed.
 */
import type { Answer } from '../core/types.ts';
import type { FoundPassage } from '../app/depeche.ts';
import type { Timeline } from '../core/news.ts';
import { formatPublished } from '../core/time/format-date.ts';

/** Discord's limit on a message's content (characters). */
export const MAX_CONTENT = 2000;
/** Below this, a shortened quote stops being readable: the message is split instead. */
const MIN_QUOTE_CHARS = 200;
const MAX_QUESTION_CHARS = 300;
const MAX_TITLE_CHARS = 150;
const MAX_OUTLET_CHARS = 80;
/** A longer link is not shown (a link cannot be shortened without breaking it). */
const MAX_URL_CHARS = 500;
export const ELLIPSIS = '[…]';

export interface RenderOptions {
  /** Repeat the question on top (slash commands); a reply to a mention already shows it. */
  showQuestion: boolean;
}

/** One quote, the numbers of the sources it comes from, and its article's publication date. */
interface QuoteItem {
  text: string;
  refs: number[];
  published: string | null;
}

interface SourceItem {
  title: string | null;
  source: string | null;
  published: string | null;
  url: string | null;
}

/** The answer as one or more message contents (more only when one cannot hold it readably). */
export function renderAnswer(answer: Answer, options: RenderOptions): string[] {
  const header = options.showQuestion ? questionLine(answer.question) : null;
  if (!answer.found || answer.quotes.length === 0) return pack(compact([header, escapeText(answer.answer)]));
  const { quotes, sources } = quotesOfAnswer(answer);
  // A note (nothing published in the period asked about) is read before the quotes.
  return renderQuotes(header, answer.note ? `*${escapeText(answer.note)}*` : null, quotes, sources);
}

/** Matching passages and their articles, without composing an answer (/sources). */
export function renderPassages(
  question: string,
  result: { found: boolean; message: string | null; passages: FoundPassage[] },
  options: RenderOptions,
): string[] {
  const header = options.showQuestion ? questionLine(question) : null;
  if (!result.found || result.passages.length === 0) {
    return pack(compact([header, escapeText(result.message ?? 'Aucun passage trouvé.')]));
  }
  const order = new Map<string, number>();
  const sources: SourceItem[] = [];
  const quotes = result.passages.map((p) => {
    let n = order.get(p.articleId);
    if (n === undefined) {
      sources.push(p);
      order.set(p.articleId, (n = sources.length));
    }
    return { text: p.text, refs: [n], published: p.published };
  });
  return renderQuotes(header, `**Passages trouvés (${quotes.length}) :**`, quotes, sources);
}

/**
 * The answer's quote groups with their source numbers, sources de-duplicated by article so one
 * article is listed once (the answer's own text numbers every citation).
 */
function quotesOfAnswer(answer: Answer): { quotes: QuoteItem[]; sources: SourceItem[] } {
  const byArticle = new Map<string, number>();
  const sources: SourceItem[] = [];
  const sourceOf = (index: number): number => {
    const c = answer.citations[index];
    if (!c) throw new Error(`a quote cites citation ${index}, which the answer does not have`);
    let n = byArticle.get(c.articleId);
    if (n === undefined) {
      sources.push(c);
      byArticle.set(c.articleId, (n = sources.length));
    }
    return n;
  };
  const quotes = answer.quotes.map((group) => ({
    text: group.quote,
    refs: [...new Set(group.citations.map(sourceOf))],
    published: group.published,
  }));
  return { quotes, sources };
}

function renderQuotes(header: string | null, intro: string | null, quotes: QuoteItem[], sources: SourceItem[]): string[] {
  const sourceLines = sources.map((s, i) => `[${i + 1}] ${sourceLine(s)}`);
  const sourcesBlock = ['**Sources :**', ...sourceLines].join('\n');
  // Every quote says when it was published: news moves, and an old figure must look old.
  const markers = quotes.map((q) => `${q.refs.map((n) => `[${n}]`).join('')} — *${formatPublished(q.published)}*`);
  // Room for the quote texts once everything else of a single message is counted.
  const fixed =
    (header ? header.length + 1 : 0) +
    (intro ? intro.length + 1 : 0) +
    markers.reduce((sum, m) => sum + '« '.length + ' » '.length + m.length + 1, 0) +
    1 + // blank line before the sources
    sourcesBlock.length;
  const shares = allocate(
    quotes.map((q) => oneLine(q.text).length),
    MAX_CONTENT - fixed,
  );
  const lines = quotes.map((q, i) => {
    // Never below a readable size, never so long that one line overflows a message.
    const room = Math.min(Math.max(shares[i]!, MIN_QUOTE_CHARS), MAX_CONTENT - 10 - markers[i]!.length);
    return `« ${fitQuote(q.text, room)} » ${markers[i]}`;
  });
  return pack(compact([header, intro, ...lines, '', sourcesBlock]));
}

/**
 * Shares `budget` characters among texts of the given lengths: short texts get what they need, the
 * long ones split what is left evenly.
 */
export function allocate(lengths: number[], budget: number): number[] {
  const shares = new Array<number>(lengths.length).fill(0);
  let remaining = Math.max(0, budget);
  const order = lengths.map((length, i) => ({ length, i })).sort((a, b) => a.length - b.length);
  order.forEach(({ length, i }, k) => {
    const share = Math.floor(remaining / (order.length - k));
    shares[i] = Math.min(length, share);
    remaining -= shares[i]!;
  });
  return shares;
}

/** The quote on one line, escaped, shortened at a word boundary to at most `max` characters. */
export function fitQuote(raw: string, max: number): string {
  const text = oneLine(raw);
  let room = max;
  for (;;) {
    const escaped = escapeText(shortenQuote(text, room));
    if (escaped.length <= max) return escaped;
    room -= Math.max(1, escaped.length - max); // escaping added characters: cut more of the text
  }
}

/**
 * Shortens a text to at most `max` characters by cutting at a word boundary and adding "[…]". The
 * kept part is verbatim; a word is never cut in half (with no boundary in reach, only "[…]" is left).
 */
export function shortenQuote(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = max - ELLIPSIS.length - 1;
  if (room <= 0) return ELLIPSIS;
  // Cut where a space follows, so the last kept word is whole.
  const head = text.slice(0, room + 1);
  const cut = head.lastIndexOf(' ');
  if (cut <= 0) return ELLIPSIS;
  const kept = text.slice(0, cut).replace(/[\s,;:(\-–—«"']+$/u, '');
  return kept === '' ? ELLIPSIS : `${kept} ${ELLIPSIS}`;
}

/** `[n] Title — Outlet — date — <link>`, unknown parts left out, every part bounded. */
export function sourceLine(s: SourceItem): string {
  const parts: string[] = [];
  if (s.title) parts.push(`**${fitQuote(s.title, MAX_TITLE_CHARS)}**`);
  if (s.source) parts.push(fitQuote(s.source, MAX_OUTLET_CHARS));
  if (s.published) parts.push(fitQuote(s.published, 40));
  const link = linkOf(s.url);
  if (link) parts.push(link);
  return parts.length > 0 ? parts.join(' — ') : '(source sans titre)';
}

/** A link wrapped in <> so Discord does not unfurl a preview; odd or huge links are left out. */
export function linkOf(url: string | null): string | null {
  if (!url || url.length > MAX_URL_CHARS || !/^https?:\/\/[^\s<>]+$/.test(url)) return null;
  return `<${url}>`;
}

export function questionLine(question: string): string {
  return `> **Question :** ${fitQuote(question, MAX_QUESTION_CHARS)}`;
}

/**
 * Makes user or article text display as itself: Markdown characters are escaped, and mentions
 * (`@everyone`, `@here`, `<@123>`, `<@&456>`) are broken with a zero-width space so they neither
 * ping (allowedMentions already forbids that) nor even render as mentions.
 */
export function escapeText(text: string): string {
  return neutralizeMentions(text.replace(/[\\*_~`|]/g, '\\$&'));
}

export function neutralizeMentions(text: string): string {
  return text.replace(/@(everyone|here)/gi, '@\u200b$1').replace(/<(@[!&]?|#)(\d)/g, '<$1\u200b$2');
}

/** Packs lines into messages of at most `limit` characters; a line longer than that is cut (should not happen). */
export function pack(lines: string[], limit = MAX_CONTENT): string[] {
  const messages: string[] = [];
  let current = '';
  for (const raw of lines) {
    // A block (the sources) may hold several lines: split it only if it does not fit a message.
    const pieces = raw.length <= limit ? [raw] : raw.split('\n');
    for (const piece of pieces) {
      const line = piece.length <= limit ? piece : `${piece.slice(0, limit - 1)}…`;
      if (current === '') current = line;
      else if (current.length + 1 + line.length <= limit) current += `\n${line}`;
      else {
        messages.push(current);
        current = line;
      }
    }
  }
  if (current.trim() !== '') messages.push(current);
  // Discord refuses empty or whitespace-only messages; trim blank lines at the edges.
  return messages.map((m) => m.replace(/^\n+|\n+$/g, '')).filter((m) => m !== '');
}

/** One message at most: lines that do not fit are replaced by `tail(count left out)`. */
export function fitOne(lines: string[], tail: (omitted: number) => string, limit = MAX_CONTENT): string {
  let out = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const next = out === '' ? line : `${out}\n${line}`;
    const left = lines.length - i - 1;
    // Keep room for the tail that would follow if a later line does not fit.
    const room = left > 0 ? limit - tail(left).length - 1 : limit;
    if (next.length > room) {
      const end = tail(lines.length - i);
      return (out === '' ? end : `${out}\n${end}`).slice(0, limit);
    }
    out = next;
  }
  return out;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function compact(lines: (string | null)[]): string[] {
  return lines.filter((l): l is string => l !== null);
}

/** Room for one timeline quote: a timeline is a list to scan, each line a glance. */
const TIMELINE_QUOTE_CHARS = 280;

/**
 * /timeline: one line per article, oldest first, its date in bold (said once for several articles
 * of the same day), then the sources; as many messages as it takes, each within Discord's limit.
 */
export function renderTimeline(timeline: Timeline): string[] {
  const header = `**Chronologie : ${fitQuote(timeline.subject, MAX_QUESTION_CHARS)}**`;
  if (!timeline.found) return pack([header, escapeText(timeline.message ?? 'Aucun article sur ce sujet.')]);
  const lines: string[] = [];
  let previous: string | null | undefined;
  timeline.entries.forEach((e, i) => {
    const quote = `« ${fitQuote(e.quote, TIMELINE_QUOTE_CHARS)} » [${i + 1}]`;
    lines.push(e.published === previous ? `↳ ${quote}` : `**${formatPublished(e.published)}** — ${quote}`);
    previous = e.published;
  });
  if (timeline.omitted > 0) lines.push(`*(${timeline.omitted} autres articles sur ce sujet ne sont pas listés)*`);
  const sources = timeline.entries.map((e, i) => `[${i + 1}] ${sourceLine(e.citation)}`);
  return pack([header, ...lines, '', '**Sources :**', ...sources]);
}
