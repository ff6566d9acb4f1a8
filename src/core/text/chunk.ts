/**
 * Packs sentences into passages sized for an embedding model. Sizes are counted with the caller's
 * tokenizer (`countTokens`), never in characters, because the model's limit is in tokens.
 */
import type { Span } from '../types.ts';

export interface ChunkOptions {
  /** Largest passage, in tokens. */
  maxTokens: number;
  /** Tokens of trailing sentences repeated at the start of the next passage (0: no overlap). */
  overlapTokens: number;
  countTokens: (text: string) => number;
}

/** A final passage whose new text is under this share of maxTokens is too small to stand alone. */
const TINY_SHARE = 0.25;

/** A piece of text (a sentence, or part of a sentence too long for one passage) with its token count. */
interface Unit extends Span {
  tokens: number;
}

export function chunkSentences(text: string, sentences: Span[], options: ChunkOptions): Span[] {
  const { maxTokens, overlapTokens, countTokens } = options;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) throw new RangeError(`maxTokens must be a positive integer, got ${maxTokens}`);
  if (!(overlapTokens >= 0)) throw new RangeError(`overlapTokens must be ≥ 0, got ${overlapTokens}`);

  const count = (start: number, end: number): number => countTokens(text.slice(start, end));
  const units: Unit[] = [];
  for (const sentence of sentences) {
    const span = trimSpan(text, sentence);
    if (span.end <= span.start) continue;
    const tokens = count(span.start, span.end);
    if (tokens <= maxTokens) units.push({ ...span, tokens });
    else units.push(...splitLongSentence(text, span, maxTokens, count));
  }

  const passages: Span[] = [];
  /** Unit index ranges [first, last) of the passages. */
  const ranges: Array<[number, number]> = [];
  let first = 0;
  let covered = 0; // units before this index are already in a passage
  while (covered < units.length) {
    // Every passage brings at least one new unit: progress, and never a passage inside the previous one.
    const mustLast = covered + 1;
    // Drop overlap from the front if even one new unit does not fit after it.
    while (first < covered && count(unitAt(units, first).start, unitAt(units, covered).end) > maxTokens) first++;
    const last = pack(units, first, mustLast, maxTokens, count);
    passages.push({ start: unitAt(units, first).start, end: unitAt(units, last - 1).end });
    ranges.push([first, last]);
    covered = last;
    first = overlapStart(units, first, last, overlapTokens);
  }

  extendTinyTail(units, passages, ranges, maxTokens, count);
  return passages;
}

function unitAt(units: Unit[], i: number): Unit {
  const unit = units[i];
  if (unit === undefined) throw new Error(`chunk: no unit ${i}`);
  return unit;
}

function trimSpan(text: string, span: Span): Span {
  let { start, end } = span;
  while (start < end && /\s/.test(text[start] ?? '')) start++;
  while (end > start && /\s/.test(text[end - 1] ?? '')) end--;
  return { start, end };
}

/**
 * Grows the passage [first, mustLast) with following units and returns its end. The sum of per-unit
 * counts is the first estimate; the real count of the joined text decides, as joined counts differ slightly.
 */
function pack(units: Unit[], first: number, mustLast: number, maxTokens: number, count: (s: number, e: number) => number): number {
  let sum = 0;
  for (let i = first; i < mustLast; i++) sum += unitAt(units, i).tokens;
  let last = mustLast;
  while (last < units.length && sum + unitAt(units, last).tokens <= maxTokens) sum += unitAt(units, last++).tokens;
  const start = unitAt(units, first).start;
  if (last > mustLast && count(start, unitAt(units, last - 1).end) > maxTokens) {
    do last--;
    while (last > mustLast && count(start, unitAt(units, last - 1).end) > maxTokens);
    return last;
  }
  // Per-call counts can overestimate (a tokenizer may add special tokens each call): take what still fits.
  while (last < units.length && count(start, unitAt(units, last).end) <= maxTokens) last++;
  return last;
}

