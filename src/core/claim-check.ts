/**
 * Checking a claim against quotes: the figures a message states ("2 000 brevets") compared with the
 * figures the quoted sentences state about the same thing (a figure counts the same thing when the
 * word after it is the same: brevets, postes, euros). It only says what the quotes say: a figure the
 * quotes agree with, one they give differently, or nothing about it — never a verdict of its own.
 */
import { analyze, isStopWord } from './text/analyze.ts';
import { formatPublished } from './time/format-date.ts';
import { namesIn } from './follow-up.ts';

/** A figure as written, its value, and the thing it counts (stemmed, e.g. "brevet"; null if none). */
export interface Figure {
  text: string;
  value: number;
  unit: string | null;
}

export type FigureCheck =
  | { kind: 'same'; claimed: Figure; stated: Figure; quote: number }
  | { kind: 'differs'; claimed: Figure; stated: Figure; quote: number }
  | { kind: 'absent'; claimed: Figure };

const SCALES: Record<string, number> = { mille: 1e3, million: 1e6, millions: 1e6, milliard: 1e9, milliards: 1e9 };
/**
 * A number: digit groups separated by spaces (no-break too) or dots ("1 500", "3.500", "15.000"),
 * an optional decimal comma ("4,6"), then an optional scale word and what it counts.
 */
const FIGURE =
  /(?<![\p{L}\p{N}])(\p{N}{1,3}(?:[ \u00A0\u202F.]\p{N}{3})+|\p{N}+)(?:,(\p{N}+))?(?![\p{N}])(?:\s*(%|pour ?cent))?(?:\s*(mille|millions?|milliards?)(?![\p{L}]))?(?:\s+(?:de |d['’])?([\p{L}][\p{L}\p{M}-]*))?/gu;

/** The figures a text states, in order. Years alone (1900–2099 with no unit) are dates, not figures. */
export function figuresIn(text: string): Figure[] {
  const out: Figure[] = [];
  for (const m of text.normalize('NFC').matchAll(FIGURE)) {
    const [whole, int, dec, percent, scale, word] = m;
    let value = Number(int!.replace(/[ \u00A0\u202F.]/g, '') + (dec ? `.${dec}` : ''));
    if (scale) value *= SCALES[scale.toLowerCase()] ?? 1;
    let unit: string | null = percent ? '%' : null;
    if (!unit && word && !isStopWord(word)) unit = analyze(word)[0] ?? null;
    if (!unit && !scale && value >= 1900 && value <= 2099 && !dec) continue;
    // A percentage counts no word after it ("4,6% fin 2015").
    const text = percent ? whole.slice(0, whole.indexOf(percent) + percent.length) : whole;
    out.push({ text: text.trim(), value, unit });
  }
  return out;
}

/**
 * Each figure of the claim that counts something, checked against the quotes: the same value stated
 * by a quote for the same thing, another value for it (the first quote that gives one), or nothing.
 */
export function checkFigures(claim: string, quotes: readonly string[]): FigureCheck[] {
  const stated = quotes.map((q) => figuresIn(q));
  const checks: FigureCheck[] = [];
  for (const claimed of figuresIn(claim)) {
    if (claimed.unit === null) continue; // "2 000" alone: what it counts is unknown, nothing to compare
    let differs: FigureCheck | null = null;
    let same: FigureCheck | null = null;
    stated.forEach((figures, quote) => {
      for (const f of figures) {
        if (f.unit !== claimed.unit) continue;
        if (f.value === claimed.value) same ??= { kind: 'same', claimed, stated: f, quote };
        else differs ??= { kind: 'differs', claimed, stated: f, quote };
      }
    });
    checks.push(same ?? differs ?? { kind: 'absent', claimed });
  }
  return checks;
}

/** The claim without its figures: what to search for (the figures are what is checked, not the subject). */
export function claimSubject(claim: string): string {
  return claim.replace(FIGURE, (whole: string, ...groups: unknown[]) => ` ${typeof groups[4] === 'string' ? groups[4] : ''} `).replace(/\s+/g, ' ').trim();
}

/**
 * The claim's key words: its names and what its figures count ("Microsoft Xiaomi brevets"). A chatty
 * message ("…, c'est énorme") holds words no article shares; these alone find its subject.
 */
export function claimKeywords(claim: string): string {
  const counted: string[] = [];
  for (const m of claim.normalize('NFC').matchAll(FIGURE)) if (m[5] && !isStopWord(m[5])) counted.push(m[5]);
  return [...namesIn(claim), ...counted].join(' ');
}

/** Where a quote comes from, as a check sentence names it. */
export interface QuotedSource {
  title: string | null;
  published: string | null;
  /** 1-based source number shown with the quotes. */
  number: number;
}

/**
 * One plain sentence per figure check, saying only what the quotes say:
 * "Le message dit 2 000 brevets ; l’article « … » du 15 juin 2026 [1] dit 1 500 brevets."
 */
export function describeChecks(checks: readonly FigureCheck[], sources: readonly QuotedSource[]): string[] {
  const article = (i: number) => {
    const s = sources[i]!;
    const title = s.title ? ` « ${s.title} »` : '';
    const date = s.published ? ` du ${formatPublished(s.published)}` : ' (non daté)';
    return `l’article${title}${date} [${s.number}]`;
  };
  return checks.map((c) => {
    if (c.kind === 'differs') return `Le message dit ${c.claimed.text} ; ${article(c.quote)} dit ${c.stated.text}.`;
    if (c.kind === 'same') return `Le message dit ${c.claimed.text}, comme ${article(c.quote)}.`;
    return `Le message dit ${c.claimed.text} ; les citations ci-dessous n’en disent rien.`;
  });
}
