import type { LexicalHit } from './bm25.ts';
import { fuseScores, type LegHit } from './fusion.ts';
import type { Article, Passage, ScoredPassage } from './types.ts';

/** Nearest passages by vector similarity (cosine, higher is closer). */
export interface DenseSearch {
  search(vector: Float32Array, k: number): LegHit[];
  /** Similarity of the vector to given passages (exact), so lexical candidates get a dense score too. */
  similarities?(vector: Float32Array, labels: readonly number[]): LegHit[];
}

/** Passages ranked by BM25 over the analysed question terms (core/bm25.ts in memory, or store/lexical-fts.ts on disk). */
export interface LexicalSearch {
  search(queryTerms: readonly string[], k: number): LexicalHit[];
  /** How much each distinct query term counts toward coverage. */
  queryWeights(queryTerms: readonly string[]): Map<string, number>;
  /** A term's inverse document frequency over passages (a term never seen has the largest). */
  idf(term: string): number;
}

/** Whether the index holds a term at all (a term it never saw has the largest idf). */
export function holdsTerm(lexical: LexicalSearch): (term: string) => boolean {
  const unseen = lexical.idf('');
  return (term) => lexical.idf(term) < unseen;
}

/** What retrieval and answering read: one consistent generation of the index. */
export interface CorpusView {
  article(id: string): Article | undefined;
  passage(label: number): Passage | undefined;
  readonly lexical: LexicalSearch;
  readonly dense: DenseSearch;
}

export interface RetrievalOptions {
  denseWeight: number;
  /** Candidates each leg contributes before fusion. */
  candidates: number;
}

/** Ranks passages for a question by fusing the lexical and dense legs. */
export function retrieve(
  view: CorpusView,
  queryTerms: readonly string[],
  queryVector: Float32Array | null,
  options: RetrievalOptions,
): ScoredPassage[] {
  const lexical = view.lexical.search(queryTerms, options.candidates);
  const dense = queryVector && options.denseWeight > 0 ? view.dense.search(queryVector, options.candidates) : [];
  if (queryVector && dense.length > 0 && view.dense.similarities) {
    // The lexical candidates the vector search did not return are scored exactly: every candidate
    // then has a graded dense score, instead of 0 for all but the few both legs found.
    const have = new Set(dense.map((h) => h.label));
    dense.push(...view.dense.similarities(queryVector, lexical.filter((h) => !have.has(h.label)).map((h) => h.label)));
  }
  const coverage = new Map<number, number>();
  for (const h of lexical) coverage.set(h.label, h.coverage);
  const ranked: ScoredPassage[] = [];
  for (const hit of fuseScores(lexical, dense, options.denseWeight)) {
    const passage = view.passage(hit.label);
    if (!passage) continue; // removed since the leg was built: never cite it
    ranked.push({ label: hit.label, score: hit.score, lexical: hit.lexical, dense: hit.dense, passage, coverage: coverage.get(hit.label) ?? 0 });
  }
  return ranked;
}
