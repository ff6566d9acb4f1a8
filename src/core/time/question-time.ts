/**
 * What a question says about time: the publication window it asks about ("en mars 2026",
 * "la semaine dernière", "since June"), whether it asks what is new on a subject, and the question
 * without those words, so "mars" or "dernières nouvelles" are not searched as content.
 *
 * Dates are read by chrono-node (French and English casual parsers, `now` as reference, forwardDate
 * false); gap-rules.ts adds only what chrono was measured not to read. Around both, this module maps
 * a parsed date to a window by granularity (day, week, month, year), reads "depuis / avant / après /
 * jusqu'à / entre" once for all, and drops readings that are not dates in a news question (clock
 * times, "en 2 ans", future periods). Pure: the clock is a parameter.
 */
import { en, fr, type ParsedComponents, type ParsedResult } from 'chrono-node';
import { addDays, type DateWindow, dayOf, hull, localDay, monthWindow, weekWindow, yearWindow } from './calendar.ts';
import { GAP_RULES, L, type Lang, R } from './gap-rules.ts';

export type { DateWindow } from './calendar.ts';

export type TimeIntent = 'period' | 'whats-new' | 'none';

export interface QuestionTime {
  /** Publication dates asked about, inclusive ISO days, never past today; null when the question names no period. */
  window: DateWindow | null;
  /** 'whats-new' for "quoi de neuf sur X" and the like (a window may come with it), 'period' when only a window was named. */
  intent: TimeIntent;
  /** The question without its time expressions and "what's new" phrasing: what to search for. */
  content: string;
  /** Every piece of text taken out of `content`, in question order. */
  expressions: string[];
}

export interface QuestionTimeOptions {
  /** Languages whose phrasings are read (both by default: members mix them). */
  languages?: readonly Lang[];
}

const AP = "['’]";

/** The subject follows these ("quoi de neuf sur l'usine", "latest news about the tram"). */
const TOPIC_WORDS =
  `(?:(?:à propos|au sujet|du côté)\\s+(?:du|des|de)|sur|pour|concernant|côté|avec|dans|chez|à|au|aux|en|du|des|de|` +
  `on|with|about|in|for|at|regarding|from)`;
const TOPIC = `(?:\\s+(?:(?:à propos|au sujet|du côté)\\s+)?d${AP}|\\s+${TOPIC_WORDS}${R})?`;
/** What is left of the topic link when a time expression stood between it and the phrasing ("quoi de neuf cette semaine sur…"). */
const LEFT_TOPIC = new RegExp(`^(?:(?:(?:à propos|au sujet|du côté)\\s+)?d${AP}\\s*|${TOPIC_WORDS}${R}\\s*)`, 'iu');

const WHATS_NEW: readonly { lang: Lang; pattern: RegExp }[] = [
  { lang: 'fr', source: `(?:qu${AP}y a-t-il|qu${AP}est-ce qu${AP}il y a|quoi) de (?:neuf|nouveau)` },
  {
    lang: 'fr',
    source: `(?:les\\s+|des\\s+)?derni(?:ères|eres|ers|ère|ere|er)\\s+(?:nouvelles|infos|informations|actualités|actualites|actus|news|nouveautés|développements|rebondissements|évolutions)`,
  },
  { lang: 'fr', source: `(?:y a-t-il\\s+)?du nouveau` },
  { lang: 'en', source: `what${AP}?s (?:new|the latest)|what is (?:new|the latest)` },
  { lang: 'en', source: `(?:the\\s+)?latest\\s+(?:news|updates?|developments)|any news|recent news` },
  { lang: 'en', source: `the latest(?=\\s+(?:on|about|regarding)${R})` },
].map(({ lang, source }) => ({ lang: lang as Lang, pattern: new RegExp(`${L}(?:${source})${R}${TOPIC}`, 'giu') }));

/** "depuis X" → X..today; "avant X" → ..day before X; "après X" → day after X..today; "jusqu'à X" → ..end of X. */
const WRAPPER = new RegExp(
  `${L}(depuis|dès|à partir d${AP}|à partir du|à partir de|a partir de|since|starting|avant|before|prior to|après|apres|after|` +
    `jusqu${AP}(?:en|à|au|a)?|until|till|up to|through|entre|between)\\s*(?:(?:le|la|les|the)\\s+|l${AP}\\s*)?$`,
  'iu',
);

