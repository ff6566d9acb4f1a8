/**
 * Orderings by publication date for candidates already ranked by relevance. Pure and stable:
 * equal dates keep their relevance order. An undated article ("date inconnue") is never taken as
 * the latest: it comes after every dated one it is compared with.
 */
import type { DateWindow } from './calendar.ts';

export interface DatedCandidate {
  articleId: string;
  /** ISO day or timestamp (only its YYYY-MM-DD part is read); null when the article gives no date. */
  published: string | null;
  /** Relevance, higher is better. */
  score: number;
}

export interface LatestFirstOptions {
  /**
   * Relative margin that makes two candidates "comparably relevant": those scoring at least
   * best − tie·|best| form the band that is reordered newest first; the rest keep relevance order.
   * 0 reorders only exact ties; 1 (with positive scores) reorders everything by date. A wide margin
   * lets a recent but barely related article jump over the one article that holds the answer; a
   * narrow one lets an outdated figure win over its update. To be tuned on data: see
   * DEFAULT_TIE and tests/fixtures/dated-questions.json.
   */
  tie: number;
}

/** A starting point (scores within 15 % of the best), not a measured optimum. */
export const DEFAULT_TIE = 0.15;

const dayOf = (published: string | null): string | null => (published === null ? null : published.slice(0, 10));

/** Newest first, undated last; 0 keeps the incoming order. */
function byNewest(a: Pick<DatedCandidate, 'published'>, b: Pick<DatedCandidate, 'published'>): number {
  const da = dayOf(a.published);
  const db = dayOf(b.published);
  if (da === db) return 0;
  if (da === null) return 1;
  if (db === null) return -1;
  return da < db ? 1 : -1;
}

/**
 * For a question with no time reference about something that changes: among the candidates
 * comparably relevant to the best one, newest first (undated after dated); everything else stays in
 * relevance order after them. An old article that alone scores near the top stays first.
 */
export function latestFirst<T extends DatedCandidate>(candidates: readonly T[], options: LatestFirstOptions): T[] {
  if (candidates.length === 0) return [];
  const best = Math.max(...candidates.map((c) => c.score));
  const threshold = best - options.tie * Math.abs(best);
  const band = candidates.filter((c) => c.score >= threshold);
  const rest = candidates.filter((c) => c.score < threshold);
  return [...[...band].sort(byNewest), ...rest];
}

/** Every candidate by date, newest first, undated last: "quoi de neuf sur X". */
export function newestFirst<T extends Pick<DatedCandidate, 'published'>>(candidates: readonly T[]): T[] {
  return [...candidates].sort(byNewest);
}

/** Oldest first, undated last: the order of a timeline. */
export function chronological<T extends Pick<DatedCandidate, 'published'>>(candidates: readonly T[]): T[] {
  return [...candidates].sort((a, b) => {
    const da = dayOf(a.published);
    const db = dayOf(b.published);
    if (da === db) return 0;
    if (da === null) return 1;
    if (db === null) return -1;
    return da < db ? -1 : 1;
  });
}

/** Whether an article was published inside the window (bounds inclusive). An undated article is in no window. */
export function inWindow(published: string | null, window: DateWindow | null): boolean {
  if (window === null) return true;
  const day = dayOf(published);
  if (day === null) return false;
  return (window.from === null || day >= window.from) && (window.to === null || day <= window.to);
}

/** Candidates published in the window first, each group in its incoming order: to favour a period without dropping the rest. */
export function windowFirst<T extends Pick<DatedCandidate, 'published'>>(candidates: readonly T[], window: DateWindow | null): T[] {
  const inside = candidates.filter((c) => inWindow(c.published, window));
  return [...inside, ...candidates.filter((c) => !inWindow(c.published, window))];
}
