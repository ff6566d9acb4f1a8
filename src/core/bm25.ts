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

/** One BM25 field, frozen: postings of every term in compressed rows (CSR), documents ascending. */
interface Field {
  /** Documents in the field. */
  readonly n: number;
  /** Postings of term t: docs/tfs[offsets[t] .. offsets[t + 1]). */
  readonly offsets: Int32Array;
  readonly docs: Int32Array;
  readonly tfs: Int32Array;
  /** k1 · (1 − b + b · length / avgdl) of each document: the length part of BM25's denominator. */
  readonly lengthNorm: Float64Array;
}

/** A growable Int32Array (postings are built from millions of small integers: no boxed arrays). */
class IntList {
  data = new Int32Array(1024);
  length = 0;

  /** Makes room for `extra` more values; write them at data[length…] and move `length` on. */
  reserve(extra: number): Int32Array {
    if (this.length + extra > this.data.length) {
      const grown = new Int32Array(Math.max(this.data.length * 2, this.length + extra));
      grown.set(this.data.subarray(0, this.length));
      this.data = grown;
    }
    return this.data;
  }

  push(x: number): void {
    this.reserve(1)[this.length++] = x;
  }
}

/**
 * A field's documents as rows of (term id, tf), in the order they are added, frozen into postings by
 * `build`. The passages' own rows are also what the window and article fields are merged from.
 */
class FieldBuilder {
  /** Document d's terms and counts: terms/tfs[starts[d] .. starts[d + 1]). */
  readonly starts = new IntList();
  readonly terms = new IntList();
  readonly tfs = new IntList();
  private readonly lengths = new IntList();
  private totalLength = 0;

  constructor() {
    this.starts.push(0);
  }

  get size(): number {
    return this.lengths.length;
  }

  lengthOf(doc: number): number {
    return this.lengths.data[doc]!;
  }

  /** Adds one document from parallel term ids and counts (the first `count`); returns its number. */
  add(terms: ArrayLike<number>, tfs: ArrayLike<number>, count = terms.length): number {
    const doc = this.lengths.length;
    const at = this.terms.length;
    const termData = this.terms.reserve(count);
    const tfData = this.tfs.reserve(count);
    let length = 0;
    for (let i = 0; i < count; i++) {
      termData[at + i] = terms[i]!;
      tfData[at + i] = tfs[i]!;
      length += tfs[i]!;
    }
    this.terms.length += count;
    this.tfs.length += count;
    this.starts.push(this.terms.length);
    this.lengths.push(length);
    this.totalLength += length;
    return doc;
  }

