/**
 * Okapi BM25 over analysed passage terms (k1 1.2, b 0.75, idf = ln(1 + (N - df + 0.5) / (df + 0.5))),
 * the lexical leg that carries French quality when the embedding model is weak on French.
 */
export interface LexicalHit {
  label: number;
  score: number;
  /** Share (0..1) of the query's idf-weighted terms found in the passage. */
  coverage: number;
}

const K1 = 1.2;
const B = 0.75;
/**
 * A question word the corpus has never seen is most often an inflection the stemmer did not fold
 * ("vendus" / "vendre") or a word no article uses; it counts half as much as the rarest known word
 * toward coverage, so one such word cannot sink an otherwise well-matched question, while a question
 * made only of unknown words still gets coverage 0.
 */
const UNKNOWN_TERM_FACTOR = 0.5;

export class Bm25Index {
  private readonly postings = new Map<string, { docs: number[]; tfs: number[] }>();
  private readonly labels: number[] = [];
  private readonly lengths: number[] = [];
  private totalLength = 0;

  /** Adds one passage; `terms` as produced by the analyzer, repeats kept. */
  add(label: number, terms: readonly string[]): void {
    const doc = this.labels.length;
    this.labels.push(label);
    this.lengths.push(terms.length);
    this.totalLength += terms.length;
    const counts = new Map<string, number>();
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    for (const [term, tf] of counts) {
      let list = this.postings.get(term);
      if (!list) this.postings.set(term, (list = { docs: [], tfs: [] }));
      list.docs.push(doc);
      list.tfs.push(tf);
    }
  }

  get size(): number {
    return this.labels.length;
  }

  idf(term: string): number {
    const df = this.postings.get(term)?.docs.length ?? 0;
    const n = this.labels.length;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** How much each distinct query term counts toward coverage (see UNKNOWN_TERM_FACTOR). */
  queryWeights(queryTerms: readonly string[]): Map<string, number> {
    const weights = new Map<string, number>();
    const rarest = this.idfOfDf(1);
    for (const term of queryTerms) {
      if (!weights.has(term)) weights.set(term, this.postings.has(term) ? this.idf(term) : UNKNOWN_TERM_FACTOR * rarest);
    }
    return weights;
  }

  private idfOfDf(df: number): number {
    const n = Math.max(this.labels.length, 1);
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  search(queryTerms: readonly string[], k: number): LexicalHit[] {
    const n = this.labels.length;
    if (n === 0 || queryTerms.length === 0) return [];
    const avgdl = this.totalLength / n || 1;
    const counts = new Map<string, number>();
    for (const term of queryTerms) counts.set(term, (counts.get(term) ?? 0) + 1);
    const weights = this.queryWeights(queryTerms);
    let totalWeight = 0;
    for (const w of weights.values()) totalWeight += w;

    const scores = new Map<number, number>();
    const matched = new Map<number, number>();
    for (const [term, count] of counts) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = this.idf(term);
      for (let i = 0; i < list.docs.length; i++) {
        const doc = list.docs[i]!;
        const tf = list.tfs[i]!;
        const norm = tf + K1 * (1 - B + (B * this.lengths[doc]!) / avgdl);
        // Query terms count once per occurrence, as in the measured baseline.
        scores.set(doc, (scores.get(doc) ?? 0) + count * idf * ((tf * (K1 + 1)) / norm));
        matched.set(doc, (matched.get(doc) ?? 0) + idf);
      }
    }
    return [...scores]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, k)
      .map(([doc, score]) => ({
        label: this.labels[doc]!,
        score,
        coverage: totalWeight > 0 ? matched.get(doc)! / totalWeight : 0,
      }));
  }
}
