/**
 * Features of a candidate sentence for the learned ranker: how well it, its passage and its article
 * match the question. Every value is roughly in [0, 1] so one logistic model weighs them all.
 * The order of FEATURES is the order of the weights in weights.json: append, never reorder.
 */
import { ANSWER_PATTERNS, type AnswerType } from './answer-type.ts';

export const FEATURES = [
  'coverage', // share of the question's idf-weighted terms the sentence holds
  'passageCoverage', // the same for the passage and its neighbours (BM25's coverage)
  'lexical', // the passage's BM25 score (passage + window + article fields), min-max over the lexical leg's candidates
  'dense', // the passage's dense similarity, min-max over the dense leg's candidates (0 without a matching model)
  'passageRank', // 1 / (1 + rank of the passage in the fused ranking)
  'typed', // the question asks for a kind of answer and the sentence holds one
  'typeMissing', // the question asks for a kind of answer and the sentence holds none
  'focus', // share of the sentence's terms that are the question's
  'proximity', // question terms matched / the smallest run of sentence terms holding them
  'bigrams', // share of the question's consecutive term pairs found consecutive in the sentence
  'title', // share of the question's weighted terms in the article's title
  'position', // where the sentence starts in its article (0 start, 1 end)
  'lead', // the sentence opens its article
  'articleShare', // share of the passages read that come from this article
  'rarest', // the sentence holds the question's rarest term
  'length', // sentence length in words, capped at 60, over 60
  'coverageGap', // the sentence's coverage minus the best candidate's (≤ 0)
  'neighbourGap', // the sentence's coverage minus its passage's best sentence's (≤ 0)
  'matchedShare', // share of the question's distinct terms the sentence holds, unweighted
  'unknownShare', // share of the question's distinct terms no passage of the corpus holds (off-topic sign)
] as const;

export type FeatureName = (typeof FEATURES)[number];
export const FEATURE_COUNT = FEATURES.length;
export const DENSE_FEATURE = FEATURES.indexOf('dense');

/** What one candidate sentence is scored from. */
export interface SentenceInput {
  text: string;
  /** Analysed terms of the sentence, in order. */
  terms: readonly string[];
  termSet: ReadonlySet<string>;
  /** Where it starts in its article, over the article's length. */
  position: number;
  passageCoverage: number;
  lexical: number;
  dense: number;
  passageRank: number;
  titleCoverage: number;
  articleShare: number;
}

/** The question side, computed once per question. */
export interface QuestionInput {
  weights: ReadonlyMap<string, number>;
  totalWeight: number;
  /** Distinct analysed terms in the order asked, for bigrams. */
  ordered: readonly string[];
  rarest: string | null;
  expects: AnswerType | null;
  /** Share of the question's distinct terms the corpus has never seen. */
  unknownShare: number;
}

export function questionInput(
  queryTerms: readonly string[],
  weights: ReadonlyMap<string, number>,
  expects: AnswerType | null,
  known: (term: string) => boolean = () => true,
): QuestionInput {
  let total = 0;
  let rarest: string | null = null;
  for (const [term, w] of weights) {
    total += w;
    if (rarest === null || w > weights.get(rarest)!) rarest = term;
  }
  let unknown = 0;
  for (const term of weights.keys()) if (!known(term)) unknown++;
  return { weights, totalWeight: total, ordered: queryTerms, rarest, expects, unknownShare: weights.size > 0 ? unknown / weights.size : 0 };
}

/** Coverage of a set of terms: share of the question's weight they hold. */
export function coverageOf(q: QuestionInput, terms: ReadonlySet<string>): number {
  if (q.totalWeight === 0) return 0;
  let matched = 0;
  for (const [term, w] of q.weights) if (terms.has(term)) matched += w;
  return matched / q.totalWeight;
}

/** The features of one sentence, but the two gaps (filled once every candidate is known). */
export function sentenceFeatures(q: QuestionInput, s: SentenceInput, coverage: number): Float64Array {
  const f = new Float64Array(FEATURE_COUNT);
  let matchedDistinct = 0;
  for (const term of q.weights.keys()) if (s.termSet.has(term)) matchedDistinct++;
  const typed = q.expects !== null && ANSWER_PATTERNS[q.expects].test(s.text);
  const words = s.text.split(/\s+/).length;
  f[0] = coverage;
  f[1] = s.passageCoverage;
  f[2] = s.lexical;
  f[3] = s.dense;
  f[4] = 1 / (1 + s.passageRank);
  f[5] = typed ? 1 : 0;
  f[6] = q.expects !== null && !typed ? 1 : 0;
  f[7] = s.termSet.size > 0 ? matchedDistinct / s.termSet.size : 0;
  f[8] = proximity(q, s.terms, matchedDistinct);
  f[9] = bigrams(q.ordered, s.terms);
  f[10] = s.titleCoverage;
  f[11] = s.position;
  f[12] = s.position === 0 ? 1 : 0;
  f[13] = s.articleShare;
  f[14] = q.rarest !== null && s.termSet.has(q.rarest) ? 1 : 0;
  f[15] = Math.min(words, 60) / 60;
  f[18] = q.weights.size > 0 ? matchedDistinct / q.weights.size : 0;
  f[19] = q.unknownShare;
  return f;
}

export function setGaps(f: Float64Array, bestCoverage: number, passageBest: number): void {
  f[16] = f[0]! - bestCoverage;
  f[17] = f[0]! - passageBest;
}

/** Matched distinct question terms over the shortest run of sentence terms that holds them all (1 when adjacent). */
function proximity(q: QuestionInput, terms: readonly string[], matchedDistinct: number): number {
  if (matchedDistinct <= 1) return matchedDistinct;
  const need = matchedDistinct;
  const counts = new Map<string, number>();
  let have = 0;
  let best = Infinity;
  let lo = 0;
  for (let hi = 0; hi < terms.length; hi++) {
    const t = terms[hi]!;
    if (!q.weights.has(t)) continue;
    const c = counts.get(t) ?? 0;
    counts.set(t, c + 1);
    if (c === 0) have++;
    while (have === need) {
      best = Math.min(best, hi - lo + 1);
      const u = terms[lo]!;
      lo++;
      if (!q.weights.has(u)) continue;
      const left = counts.get(u)! - 1;
      counts.set(u, left);
      if (left === 0) have--;
    }
  }
  return best === Infinity ? 0 : need / best;
}

/** Share of the question's consecutive term pairs that the sentence has side by side (in either order). */
function bigrams(ordered: readonly string[], terms: readonly string[]): number {
  if (ordered.length < 2) return 0;
  const pairs = new Set<string>();
  for (let i = 1; i < terms.length; i++) {
    pairs.add(`${terms[i - 1]} ${terms[i]}`);
    pairs.add(`${terms[i]} ${terms[i - 1]}`);
  }
  let hits = 0;
  for (let i = 1; i < ordered.length; i++) if (pairs.has(`${ordered[i - 1]} ${ordered[i]}`)) hits++;
  return hits / (ordered.length - 1);
}
