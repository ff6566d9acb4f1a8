/**
 * The straightforward BM25 the index used before its postings were frozen into typed arrays (issue 15):
 * kept as the reference the fast index must rank exactly like (tests/bm25.test.ts).
 */
/**
 * Okapi BM25 over analysed passage terms (idf = ln(1 + (N - df + 0.5) / (df + 0.5))), with context
 * fields: the lexical leg that carries French quality when the embedding model is weak on French.
 */
export interface LexicalHit {
  label: number;
  score: number;
  /**
   * Share (0..1) of the query's idf-weighted terms found in the passage or the passages right before
   * and after it (COVERAGE_NEIGHBOURS): a passage is a model-sized slice, and the words of a question
   * are often split between a paragraph and the one it continues ("le tramway de Bourg-Lénard…" then
   * "le coût final…").
   */
  coverage: number;
}

/** Okapi BM25 saturation and length normalisation (the measured baseline's values). */
export interface Bm25Params {
  k1: number;
  b: number;
  /**
   * Weight of the passage's context window (the passage with its WINDOW_NEIGHBOURS neighbours on each side):
   * a passage is a model-sized slice of a paragraph, and a question's words are often spread over the
   * sentences around it.
   */
  windowWeight: number;
  /** Weight of the whole article, title included: which article speaks of this at all. */
  articleWeight: number;
}

/**
 * Tuned on the PIAF and OrangeSum dev halves (README, "Evaluation"): the window and article fields lift
 * PIAF dev R@5 from 0.695 to 0.771; a lower b suits passages cut to nearly equal token sizes.
 */
export const DEFAULT_BM25: Bm25Params = { k1: 1.2, b: 0.5, windowWeight: 1, articleWeight: 0.5 };

/** Passages on each side that make a passage's window (dev: ±2 beat ±1 on PIAF R@5 and OrangeSum R@1). */
const WINDOW_NEIGHBOURS = 2;

/** Passages on each side whose words count toward a passage's coverage (the relevance gate). */
const COVERAGE_NEIGHBOURS = 1;

/** Where a passage sits: its article (with the article's title terms) and its position there. */
export interface PassageContext {
  article: string;
  ord: number;
  title?: readonly string[];
}

/**
 * A query word the corpus has never seen is most often an inflection the stemmer did not fold
 * ("vendus" / "vendre") or a word no article uses; it counts half as much as the rarest known word
 * toward coverage, so one such word cannot sink an otherwise well-matched question, while a question
 * made only of unknown words still gets coverage 0.
 */
const UNKNOWN_TERM_FACTOR = 0.5;

/** One BM25 field: a set of documents (bags of terms) with their postings. */
class Field {
  readonly postings = new Map<string, { docs: number[]; tfs: number[] }>();
  readonly lengths: number[] = [];
  private totalLength = 0;

  add(terms: readonly string[] | Map<string, number>): number {
    const doc = this.lengths.length;
    const counts = terms instanceof Map ? terms : countTerms(terms);
    let length = 0;
    for (const [term, tf] of counts) {
      length += tf;
      let list = this.postings.get(term);
      if (!list) this.postings.set(term, (list = { docs: [], tfs: [] }));
      list.docs.push(doc);
      list.tfs.push(tf);
    }
    this.lengths.push(length);
    this.totalLength += length;
    return doc;
  }

  get size(): number {
    return this.lengths.length;
  }

  idf(term: string): number {
    return idfOf(this.lengths.length, this.postings.get(term)?.docs.length ?? 0);
  }

  /** BM25 score of every document holding at least one query term. */
  score(counts: Map<string, number>, k1: number, b: number): Float64Array | null {
    const n = this.lengths.length;
    if (n === 0) return null;
    const avgdl = this.totalLength / n || 1;
    const scores = new Float64Array(n);
    for (const [term, count] of counts) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = this.idf(term);
      for (let i = 0; i < list.docs.length; i++) {
        const doc = list.docs[i]!;
        const tf = list.tfs[i]!;
        const norm = tf + k1 * (1 - b + (b * this.lengths[doc]!) / avgdl);
        // Query terms count once per occurrence, as in the measured baseline.
        scores[doc]! += count * idf * ((tf * (k1 + 1)) / norm);
      }
    }
    return scores;
  }
}

function countTerms(terms: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}

function idfOf(n: number, df: number): number {
  return Math.log(1 + (Math.max(n, 1) - df + 0.5) / (df + 0.5));
}

/**
 * Okapi BM25 over passages, optionally helped by two context fields: the passage's window (itself and
 * its neighbours) and its whole article with the title. A passage's score is its own BM25 plus the
 * weighted BM25 of its window and of its article; coverage stays the passage's own.
 */
export class Bm25Index {
  private readonly passages = new Field();
  private readonly labels: number[] = [];
  private readonly contexts: (PassageContext | undefined)[] = [];
  private readonly terms: Map<string, number>[] = [];
  private context: { window: Field; article: Field; windowOf: Int32Array; articleOf: Int32Array; neighbours: number[][] } | null = null;