/** Little words that belong to the date they stand before ("le 2 mars", "pendant le mois dernier", "in March"). */
const LEAD_IN = new RegExp(
  `${L}(?:(?:en|in|on|de|du|d${AP}|au|aux|durant|pendant|during|of|for|from|at|à|le|la|les|l${AP}|the|dans)\\s*){1,2}$`,
  'iu',
);

/** Two dates joined into one period: "entre mars et juin", "en 2024 ou 2025". */
const JOINER = new RegExp(`^\\s*(?:et|and|à|au|a|to|ou|or|-|–)\\s*(?:(?:le|la|the)\\s+|l${AP})?$`, 'iu');

/** Abbreviations chrono accepts that are French words in questions: "sept ans" (Sept.), "mar" (mardi / Mar.). */
const ABBREVIATION = new RegExp(
  `${L}(?:lun|mar|mer|jeu|ven|sam|dim|janv|févr|avr|juil|sept|oct|nov|déc|mon|tue|wed|thu|fri|sat|sun|jan|feb|apr|jun|jul|aug|sep|dec)\\.?${R}`,
  'iu',
);

/** "les trois derniers mois", "the past two weeks": from that date until today. */
const UP_TO_NOW = new RegExp(
  `${L}(?:derniers|dernières|dernieres|past|last\\s+(?:\\d+|few|several|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve))${R}`,
  'iu',
);
const WEEK = new RegExp(`${L}(?:semaines?|weeks?)${R}`, 'iu');
const PART_OF_DAY = new RegExp(`${L}(?:matin|soir|après-midi|morning|evening|afternoon|tonight)${R}`, 'iu');

interface Span {
  start: number;
  end: number;
  window: DateWindow;
}

export function readQuestionTime(question: string, now: Date, options: QuestionTimeOptions = {}): QuestionTime {
  const languages = new Set(options.languages ?? ['fr', 'en']);
  const today = localDay(now);
  const taken: Span[] = []; // whats-new phrasing: removed, no window
  const spans: Span[] = [];
  const free = (start: number, end: number) => ![...taken, ...spans].some((s) => start < s.end && s.start < end);

  for (const { lang, pattern } of WHATS_NEW) {
    if (!languages.has(lang)) continue;
    for (const m of question.matchAll(pattern)) {
      const at = m.index;
      if (free(at, at + m[0].length)) taken.push({ start: at, end: at + m[0].length, window: { from: null, to: null } });
    }
  }

  for (const rule of GAP_RULES) {
    if (!languages.has(rule.lang)) continue;
    for (const m of question.matchAll(rule.pattern)) {
      const at = m.index;
      if (!free(at, at + m[0].length)) continue;
      const window = rule.resolve(m as RegExpExecArray, today, question);
      if (window !== null) spans.push({ start: at, end: at + m[0].length, window });
    }
  }

  // chrono reads what the rules left, with taken text blanked out so positions still match the question.
  const masked = [...taken, ...spans].reduce(
    (text, s) => text.slice(0, s.start) + ' '.repeat(s.end - s.start) + text.slice(s.end),
    question,
  );
  const parsers = [
    ...(languages.has('fr') ? [fr.casual] : []),
    ...(languages.has('en') ? [en.casual] : []),
  ];
  for (const parser of parsers) {
    for (const result of parser.parse(masked, now, { forwardDate: false })) {
      const start = result.index;
      const end = start + result.text.length;
      if (!free(start, end)) continue;
      const window = chronoWindow(result, today);
      if (window !== null) spans.push({ start, end, window });
    }
  }

  // A period wholly in the future names no publication date ("en 2 ans", "le plan 2030").
  const dated = spans.filter((s) => s.window.from === null || s.window.from <= today).sort((a, b) => a.start - b.start);
  const periods = joinAndWrap(question, dated, today);
  const window =
    periods.length === 0
      ? null
      : clip(
          periods.map((p) => p.window).reduce((a, b) => hull(a, b)),
          today,
        );

  const removed = [...taken, ...periods].sort((a, b) => a.start - b.start);
  const content = tidy(removed.reduceRight((text, s) => cut(text, s.start, s.end), question));
  return {
    window,
    intent: taken.length > 0 ? 'whats-new' : window !== null ? 'period' : 'none',
    content: content.replace(taken.length > 0 ? LEFT_TOPIC : /^$/, ''),
    expressions: removed.map((s) => question.slice(s.start, s.end).replace(/^[\s,;:]+|[\s,;:]+$/g, '')),
  };
}