  build(vocabulary: number, k1: number, b: number): Field {
    const n = this.lengths.length;
    const pairs = this.terms.length;
    const terms = this.terms.data;
    const tfIn = this.tfs.data;
    const starts = this.starts.data;
    const offsets = new Int32Array(vocabulary + 1);
    for (let i = 0; i < pairs; i++) offsets[terms[i]! + 1]!++;
    for (let t = 0; t < vocabulary; t++) offsets[t + 1]! += offsets[t]!;
    const fill = offsets.slice(0, vocabulary);
    const docs = new Int32Array(pairs);
    const tfs = new Int32Array(pairs);
    // Documents in order, so each term's postings stay ascending.
    for (let doc = 0; doc < n; doc++) {
      for (let i = starts[doc]!; i < starts[doc + 1]!; i++) {
        const at = fill[terms[i]!]!++;
        docs[at] = doc;
        tfs[at] = tfIn[i]!;
      }
    }
    return { n, offsets, docs, tfs, lengthNorm: lengthNorms(this.lengths.data.subarray(0, n), k1, b) };
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

/** Whether `doc` is among the ascending documents docs[from .. to). */
function holds(docs: Int32Array, from: number, to: number, doc: number): boolean {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const d = docs[mid]!;
    if (d === doc) return true;
    if (d < doc) lo = mid + 1;
    else hi = mid;
  }
  return false;
}

/**
 * The frozen index. The window and article fields are not stored as postings of their own: a window's
 * or an article's term count is the sum of its passages' counts (plus the title's), so a search sums
 * the passage postings of the question's terms into them, and counts their documents for the idf.
 */
interface Built {
  passages: Field;
  /** Passages in article order (each article's passages by ord; a passage without context alone). */
  order: Int32Array;
  /** Where passage d sits in `order`, and the [start, end) of its article's run there. */
  rank: Int32Array;
  groupStart: Int32Array;
  groupEnd: Int32Array;
  /** The window field's length part of each window (window d is centred on passage d). */
  windowNorm: Float64Array;
  /** Article field document of each passage (-1 without context), the article count and length parts. */
  articleOf: Int32Array;
  articles: number;
  articleNorm: Float64Array;
  /** Title terms of each article, as postings over article numbers. */
  titles: Field;
  /** Score accumulators, all zero between searches, and the documents each search touched. */
  scores: { passages: Float64Array; window: Float64Array; article: Float64Array };
  touched: { passages: Int32Array; window: Int32Array; article: Int32Array };
  /** Per-term scratch: summed counts of windows and articles, and which ones the term reached. */
  windowTf: Int32Array;
  articleTf: Int32Array;
  reached: Int32Array;
}

/**
 * Okapi BM25 over passages, optionally helped by two context fields: the passage's window (itself and
 * its neighbours) and its whole article with the title. A passage's score is its own BM25 plus the
 * weighted BM25 of its window and of its article; coverage stays the passage's own.
 *
 * Terms are interned as integers and the postings frozen on first use; a search walks only the postings
 * of the question's terms and keeps its best k in a small heap, so its cost follows the postings it
 * touches, not the size of the corpus.
 */
export class Bm25Index {
  private readonly ids = new Map<string, number>();
  private readonly labels: number[] = [];
  private readonly contexts: (PassageContext | undefined)[] = [];
  /** Each passage's distinct terms and counts, in the order added. */
  private readonly passages = new FieldBuilder();
  private built: Built | null = null;

  constructor(readonly params: Bm25Params = DEFAULT_BM25) {}

  /** Adds one passage; `terms` as produced by the analyzer, repeats kept. */
  add(label: number, terms: readonly string[], context?: PassageContext): void {
    const termIds = new Int32Array(terms.length);
    for (let i = 0; i < terms.length; i++) termIds[i] = this.intern(terms[i]!);
    const { ids, tfs, distinct } = counted(termIds);
    this.passages.add(ids, tfs, distinct);
    this.labels.push(label);
    this.contexts.push(context);
    this.built = null;
  }

  get size(): number {
    return this.labels.length;
  }

  idf(term: string): number {
    const built = this.build();
    const id = this.ids.get(term);
    const f = built.passages;
    return idfOf(f.n, id === undefined ? 0 : f.offsets[id + 1]! - f.offsets[id]!);
  }

  /** Whether any passage holds the term. */
  has(term: string): boolean {
    const f = this.build().passages;
    const id = this.ids.get(term);
    return id !== undefined && f.offsets[id + 1]! > f.offsets[id]!;
  }

  /** How much each distinct query term counts toward coverage (see UNKNOWN_TERM_FACTOR). */
  queryWeights(queryTerms: readonly string[]): Map<string, number> {
    const f = this.build().passages;
    const weights = new Map<string, number>();
    const rarest = idfOf(this.labels.length, 1);
    for (const term of queryTerms) {
      if (weights.has(term)) continue;
      const id = this.ids.get(term);
      const df = id === undefined ? 0 : f.offsets[id + 1]! - f.offsets[id]!;
      weights.set(term, df > 0 ? idfOf(f.n, df) : UNKNOWN_TERM_FACTOR * rarest);
    }
    return weights;
  }