  constructor(readonly params: Bm25Params = DEFAULT_BM25) {}

  /** Adds one passage; `terms` as produced by the analyzer, repeats kept. */
  add(label: number, terms: readonly string[], context?: PassageContext): void {
    const counts = countTerms(terms);
    this.passages.add(counts);
    this.labels.push(label);
    this.contexts.push(context);
    this.terms.push(counts);
    this.context = null;
  }

  get size(): number {
    return this.labels.length;
  }

  idf(term: string): number {
    return this.passages.idf(term);
  }

  /** How much each distinct query term counts toward coverage (see UNKNOWN_TERM_FACTOR). */
  queryWeights(queryTerms: readonly string[]): Map<string, number> {
    const weights = new Map<string, number>();
    const rarest = idfOf(this.labels.length, 1);
    for (const term of queryTerms) {
      if (!weights.has(term)) weights.set(term, this.passages.postings.has(term) ? this.idf(term) : UNKNOWN_TERM_FACTOR * rarest);
    }
    return weights;
  }

  search(queryTerms: readonly string[], k: number): LexicalHit[] {
    const n = this.labels.length;
    if (n === 0 || queryTerms.length === 0) return [];
    const { k1, b, windowWeight, articleWeight } = this.params;
    const counts = countTerms(queryTerms);
    const weights = this.queryWeights(queryTerms);
    let totalWeight = 0;
    for (const w of weights.values()) totalWeight += w;

    const own = this.passages.score(counts, k1, b)!;
    const ctx = windowWeight > 0 || articleWeight > 0 ? this.contextFields() : null;
    const window = ctx && windowWeight > 0 ? ctx.window.score(counts, k1, b) : null;
    const article = ctx && articleWeight > 0 ? ctx.article.score(counts, k1, b) : null;
    const neighbours = this.contextFields().neighbours;
    const hits: { doc: number; score: number }[] = [];
    for (let doc = 0; doc < n; doc++) {
      if (own[doc] === 0) continue; // a passage must hold a question word itself
      let score = own[doc]!;
      if (window) score += windowWeight * window[ctx!.windowOf[doc]!]!;
      if (article && ctx!.articleOf[doc]! >= 0) score += articleWeight * article[ctx!.articleOf[doc]!]!;
      hits.push({ doc, score });
    }
    return hits
      .sort((x, y) => y.score - x.score || x.doc - y.doc)
      .slice(0, k)
      .map(({ doc, score }) => {
        let matched = 0;
        const near = neighbours[doc]!.map((d) => this.terms[d]!);
        for (const [term, w] of weights) if (this.terms[doc]!.has(term) || near.some((t) => t.has(term))) matched += w;
        return { label: this.labels[doc]!, score, coverage: totalWeight > 0 ? matched / totalWeight : 0 };
      });
  }

  /** Builds the window and article fields from the passages' contexts (once, on first use). */
  private contextFields() {
    if (this.context) return this.context;
    const window = new Field();
    const article = new Field();
    const n = this.labels.length;
    const windowOf = new Int32Array(n);
    const articleOf = new Int32Array(n).fill(-1);
    const neighbours: number[][] = Array.from({ length: n }, () => []);
    const byArticle = new Map<string, number[]>();
    for (let doc = 0; doc < n; doc++) {
      const c = this.contexts[doc];
      if (!c) continue;
      let docs = byArticle.get(c.article);
      if (!docs) byArticle.set(c.article, (docs = []));
      docs.push(doc);
    }
    const merge = (into: Map<string, number>, from: Map<string, number>) => {
      for (const [t, tf] of from) into.set(t, (into.get(t) ?? 0) + tf);
    };
    for (let doc = 0; doc < n; doc++) if (!this.contexts[doc]) windowOf[doc] = window.add(this.terms[doc]!);
    for (const docs of byArticle.values()) {
      docs.sort((x, y) => this.contexts[x]!.ord - this.contexts[y]!.ord);
      const whole = new Map<string, number>();
      for (const t of this.contexts[docs[0]!]!.title ?? []) whole.set(t, (whole.get(t) ?? 0) + 1);
      docs.forEach((doc, i) => {
        const w = new Map<string, number>();
        for (let j = Math.max(0, i - WINDOW_NEIGHBOURS); j <= Math.min(docs.length - 1, i + WINDOW_NEIGHBOURS); j++) merge(w, this.terms[docs[j]!]!);
        windowOf[doc] = window.add(w);
        for (let j = Math.max(0, i - COVERAGE_NEIGHBOURS); j <= Math.min(docs.length - 1, i + COVERAGE_NEIGHBOURS); j++) if (j !== i) neighbours[doc]!.push(docs[j]!);
        merge(whole, this.terms[doc]!);
      });
      const a = article.add(whole);
      for (const doc of docs) articleOf[doc] = a;
    }
    this.context = { window, article, windowOf, articleOf, neighbours };
    return this.context;
  }
}
