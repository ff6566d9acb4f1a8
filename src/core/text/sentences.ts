/**
 * French-aware sentence splitting. Returns [start, end) spans over the input so that quotes can be
 * taken verbatim; spans are in order, trimmed, and together cover every non-whitespace character.
 */
import type { Span } from '../types.ts';

/** Words that end with a period without ending the sentence (compared lowercased, without the period). */
const ABBREVIATIONS = new Set([
  // French titles and usual abbreviations
  'm', 'mm', 'mme', 'mmes', 'mlle', 'mlles', 'dr', 'pr', 'mgr', 'st', 'ste', 'sts', 'stes', 'cie',
  'etc', 'cf', 'ex', 'av', 'apr', 'j.-c', 'éd', 'coll', 'env', 'hab', 'tél', 'ibid', 'op', 'cit', 'réf',
  // months ("sept" is also the number seven, so it is not here)
  'janv', 'févr', 'fév', 'avr', 'juil', 'oct', 'nov', 'déc',
  // English
  'mr', 'mrs', 'ms', 'jr', 'sr', 'inc', 'corp', 'ltd', 'co', 'vs', 'u.s', 'u.k', 'e.g', 'i.e',
]);

/**
 * Abbreviations that are also ordinary words ("un vol." is a theft or a flight): they only hold the
 * sentence together when a number follows (vol. 3, p. 12, n°. 5, chap. IV).
 */
const NUMBER_ABBREVIATIONS = new Set(['vol', 'p', 'pp', 'n°', 'no', 'chap', 'fig', 'art', 't']);

const TERMINAL = '.!?…';
/** Closing quotes and brackets that belong to the sentence they follow. */
const CLOSERS = '»"”’\')]';
/** What a new sentence may start with, besides an uppercase letter or a digit. */
const OPENERS = '«"“‘\'(-–—';
const OPENING_QUOTES: Record<string, string> = { '«': '»', '“': '”' };

const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);
const isUpper = (c: string | undefined): boolean => c !== undefined && /\p{Lu}/u.test(c);
const isLower = (c: string | undefined): boolean => c !== undefined && /\p{Ll}/u.test(c);
const isLetter = (c: string | undefined): boolean => c !== undefined && /\p{L}/u.test(c);

export function splitSentences(text: string): Span[] {
  const spans: Span[] = [];
  let lineStart = 0;
  for (const lineEnd of lineEnds(text)) {
    let start = lineStart;
    for (const cut of sentenceCuts(text, lineStart, lineEnd)) {
      pushTrimmed(text, start, cut, spans);
      start = cut;
    }
    pushTrimmed(text, start, lineEnd, spans);
    lineStart = lineEnd + 1;
  }
  return spans;
}

/** Positions of line breaks, plus the end of the text: a newline always ends a sentence. */
function lineEnds(text: string): number[] {
  const ends: number[] = [];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n' || text[i] === '\r') ends.push(i);
  ends.push(text.length);
  return ends;
}

function pushTrimmed(text: string, start: number, end: number, spans: Span[]): void {
  while (start < end && isSpace(text[start])) start++;
  while (end > start && isSpace(text[end - 1])) end--;
  if (end > start) spans.push({ start, end });
}

/** Offsets inside [from, to) where a new sentence starts. */
function sentenceCuts(text: string, from: number, to: number): number[] {
  const quiet = embeddedQuotes(text, from, to);
  const cuts: number[] = [];
  let i = from;
  while (i < to) {
    const c = text[i] ?? '';
    if (!TERMINAL.includes(c)) {
      i++;
      continue;
    }
    const punctStart = i;
    while (i < to && TERMINAL.includes(text[i] ?? '')) i++;
    const punct = text.slice(punctStart, i);
    const cut = boundaryAfter(text, punctStart, punct, i, to);
    if (cut !== null && !quiet.some(([a, b]) => punctStart > a && punctStart < b)) cuts.push(cut);
  }
  return cuts;
}

