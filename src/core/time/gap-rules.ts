/**
 * The few time expressions chrono-node 2.10 does not read, measured on the French and English
 * phrasings members use (see tests/question-time.test.ts). Each rule names the gap it fills;
 * everything else goes to chrono. A rule only gives the period the words name; "depuis",
 * "avant", "after"… around it are read once, for rules and chrono alike, in question-time.ts.
 *
 * Measured gaps (chrono.fr / chrono.en casual, reference 2026-11-30, forwardDate false):
 *  - a month named without a day in French ("en mars", "mars 2026", "octobre dernier"): nothing;
 *  - a year alone ("en 2025", "in 2024", "avant 2020"): nothing in either language;
 *  - "cette semaine": nothing; "this week": a Sunday with no certain component;
 *  - "ce mois-ci", "cette année", "l'an dernier" / "l'an passé": nothing (chrono.fr has "le mois
 *    dernier" and "l'année dernière" only);
 *  - "avant-hier": read as "hier", one day off;
 *  - "depuis trois mois": nothing;
 *  - part of a year or month ("en début d'année", "fin 2025", "early 2025", "début mars"): nothing;
 *  - seasons ("cet été", "l'hiver dernier", "last summer"): nothing.
 */
import {
  addDays,
  addMonths,
  dayOf,
  type DateWindow,
  lastDayOfMonth,
  monthWindow,
  partsOf,
  weekWindow,
  yearWindow,
} from './calendar.ts';

export type Lang = 'fr' | 'en';

export interface GapRule {
  /** What chrono-node lacks, in a few words. */
  gap: string;
  lang: Lang;
  pattern: RegExp;
  /** The period named, or null when the words turn out not to be a time expression here. */
  resolve(match: RegExpExecArray, today: string, question: string): DateWindow | null;
}

/** Word edges that know accented letters (\b does not: "été" has none before "é"). */
export const L = '(?<![\\p{L}\\p{N}])';
export const R = '(?![\\p{L}\\p{N}])';
const AP = "['’]";
const YEAR = '(19\\d\\d|20\\d\\d)';

const FR_MONTHS: Record<string, number> = {
  janvier: 1, février: 2, fevrier: 2, mars: 3, avril: 4, mai: 5, juin: 6, juillet: 7,
  août: 8, aout: 8, septembre: 9, octobre: 10, novembre: 11, décembre: 12, decembre: 12,
};
const FR_MONTH = `(${Object.keys(FR_MONTHS).join('|')})`;

const NUMBERS: Record<string, number> = {
  un: 1, une: 1, deux: 2, trois: 3, quatre: 4, cinq: 5, six: 6, sept: 7, huit: 8, neuf: 9,
  dix: 10, onze: 11, douze: 12, quinze: 15, vingt: 20,
};
const NUMBER = `(\\d{1,3}|${Object.keys(NUMBERS).join('|')})`;

/**
 * Words after which a bare month or year is a date ("depuis juin", "entre 2019 et 2021"), as
 * opposed to "sur Mars" or "le plan 2030". Wrappers themselves are read in question-time.ts.
 */
const DATE_LEADS = new Set([
  'depuis', 'avant', 'après', 'apres', 'dès', 'jusqu’en', "jusqu'en", 'jusqu’à', "jusqu'à", 'jusqu’au', "jusqu'au",
  'entre', 'et', 'ou', 'à', 'au', 'en', 'de', 'du', 'd’', "d'", 'since', 'before', 'after', 'until', 'between',
  'and', 'or', 'to', 'from', 'in', 'by', 'during', 'of', 'durant', 'pendant',
]);