/** First unit of the next passage: trailing units of [first, last) totalling ≤ overlapTokens. */
function overlapStart(units: Unit[], first: number, last: number, overlapTokens: number): number {
  let start = last;
  let sum = 0;
  while (start - 1 > first && sum + unitAt(units, start - 1).tokens <= overlapTokens) sum += unitAt(units, --start).tokens;
  return start;
}

/**
 * A last passage with little new text makes a poor search result. It cannot be merged into the
 * previous passage (packing is greedy: the previous one had no room left), so it starts earlier
 * instead, taking whole sentences of the previous passage as context while it fits in maxTokens.
 */
function extendTinyTail(
  units: Unit[],
  passages: Span[],
  ranges: Array<[number, number]>,
  maxTokens: number,
  count: (s: number, e: number) => number,
): void {
  const n = passages.length;
  const last = passages[n - 1];
  const lastRange = ranges[n - 1];
  const prevRange = ranges[n - 2];
  if (!last || !lastRange || !prevRange) return;
  if (count(unitAt(units, prevRange[1]).start, last.end) >= TINY_SHARE * maxTokens) return;
  let first = lastRange[0];
  // Never reach the previous passage's first unit, or the last passage would contain it whole.
  while (first - 1 > prevRange[0] && count(unitAt(units, first - 1).start, last.end) <= maxTokens) first--;
  passages[n - 1] = { start: unitAt(units, first).start, end: last.end };
}

/**
 * Cuts a sentence longer than maxTokens into pieces that fit, at word boundaries, preferring a cut
 * after , ; : or before « so that each piece reads as a clause.
 */
function splitLongSentence(text: string, span: Span, maxTokens: number, count: (s: number, e: number) => number): Unit[] {
  const words: Span[] = [];
  for (const m of text.slice(span.start, span.end).matchAll(/\S+/g)) {
    words.push({ start: span.start + m.index, end: span.start + m.index + m[0].length });
  }
  const pieces: Unit[] = [];
  let w = 0;
  while (w < words.length) {
    const start = (words[w] as Span).start;
    // Largest number of whole words that fits (binary search: counts grow with the text).
    let lo = w;
    let hi = words.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (count(start, (words[mid - 1] as Span).end) <= maxTokens) lo = mid;
      else hi = mid - 1;
    }
    if (lo === w) {
      // One word alone is too long (a huge URL, a tokenizer that counts characters): cut inside it.
      const word = words[w] as Span;
      const cut = longestFittingPrefix(text, word, maxTokens, count);
      pieces.push({ start: word.start, end: cut, tokens: count(word.start, cut) });
      if (cut < word.end) words[w] = { start: cut, end: word.end };
      else w++;
      continue;
    }
    let end = lo;
    if (end < words.length) end = preferredCut(text, words, w, end);
    pieces.push({ start, end: (words[end - 1] as Span).end, tokens: count(start, (words[end - 1] as Span).end) });
    w = end;
  }
  return pieces;
}

/** Within words [from, end), the last clause boundary in the second half, or `end` if none. */
function preferredCut(text: string, words: Span[], from: number, end: number): number {
  for (let k = end; k > from + Math.max(1, Math.floor((end - from) / 2)); k--) {
    const before = words[k - 1] as Span;
    const after = words[k] as Span | undefined;
    if (/[,;:]$/.test(text.slice(before.start, before.end))) return k;
    if (after && text[after.start] === '«') return k;
  }
  return end;
}

/** End of the longest prefix of `word` that fits in maxTokens (at least one character, never half a surrogate pair). */
function longestFittingPrefix(text: string, word: Span, maxTokens: number, count: (s: number, e: number) => number): number {
  let lo = word.start + 1;
  let hi = word.end;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (count(word.start, mid) <= maxTokens) lo = mid;
    else hi = mid - 1;
  }
  const code = text.charCodeAt(lo - 1);
  if (code >= 0xd800 && code <= 0xdbff && lo < word.end) lo = lo - 1 > word.start ? lo - 1 : lo + 1;
  return lo;
}