  search(queryTerms: readonly string[], k: number): LexicalHit[] {
    const n = this.labels.length;
    if (n === 0 || queryTerms.length === 0 || k <= 0) return [];
    const built = this.build();
    const { k1, windowWeight, articleWeight } = this.params;
    const counts = countTerms(queryTerms);
    const weights = this.queryWeights(queryTerms);
    // Distinct query terms in the order they were first asked (sums run in that order, as always).
    const ids = new Int32Array(counts.size);
    const times = new Float64Array(counts.size);
    const termWeights = new Float64Array(counts.size);
    let totalWeight = 0;
    let q = 0;
    for (const [term, count] of counts) {
      ids[q] = this.ids.get(term) ?? -1;
      times[q] = count;
      termWeights[q] = weights.get(term)!;
      totalWeight += termWeights[q]!;
      q++;
    }

    const { scores, touched } = built;
    const ownTouched = scoreField(built.passages, ids, times, k1, scores.passages, touched.passages);
    const windowTouched = windowWeight > 0 ? scoreWindows(built, ids, times, k1, scores.window, touched.window) : 0;
    const articleTouched = articleWeight > 0 ? scoreArticles(built, ids, times, k1, scores.article, touched.article) : 0;

    // The best k passages holding a question word themselves: a heap whose root is the worst kept.
    const size = Math.min(k, ownTouched);
    const heapDoc = new Int32Array(size);
    const heapScore = new Float64Array(size);
    let kept = 0;
    for (let i = 0; i < ownTouched; i++) {
      const doc = touched.passages[i]!;
      let score = scores.passages[doc]!;
      if (windowWeight > 0) score += windowWeight * scores.window[doc]!;
      if (articleWeight > 0 && built.articleOf[doc]! >= 0) score += articleWeight * scores.article[built.articleOf[doc]!]!;
      if (kept < size) {
        siftUp(heapDoc, heapScore, kept++, doc, score);
      } else if (worse(heapScore[0]!, heapDoc[0]!, score, doc)) {
        siftDown(heapDoc, heapScore, kept, doc, score);
      }
    }
    for (let i = 0; i < ownTouched; i++) scores.passages[touched.passages[i]!] = 0;
    for (let i = 0; i < windowTouched; i++) scores.window[touched.window[i]!] = 0;
    for (let i = 0; i < articleTouched; i++) scores.article[touched.article[i]!] = 0;

    const order = Array.from({ length: kept }, (_, i) => i).sort((x, y) => heapScore[y]! - heapScore[x]! || heapDoc[x]! - heapDoc[y]!);
    const { offsets, docs } = built.passages;
    return order.map((i) => {
      const doc = heapDoc[i]!;
      // The passage and its COVERAGE_NEIGHBOURS on each side within its article.
      const r = built.rank[doc]!;
      const lo = Math.max(built.groupStart[doc]!, r - COVERAGE_NEIGHBOURS);
      const hi = Math.min(built.groupEnd[doc]! - 1, r + COVERAGE_NEIGHBOURS);
      let matched = 0;
      for (let t = 0; t < ids.length; t++) {
        const id = ids[t]!;
        if (id < 0 || id + 1 >= offsets.length) continue;
        const from = offsets[id]!;
        const to = offsets[id + 1]!;
        let found = false;
        for (let j = lo; !found && j <= hi; j++) found = holds(docs, from, to, built.order[j]!);
        if (found) matched += termWeights[t]!;
      }
      return { label: this.labels[doc]!, score: heapScore[i]!, coverage: totalWeight > 0 ? matched / totalWeight : 0 };
    });
  }

  private intern(term: string): number {
    let id = this.ids.get(term);
    if (id === undefined) this.ids.set(term, (id = this.ids.size));
    return id;
  }