/** The window a chrono reading names, by the granularity it is certain of; null when it names no day. */
function chronoWindow(result: ParsedResult, today: string): DateWindow | null {
  if (ABBREVIATION.test(result.text)) return null;
  const start = componentsWindow(result.start, result.text, today);
  if (start === null || !result.end) return start; // chrono gives null, not undefined, for no end
  const end = componentsWindow(result.end, result.text, today);
  return end === null ? start : { from: start.from, to: end.to };
}

function componentsWindow(c: ParsedComponents, text: string, today: string): DateWindow | null {
  const certain = (k: 'year' | 'month' | 'day' | 'weekday') => c.isCertain(k);
  const hasDate = certain('year') || certain('month') || certain('day') || certain('weekday');
  // "12 a" and "À 8" are read as clock times: no date. "ce matin" is today.
  if (!hasDate && !PART_OF_DAY.test(text)) return null;

  let day = dayOf(c.get('year')!, c.get('month')!, c.get('day')!);
  if (!certain('year') && (certain('month') || certain('day')) && day > today) {
    // forwardDate false still picks the nearest date, which can be next March: members mean the last one.
    const byMonth = certain('day') ? day : dayOf(c.get('year')!, c.get('month')!, 1);
    if (byMonth > today) day = dayOf(c.get('year')! - 1, c.get('month')!, c.get('day')!);
  } else if (certain('weekday') && !certain('day') && day > today) {
    day = addDays(day, -7); // "jeudi" on a Monday: the Thursday just gone
  }

  if (UP_TO_NOW.test(text)) return { from: day, to: today };
  if (WEEK.test(text)) return weekWindow(day);
  if (certain('day') || certain('weekday') || !hasDate) return { from: day, to: day };
  const [y, m] = day.split('-').map(Number) as [number, number];
  if (certain('month')) return monthWindow(y, m);
  return yearWindow(y);
}

/** Reads the wrappers before each date, then joins dates linked by "et" / "and" / "à" into one period. */
function joinAndWrap(question: string, spans: Span[], today: string): Span[] {
  const out: Span[] = [];
  for (const span of spans) {
    const before = question.slice(out.at(-1)?.end ?? 0, span.start);
    const wrapper = WRAPPER.exec(before);
    const previous = out.at(-1);
    if (wrapper === null && previous !== undefined && JOINER.test(question.slice(previous.end, span.start))) {
      previous.window = hull(previous.window, span.window);
      previous.end = span.end;
      continue;
    }
    let { start, window } = span;
    if (wrapper !== null) {
      start = span.start - (before.length - wrapper.index);
      window = wrap(wrapper[1]!.toLowerCase(), window, today);
    } else {
      const lead = LEAD_IN.exec(before);
      if (lead !== null) start = span.start - (before.length - lead.index);
    }
    if (window.from !== null && window.from > today) continue;
    out.push({ start, end: span.end, window });
  }
  return out;
}

function wrap(word: string, w: DateWindow, today: string): DateWindow {
  if (/^(depuis|dès|à partir|a partir|since|starting)/.test(word)) return { from: w.from, to: today };
  if (/^(avant|before|prior)/.test(word)) return { from: null, to: w.from === null ? w.to : addDays(w.from, -1) };
  if (/^(après|apres|after)/.test(word)) return { from: w.to === null ? w.from : addDays(w.to, 1), to: today };
  if (/^(jusqu|until|till|up to|through)/.test(word)) return { from: null, to: w.to };
  return w; // entre / between: the joined dates give the bounds
}

function clip(w: DateWindow, today: string): DateWindow {
  return { from: w.from, to: w.to === null || w.to > today ? today : w.to };
}

/**
 * The text without [start, end): one space where words meet; before punctuation, a space only if the
 * question had one there ("bridge since June?" → "bridge?", "bus il y a un mois ?" → "bus ?").
 */
function cut(text: string, start: number, end: number): string {
  const before = text.slice(0, start).replace(/\s+$/, '');
  const after = text.slice(end);
  const spaced = /^[\p{L}\p{N}]/u.test(after) || /\s$/.test(text.slice(start, end)) || /^\s/.test(after);
  return before + (spaced ? ' ' : '') + after.replace(/^\s+/, '');
}

function tidy(text: string): string {
  const t = text
    .replace(/\s+/g, ' ')
    .replace(/\s+([,.;:])/g, '$1')
    .replace(/([,;:])\s*([?!.])/g, ' $2')
    .replace(/^[\s,;:.–-]+/, '')
    .replace(/(^|\s)['’]s(?![\p{L}])/gu, '$1') // "yesterday's strike" → "strike"
    .trim();
  return /[\p{L}\p{N}]/u.test(t) ? t : '';
}