export function wordBefore(question: string, index: number): string {
  const m = /([\p{L}]+(?:['’][\p{L}]*)?)\s*$/u.exec(question.slice(Math.max(0, index - 30), index));
  return m ? m[1]!.toLowerCase() : '';
}

/**
 * Words ending in s or x that may follow a year. Any other lowercase word ending so is taken for
 * the plural noun of a figure ("en 2000 exemplaires", "in 1999 cases"); verbs and names may follow
 * a year ("en 2025 ont-ils", "En 2025 Martin").
 */
const NOT_PLURAL = new Set(
  (
    'les des ces mes tes ses nos vos leurs nous vous ils elles aux deux trois six dix plus moins très sous dans ' +
    'sans depuis après puis alors mais tous toutes jamais toujours pas dès ' +
    'was has is does this its as us vs thus'
  ).split(' '),
);

function yearIsDate(question: string, start: number, end: number): boolean {
  // "1 500", "12 2025": a digit group just before means a figure with thousands separators.
  if (/\d[\s\u00a0\u202f.,]?$/u.test(question.slice(0, start))) return false;
  const rest = question.slice(end);
  if (/^[\s\u00a0\u202f]*[\d%€$]/u.test(rest)) return false;
  const next = /^[\s\u00a0\u202f]*([\p{L}]+)/u.exec(rest);
  if (next === null) return true;
  const word = next[1]!;
  return word !== word.toLowerCase() || !/[sx]$/.test(word) || NOT_PLURAL.has(word);
}

function number(word: string): number {
  return NUMBERS[word.toLowerCase()] ?? Number(word);
}

function yearOf(today: string): number {
  return partsOf(today).year;
}

/** The most recent such month whose first day is not after today (strictly before this month if `previous`). */
function recentMonth(month: number, today: string, previous: boolean): { year: number; month: number } {
  const t = partsOf(today);
  const year = month < t.month || (month === t.month && !previous) ? t.year : t.year - 1;
  return { year, month };
}

/** Part of a month: début 1-10, mi 11-20, fin 21-end. */
function monthPart(year: number, month: number, part: string | undefined): DateWindow {
  const p = (part ?? '').toLowerCase();
  if (p.startsWith('d')) return { from: dayOf(year, month, 1), to: dayOf(year, month, 10) };
  if (p.startsWith('mi')) return { from: dayOf(year, month, 11), to: dayOf(year, month, 20) };
  if (p === 'fin') return { from: dayOf(year, month, 21), to: lastDayOfMonth(year, month) };
  return monthWindow(year, month);
}

/** Part of a year: beginning = first quarter, middle = May-August, end = last quarter. */
function yearPart(year: number, part: string): DateWindow {
  const p = part.toLowerCase();
  if (p.startsWith('d') || p === 'early') return { from: dayOf(year, 1, 1), to: dayOf(year, 3, 31) };
  if (p === 'fin' || p === 'late') return { from: dayOf(year, 10, 1), to: dayOf(year, 12, 31) };
  return { from: dayOf(year, 5, 1), to: dayOf(year, 8, 31) };
}

/** Meteorological seasons; winter Y runs from December Y-1 to February Y. */
const SEASONS: Record<string, number> = {
  printemps: 3, été: 6, ete: 6, automne: 9, hiver: 12,
  spring: 3, summer: 6, autumn: 9, fall: 9, winter: 12,
};

function seasonWindow(startYear: number, startMonth: number): DateWindow {
  return { from: dayOf(startYear, startMonth, 1), to: lastDayOfMonth(startYear, startMonth + 2) };
}

function season(name: string, qualifier: string | undefined, today: string): DateWindow {
  const startMonth = SEASONS[name.toLowerCase()]!;
  const q = (qualifier ?? '').toLowerCase();
  if (/^\d{4}$/.test(q)) return seasonWindow(startMonth === 12 ? Number(q) - 1 : Number(q), startMonth);
  const past = /^(dernier|passé|passe|last|past)$/.test(q);
  // The latest instance that has started (or, for "dernier"/"last", that has ended).
  for (let year = yearOf(today); ; year--) {
    const w = seasonWindow(year, startMonth);
    if (past ? w.to! < today : w.from! <= today) return w;
  }
}

const rule = (lang: Lang, gap: string, source: string, resolve: GapRule['resolve']): GapRule => ({
  lang,
  gap,
  pattern: new RegExp(source, 'giu'),
  resolve,
});

/** In order: a longer phrase is tried before the shorter one it contains. */
export const GAP_RULES: readonly GapRule[] = [
  rule('fr', '« avant-hier » read as « hier »', `${L}avant[- ]hier${R}`, (_m, today) => ({
    from: addDays(today, -2),
    to: addDays(today, -2),
  })),
  rule('en', '"the day before yesterday" read as "yesterday"', `${L}the day before yesterday${R}`, (_m, today) => ({
    from: addDays(today, -2),
    to: addDays(today, -2),
  })),
  rule('fr', '« cette semaine » not read', `${L}cette semaine${R}`, (_m, today) => ({ from: weekWindow(today).from, to: today })),
  rule('en', '"this week" read as a Sunday with no certain component', `${L}this week${R}`, (_m, today) => ({
    from: weekWindow(today).from,
    to: today,
  })),
  rule('fr', '« ce mois-ci » not read', `${L}(?:ce mois[- ]ci|ce mois|le mois en cours)${R}`, (_m, today) => ({
    from: dayOf(yearOf(today), partsOf(today).month, 1),
    to: today,
  })),
  rule('fr', '« cette année » not read', `${L}(?:cette ann[ée]e|l${AP}ann[ée]e en cours)${R}`, (_m, today) => ({
    from: dayOf(yearOf(today), 1, 1),
    to: today,
  })),
  rule('fr', '« l’an dernier » not read (only « l’année dernière »)', `${L}l${AP}an (?:dernier|pass[ée])${R}`, (_m, today) =>
    yearWindow(yearOf(today) - 1),
  ),
  rule(
    'fr',
    '« depuis trois mois » not read',
    `${L}depuis\\s+${NUMBER}\\s+(jours?|semaines?|mois|ans?|ann[ée]es?)${R}`,
    (m, today) => {
      const n = number(m[1]!);
      const unit = m[2]!.toLowerCase();
      const from = unit.startsWith('jour')
        ? addDays(today, -n)
        : unit.startsWith('semaine')
          ? addDays(today, -7 * n)
          : unit === 'mois'
            ? addMonths(today, -n)
            : addMonths(today, -12 * n);
      return { from, to: today };
    },
  ),
  rule(
    'fr',
    '« en début d’année », « fin 2025 » not read',
    `${L}(?:(?:en|au)\\s+)?(début|debut|fin|milieu|mi-)\\s*(?:(?:de\\s+l${AP}|d${AP})ann[ée]e(?:\\s+${YEAR})?|${YEAR})${R}`,
    (m, today) => yearPart(Number(m[2] ?? m[3] ?? yearOf(today)), m[1]!),
  ),
  rule('en', '"early 2025", "late 2025" not read', `${L}(?:in\\s+)?(early|late|mid-?)\\s*${YEAR}${R}`, (m) =>
    yearPart(Number(m[2]), m[1]!.replace('-', '')),
  ),
  rule(
    'fr',
    'a French month without a day (« en mars », « mars 2026 », « octobre dernier ») not read',
    `${L}(?:(en|au mois de|le mois de|du mois de|au cours du mois de|courant|durant|pendant|début|debut|fin|mi-|mi)\\s*)?${FR_MONTH}(?:\\s+${YEAR})?(?:\\s+(dernier))?${R}`,
    (m, today, question) => {
      const [, marker, monthName, year, last] = m;
      // "le 2 mars" is chrono's (a day); a bare "Mars" with nothing around it is the planet.
      if (/(\d|\d\s*(er|e)|premier)\s*$/iu.test(question.slice(0, m.index))) return null;
      if (!marker && !year && !last && !DATE_LEADS.has(wordBefore(question, m.index))) return null;
      // French writes months in lowercase: "la sonde de Mars" names the planet.
      if (!year && /^\p{Lu}/u.test(monthName!) && /\p{L}/u.test(question.slice(0, m.index + (marker?.length ?? 0)))) return null;
      const month = FR_MONTHS[monthName!.toLowerCase()]!;
      const at = year ? { year: Number(year), month } : recentMonth(month, today, last !== undefined);
      return monthPart(at.year, at.month, marker);
    },
  ),
  rule(
    'fr',
    'a year alone (« en 2025 ») not read',
    `${L}(?:(en|durant|pendant|courant|(?:de\\s+|dans\\s+|pour\\s+)?l${AP}ann[ée]e)\\s+)?${YEAR}${R}`,
    (m, _today, question) => {
      const [, marker, year] = m;
      const yearAt = m.index + m[0].length - year!.length;
      if (!yearIsDate(question, yearAt, m.index + m[0].length)) return null;
      if (!marker && !DATE_LEADS.has(wordBefore(question, m.index))) return null;
      return yearWindow(Number(year));
    },
  ),
  rule('en', '"in 2024" not read', `${L}(?:(in|during|(?:the\\s+)?year)\\s+)${YEAR}${R}`, (m, _today, question) =>
    yearIsDate(question, m.index + m[0].length - 4, m.index + m[0].length) ? yearWindow(Number(m[2])) : null,
  ),
  rule(
    'fr',
    'seasons (« cet été », « l’hiver dernier ») not read',
    `${L}(?:(cet|ce|cette|l${AP}|au|en|à\\s+l${AP}|de\\s+l${AP}|durant\\s+l${AP}|pendant\\s+l${AP})\\s*)?(printemps|été|ete|automne|hiver)(?:\\s+(dernier|pass[ée]|${YEAR.slice(1, -1)}))?${R}`,
    (m, today) => {
      const [, marker, name, qualifier] = m;
      // A season needs a determiner or a qualifier: "a été" is a verb, "l'été dernier" a time.
      if (!marker && !qualifier) return null;
      return season(name!, qualifier, today);
    },
  ),
  rule(
    'en',
    'seasons ("this summer", "last winter") not read',
    `${L}(?:(this|last|past)\\s+(spring|summer|autumn|fall|winter)|(spring|summer|autumn|winter)\\s+${YEAR})${R}`,
    (m, today) =>
      m[2] !== undefined ? season(m[2], m[1]!.toLowerCase() === 'this' ? undefined : 'last', today) : season(m[3]!, m[4], today),
  ),
];