  /** Freezes the passages into postings and lays out their windows and articles (once, on first use). */
  private build(): Built {
    if (this.built) return this.built;
    const { k1, b } = this.params;
    const n = this.labels.length;
    const byArticle = new Map<string, number[]>();
    for (let doc = 0; doc < n; doc++) {
      const c = this.contexts[doc];
      if (!c) continue;
      let docs = byArticle.get(c.article);
      if (!docs) byArticle.set(c.article, (docs = []));
      docs.push(doc);
    }
    const order = new Int32Array(n);
    const rank = new Int32Array(n);
    const groupStart = new Int32Array(n);
    const groupEnd = new Int32Array(n);
    const articleOf = new Int32Array(n).fill(-1);
    let at = 0;
    for (let doc = 0; doc < n; doc++) {
      if (this.contexts[doc]) continue;
      order[at] = doc;
      rank[doc] = at;
      groupStart[doc] = at;
      groupEnd[doc] = ++at;
    }
    // Article lengths count the title's words (interned here, before the vocabulary is frozen).
    const titles = new FieldBuilder();
    const articleLengths = new Float64Array(byArticle.size);
    let article = 0;
    for (const docs of byArticle.values()) {
      docs.sort((x, y) => this.contexts[x]!.ord - this.contexts[y]!.ord);
      const start = at;
      for (const doc of docs) {
        order[at] = doc;
        rank[doc] = at++;
        articleOf[doc] = article;
        articleLengths[article]! += this.passages.lengthOf(doc);
      }
      for (const doc of docs) {
        groupStart[doc] = start;
        groupEnd[doc] = at;
      }
      const title = counted((this.contexts[docs[0]!]!.title ?? []).map((t) => this.intern(t)));
      titles.add(title.ids, title.tfs, title.distinct);
      articleLengths[article]! += titles.lengthOf(article);
      article++;
    }
    const windowLengths = new Float64Array(n);
    for (let doc = 0; doc < n; doc++) {
      const r = rank[doc]!;
      for (let j = Math.max(groupStart[doc]!, r - WINDOW_NEIGHBOURS); j <= Math.min(groupEnd[doc]! - 1, r + WINDOW_NEIGHBOURS); j++) {
        windowLengths[doc]! += this.passages.lengthOf(order[j]!);
      }
    }
    const vocabulary = this.ids.size;
    const articles = byArticle.size;
    this.built = {
      passages: this.passages.build(vocabulary, k1, b),
      order,
      rank,
      groupStart,
      groupEnd,
      windowNorm: lengthNorms(windowLengths, k1, b),
      articleOf,
      articles,
      articleNorm: lengthNorms(articleLengths, k1, b),
      titles: titles.build(vocabulary, k1, b),
      scores: { passages: new Float64Array(n), window: new Float64Array(n), article: new Float64Array(articles) },
      touched: { passages: new Int32Array(n), window: new Int32Array(n), article: new Int32Array(articles) },
      windowTf: new Int32Array(n),
      articleTf: new Int32Array(articles),
      reached: new Int32Array(Math.max(n, articles)),
    };
    return this.built;
  }
}

/** Distinct term ids and their counts (ids sorted, then counted in place). */
function counted(termIds: ArrayLike<number>): { ids: Int32Array; tfs: Int32Array; distinct: number } {
  const ids = Int32Array.from(termIds).sort();
  const tfs = new Int32Array(ids.length);
  let distinct = 0;
  for (let i = 0; i < ids.length; ) {
    let j = i + 1;
    while (j < ids.length && ids[j] === ids[i]) j++;
    ids[distinct] = ids[i]!;
    tfs[distinct++] = j - i;
    i = j;
  }
  return { ids, tfs, distinct };
}

/** k1 · (1 − b + b · length / avgdl) of each document of a field. */
function lengthNorms(lengths: ArrayLike<number>, k1: number, b: number): Float64Array {
  const n = lengths.length;
  let total = 0;
  for (let doc = 0; doc < n; doc++) total += lengths[doc]!;
  const avgdl = total / n || 1;
  const norms = new Float64Array(n);
  for (let doc = 0; doc < n; doc++) norms[doc] = k1 * (1 - b + (b * lengths[doc]!) / avgdl);
  return norms;
}

/**
 * Window field: window d holds passage d and its WINDOW_NEIGHBOURS on each side within its article, so
 * a passage holding a term adds its count to every window around it. A term's df is the number of
 * windows it reached. Returns how many windows the search touched (all terms).
 */
function scoreWindows(built: Built, ids: Int32Array, times: Float64Array, k1: number, scores: Float64Array, touched: Int32Array): number {
  const { offsets, docs, tfs, n } = built.passages;
  const { order, rank, groupStart, groupEnd, windowNorm, windowTf, reached } = built;
  const k1p1 = k1 + 1;
  let count = 0;
  for (let q = 0; q < ids.length; q++) {
    const id = ids[q]!;
    if (id < 0 || id + 1 >= offsets.length) continue;
    let m = 0;
    for (let p = offsets[id]!; p < offsets[id + 1]!; p++) {
      const doc = docs[p]!;
      const r = rank[doc]!;
      const hi = Math.min(groupEnd[doc]! - 1, r + WINDOW_NEIGHBOURS);
      for (let j = Math.max(groupStart[doc]!, r - WINDOW_NEIGHBOURS); j <= hi; j++) {
        const w = order[j]!;
        if (windowTf[w] === 0) reached[m++] = w;
        windowTf[w]! += tfs[p]!;
      }
    }
    if (m === 0) continue;
    const weight = times[q]! * idfOf(n, m);
    for (let i = 0; i < m; i++) {
      const w = reached[i]!;
      const tf = windowTf[w]!;
      windowTf[w] = 0;
      if (scores[w] === 0) touched[count++] = w;
      scores[w]! += weight * ((tf * k1p1) / (tf + windowNorm[w]!));
    }
  }
  return count;
}

/** Article field: an article's count of a term is its title's plus its passages'. As scoreWindows. */
function scoreArticles(built: Built, ids: Int32Array, times: Float64Array, k1: number, scores: Float64Array, touched: Int32Array): number {
  const { offsets, docs, tfs } = built.passages;
  const { articleOf, articleNorm, articleTf, reached, titles, articles } = built;
  const k1p1 = k1 + 1;
  let count = 0;
  for (let q = 0; q < ids.length; q++) {
    const id = ids[q]!;
    if (id < 0 || id + 1 >= offsets.length) continue;
    let m = 0;
    for (let p = offsets[id]!; p < offsets[id + 1]!; p++) {
      const a = articleOf[docs[p]!]!;
      if (a < 0) continue;
      if (articleTf[a] === 0) reached[m++] = a;
      articleTf[a]! += tfs[p]!;
    }
    for (let p = titles.offsets[id]!; p < titles.offsets[id + 1]!; p++) {
      const a = titles.docs[p]!;
      if (articleTf[a] === 0) reached[m++] = a;
      articleTf[a]! += titles.tfs[p]!;
    }
    if (m === 0) continue;
    const weight = times[q]! * idfOf(articles, m);
    for (let i = 0; i < m; i++) {
      const a = reached[i]!;
      const tf = articleTf[a]!;
      articleTf[a] = 0;
      if (scores[a] === 0) touched[count++] = a;
      scores[a]! += weight * ((tf * k1p1) / (tf + articleNorm[a]!));
    }
  }
  return count;
}

/**
 * Adds the BM25 of the query terms (ids, how many times asked) to every document of the field holding
 * one, walking those terms' postings only; records each document it touches first. Returns how many.
 */
function scoreField(field: Field, ids: Int32Array, times: Float64Array, k1: number, scores: Float64Array, touched: Int32Array): number {
  const { offsets, docs, tfs, lengthNorm } = field;
  const k1p1 = k1 + 1;
  let count = 0;
  for (let q = 0; q < ids.length; q++) {
    const id = ids[q]!;
    if (id < 0 || id + 1 >= offsets.length) continue;
    const from = offsets[id]!;
    const to = offsets[id + 1]!;
    if (from === to) continue;
    // Query terms count once per occurrence, as in the measured baseline.
    const weight = times[q]! * idfOf(field.n, to - from);
    for (let p = from; p < to; p++) {
      const doc = docs[p]!;
      const tf = tfs[p]!;
      // Every contribution is > 0: a score still 0 is a document not touched yet.
      if (scores[doc] === 0) touched[count++] = doc;
      scores[doc]! += weight * ((tf * k1p1) / (tf + lengthNorm[doc]!));
    }
  }
  return count;
}

/** The ranking's order: higher score first, then lower document number. */
function worse(scoreA: number, docA: number, scoreB: number, docB: number): boolean {
  return scoreA < scoreB || (scoreA === scoreB && docA > docB);
}

/** Min-heap (worst at the root) insertion at slot `at`. */
function siftUp(docs: Int32Array, scores: Float64Array, at: number, doc: number, score: number): void {
  let i = at;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!worse(score, doc, scores[parent]!, docs[parent]!)) break;
    docs[i] = docs[parent]!;
    scores[i] = scores[parent]!;
    i = parent;
  }
  docs[i] = doc;
  scores[i] = score;
}

/** Replaces the root (the worst kept) with a better document and restores the heap. */
function siftDown(docs: Int32Array, scores: Float64Array, size: number, doc: number, score: number): void {
  let i = 0;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= size) break;
    const right = left + 1;
    const child = right < size && worse(scores[right]!, docs[right]!, scores[left]!, docs[left]!) ? right : left;
    if (!worse(scores[child]!, docs[child]!, score, doc)) break;
    docs[i] = docs[child]!;
    scores[i] = scores[child]!;
    i = child;
  }
  docs[i] = doc;
  scores[i] = score;
}
