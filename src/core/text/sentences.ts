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

// Character classes with an ASCII fast path: the splitter looks at every character of every passage
// an answer reads, and a Unicode regex test per character made it the slowest step of composing.
const isSpace = (c: string | undefined): boolean => {
  if (c === undefined) return false;
  const k = c.charCodeAt(0);
  return k < 128 ? k === 32 || (k >= 9 && k <= 13) : /\s/.test(c);
};
const isUpper = (c: string | undefined): boolean => {
  if (c === undefined) return false;
  const k = c.charCodeAt(0);
  return k < 128 ? k >= 65 && k <= 90 : /\p{Lu}/u.test(c);
};
const isLower = (c: string | undefined): boolean => {
  if (c === undefined) return false;
  const k = c.charCodeAt(0);
  return k < 128 ? k >= 97 && k <= 122 : /\p{Ll}/u.test(c);
};
const isLetter = (c: string | undefined): boolean => {
  if (c === undefined) return false;
  const k = c.charCodeAt(0);
  return k < 128 ? (k >= 65 && k <= 90) || (k >= 97 && k <= 122) : /\p{L}/u.test(c);
};

export function splitSentences(text: string): Span[] {
  const spans: Span[] = [];
  let lineStart = 0;
  for (const lineEnd of lineEnds(text)) {
    let start = lineStart;
    // « … » quotes inside a longer sentence: nothing in them ends a sentence.
    const quiet = embeddedQuotes(text, lineStart, lineEnd);
    for (const cut of withHeadingCuts(text, lineStart, lineEnd, sentenceCuts(text, lineStart, lineEnd, quiet), quiet)) {
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
function sentenceCuts(text: string, from: number, to: number, quiet: Array<[number, number]>): number[] {
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
  // A suspension before a figure is a pause inside the sentence ("dépassant au total… 2.500 technologies").
  const suspension = punct === '…' || /^\.{3,}$/.test(punct);
  if (!isUpper(first) && !(/\p{N}/u.test(first) && !suspension) && !OPENERS.includes(first)) return null;
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

/**
 * Words that open a French sentence. Capitalised right after a heading that lost its line break
 * ("Applications Microsoft À compter de…", "EuropePlus précisément"), they show where the heading ends.
 */
const OPENING_WORDS = new Set([
  'à', 'au', 'aux', 'il', 'ils', 'elle', 'elles', 'nous', 'on', 'le', 'la', 'les', 'un', 'une', 'ce', 'cette', 'ces',
  'pour', 'en', 'dans', 'selon', 'depuis', 'mais', 'plus', 'outre', 'si', 'avec', 'alors', 'après', 'avant', 'lorsque', 'quand',
]);
/** Elided openers glued to their word by an apostrophe: "L'accord", "D'après", "C'est", "Qu'il". */
const ELIDED_OPENERS = new Set(['l', 'd', 'c', 'qu']);
/** Capitalised, these never sit inside a French sentence: a subject pronoun or "À" starts one. */
const NEVER_MID_SENTENCE = new Set(['à', 'il', 'ils', 'elle', 'elles', 'nous']);
/** Small words a heading may hold in lowercase ("Accord de brevet avec Microsoft"). */
const HEADING_CONNECTORS = new Set(['de', 'du', 'des', 'd', 'et', 'la', 'le', 'les', 'l', 'en', 'à', 'avec', 'pour', 'sur', 'of', 'and', 'the', 'in', 'on']);
/** A heading is short: longer runs of capitalised words are names in a sentence. */
const MAX_HEADING_WORDS = 6;

const APOSTROPHES = "'’";

/**
 * Does a sentence start at `i`, an opening word with a capital ("Il", "À", "L'")? Returns the word,
 * lowercased, or null. The next word must be lowercase so that names ("Le Monde", "La Poste") never qualify.
 */
function openerAt(text: string, i: number, to: number): string | null {
  if (!isUpper(text[i])) return null;
  let e = i + 1;
  while (e < to && isLower(text[e])) e++;
  const word = text.slice(i, e).toLowerCase();
  if (ELIDED_OPENERS.has(word) && APOSTROPHES.includes(text[e] ?? '') && isLower(text[e + 1])) return word;
  if (OPENING_WORDS.has(word) && text[e] === ' ' && isLower(text[e + 1])) return word;
  return null;
}

/**
 * Adds cuts where a heading lost its line break and runs into the sentence after it: glued
 * ("réciproquesXiaomi acquiert", "EuropeIl reste", "MicrosoftL'accord"), or followed by a space
 * ("Applications Microsoft À compter de septembre", "du terrain Elle a pris du retard").
 */
function withHeadingCuts(text: string, from: number, to: number, cuts: number[], quiet: Array<[number, number]>): number[] {
  const extra: number[] = [];
  for (let i = from + 1; i < to; i++) {
    if (!isUpper(text[i]) || quiet.some(([a, b]) => i > a && i < b)) continue;
    if (isLower(text[i - 1])) {
      // Glued: a word of at least 4 letters, then a capital inside the same run of letters.
      let w = i;
      while (w > from && isLetter(text[w - 1])) w--;
      const left = text.slice(w, i);
      if (left.length < 4 || !isLower(text[i + 1]) && !APOSTROPHES.includes(text[i + 1] ?? '')) continue;
      const leftLowercase = !/\p{Lu}/u.test(left);
      if (openerAt(text, i, to) !== null || (leftLowercase && isLower(text[i + 1]))) extra.push(i);
    } else if (text[i - 1] === ' ' && isLetter(text[i - 2])) {
      // Spaced: a pronoun or "À" with a capital after a word, without punctuation between.
      const word = openerAt(text, i, to);
      if (word !== null && NEVER_MID_SENTENCE.has(word)) extra.push(i);
    }
  }
  const all = [...new Set([...cuts, ...extra])].sort((a, b) => a - b);
  // A short run of capitalised words opening a segment, then an opening word: a heading.
  const starts = [from, ...all];
  for (const s of starts) {
    const cut = headingEnd(text, s, to);
    if (cut !== null && !all.includes(cut)) all.push(cut);
  }
  return all.sort((a, b) => a - b);
}

/** Where a heading opening the segment at `start` ends ("Applications Microsoft | À compter"), or null. */
function headingEnd(text: string, start: number, to: number): number | null {
  let i = start;
  while (i < to && isSpace(text[i])) i++;
  let words = 0;
  while (i < to && words <= MAX_HEADING_WORDS) {
    let e = i;
    while (e < to && !isSpace(text[e])) e++;
    const word = text.slice(i, e);
    if (words > 0 && openerAt(text, i, to) !== null) return i;
    const bare = word.replace(/[’']$/, '').toLowerCase();
    const capitalised = isUpper(word[0]) && /^[\p{L}\p{N}][\p{L}\p{N}’'-]*$/u.test(word);
    if (!capitalised && !(words > 0 && HEADING_CONNECTORS.has(bare))) return null;
    if (words === 0 && openerAt(text, i, to) !== null) return null;
    words++;
    i = e;
    while (i < to && isSpace(text[i])) i++;
  }
  return null;
}

/**
 * A heading, caption or pull-quote line rather than a sentence: no closing punctuation and a few
 * words. Quoted alone it says nothing; it is still indexed with the text around it.
 */
export function isHeading(sentence: string): boolean {
  const t = sentence.trim();
  if (/[.!?…:;»"”)\]]$/.test(t)) return false;
  return t.split(/\s+/).length <= 8;
}

/**
 * The sentences of `text` that overlap [start, end), whole: a passage may begin inside a sentence
 * (a long one cut to fit the model), and a quote must still start where the sentence does.
 * Only the lines around the range are split, since a line break always ends a sentence.
 */
export function sentencesAround(text: string, start: number, end: number): Span[] {
  let from = start;
  while (from > 0 && text[from - 1] !== '\n' && text[from - 1] !== '\r') from--;
  let to = end;
  while (to < text.length && text[to] !== '\n' && text[to] !== '\r') to++;
  return linesSplit(text, from, to).filter((s) => s.end > start && s.start < end);
}

/** Recent splits of whole lines, per article text: an answer reads overlapping passages of few articles. */
const LINE_SPLITS = new Map<string, Map<string, Span[]>>();
const LINE_SPLIT_TEXTS = 64;

function linesSplit(text: string, from: number, to: number): Span[] {
  let byRange = LINE_SPLITS.get(text);
  if (byRange === undefined) {
    if (LINE_SPLITS.size >= LINE_SPLIT_TEXTS) LINE_SPLITS.delete(LINE_SPLITS.keys().next().value as string);
    byRange = new Map();
    LINE_SPLITS.set(text, byRange);
  }
  const key = `${from}:${to}`;
  let spans = byRange.get(key);
  if (spans === undefined) {
    spans = splitSentences(text.slice(from, to)).map((s) => ({ start: from + s.start, end: from + s.end }));
    byRange.set(key, spans);
  }
  return spans;
}