/**
 * Given terminal punctuation `punct` at [punctStart, afterPunct), returns where the next sentence
 * starts, or null when this is not a sentence end.
 */
function boundaryAfter(text: string, punctStart: number, punct: string, afterPunct: number, to: number): number | null {
  let j = afterPunct;
  // Closing quotes/brackets stay with the sentence, including French "fin. »" with a space before ».
  for (;;) {
    if (j < to && CLOSERS.includes(text[j] ?? '')) {
      j++;
      continue;
    }
    let k = j;
    while (k < to && isSpace(text[k])) k++;
    if (k > j && text[k] === '»') {
      j = k + 1;
      continue;
    }
    break;
  }

  const next = text[j];
  if (!isSpace(next)) {
    // Glued sentences ("photographie.Une section"): lowercase word, punctuation, capital + lowercase.
    if (j !== afterPunct || !isUpper(next) || !isLower(text[j + 1])) return null;
    let w = punctStart;
    // French puts a space before ! and ? ("évidemment !Pour le moment").
    if (punct !== '.') while (w > 0 && ' \u00a0\u202f'.includes(text[w - 1] ?? '')) w--;
    const wordEnd = w;
    while (w > 0 && isLetter(text[w - 1])) w--;
    const word = text.slice(w, wordEnd);
    if (word.length < 2 || !isLower(word[word.length - 1])) return null;
    if (punct === '.' && ABBREVIATIONS.has(word.toLowerCase())) return null;
    if (/@|:\/\/|^www\./i.test(tokenAround(text, punctStart))) return null; // e-mail or URL
    return j;
  }

  let k = j;
  while (k < to && isSpace(text[k])) k++;
  if (k >= to) return null; // end of line: the line break ends the sentence anyway
  const first = text[k] ?? '';
  if (!isUpper(first) && !/\p{N}/u.test(first) && !OPENERS.includes(first)) return null;
  if (punct === '.' && isAbbreviation(text, punctStart, k)) return null;
  return k;
}

/** The run of non-space characters around `i`. */
function tokenAround(text: string, i: number): string {
  let a = i;
  let b = i;
  while (a > 0 && !isSpace(text[a - 1])) a--;
  while (b < text.length && !isSpace(text[b])) b++;
  return text.slice(a, b);
}

/**
 * Is the word just before the period at `dot` an abbreviation or an initial ("M.", "J.", "U.S.")?
 * `next` is where the following word starts.
 */
function isAbbreviation(text: string, dot: number, next: number): boolean {
  let w = dot;
  while (w > 0 && !isSpace(text[w - 1])) w--;
  const word = text.slice(w, dot).replace(/^[(«"“‘'[]+/, '');
  if (word === '') return false;
  const lower = word.toLowerCase();
  if (ABBREVIATIONS.has(lower)) return true;
  if (NUMBER_ABBREVIATIONS.has(lower) && /^(?:\p{N}|[IVXLC]+(?![\p{L}\p{N}'’]))/u.test(text.slice(next, next + 12))) {
    return true;
  }
  // Initials and dotted acronyms: J. / J.K. / J.-C. / U.S.
  return /^(?:\p{Lu}\.-?)*\p{Lu}$/u.test(word);
}

/**
 * « … » (or “ … ”) quotes whose closing mark is followed by a comma or a lowercase word: the quote is
 * part of a longer sentence (« … », explique un communiqué.), so nothing inside it ends a sentence.
 */
function embeddedQuotes(text: string, from: number, to: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (let i = from; i < to; i++) {
    const close = OPENING_QUOTES[text[i] ?? ''];
    if (close === undefined) continue;
    let end = i + 1;
    while (end < to && text[end] !== close) end++; // within the line only
    if (end >= to) continue;
    let k = end + 1;
    while (k < to && isSpace(text[k])) k++;
    const after = text[k];
    if (after !== undefined && (/[,;:]/.test(after) || isLower(after))) ranges.push([i, end]);
    i = end;
  }
  return ranges;
}
