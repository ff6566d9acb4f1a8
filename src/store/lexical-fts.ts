import Database from 'better-sqlite3';
import { DEFAULT_BM25, type Bm25Params, type LexicalHit } from '../core/bm25.ts';
import type { LexicalSearch } from '../core/retrieve.ts';
import { analyze } from '../core/text/analyze.ts';

/**
 * The lexical leg on disk: SQLite FTS5 over the analysed terms the indexer stores (space-joined), so
 * nothing is rebuilt in memory when a process loads a generation, and a reindex rewrites only the rows
 * of the articles it changed.
 *
 * FTS5 finds the candidates (passages holding a question term, ranked by its own bm25() over the
 * passage and window columns) and gives the document frequencies (fts5vocab); the candidates are then
 * scored in JS exactly as core/bm25.ts scores them (same fields, idf, k1, b, coverage), from the stored
 * terms of their articles. FTS5's bm25() alone ranks differently (one BM25F-like sum with b = 0.75 and
 * idf = ln((N − df + 0.5)/(df + 0.5)), no article field), which costs ranking quality (README, "Index").
 */

/**
 * The tables, created by the metadata store's upgrade step. Both FTS5 tables are contentless (the
 * terms live in `passages`) with contentless_delete so a changed article's rows can be replaced;
 * `ascii` splits on spaces and ASCII punctuation and keeps every other character, which leaves the
 * analysed terms (lowercase letters and digits, accents stripped) exactly as they are.
 */
export const LEXICAL_SCHEMA = `
  CREATE VIRTUAL TABLE IF NOT EXISTS lexical_passages USING fts5(
    passage, window, content = '', contentless_delete = 1, tokenize = 'ascii', detail = column);
  CREATE VIRTUAL TABLE IF NOT EXISTS lexical_passage_vocab USING fts5vocab(lexical_passages, 'col');
  CREATE VIRTUAL TABLE IF NOT EXISTS lexical_articles USING fts5(
    body, content = '', contentless_delete = 1, tokenize = 'ascii', detail = full);
  CREATE VIRTUAL TABLE IF NOT EXISTS lexical_article_vocab USING fts5vocab(lexical_articles, 'row');
  CREATE TABLE IF NOT EXISTS lexical_article_keys (
    key INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL UNIQUE,
    length INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE IF NOT EXISTS lexical_rows (
    label INTEGER PRIMARY KEY,
    article_key INTEGER NOT NULL,
    length INTEGER NOT NULL,
    window_length INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX IF NOT EXISTS lexical_rows_by_article ON lexical_rows(article_key);
  CREATE TABLE IF NOT EXISTS lexical_stats (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    passages INTEGER NOT NULL,
    passage_terms INTEGER NOT NULL,
    window_terms INTEGER NOT NULL,
    articles INTEGER NOT NULL,
    article_terms INTEGER NOT NULL
  ) STRICT;
  INSERT OR IGNORE INTO lexical_stats VALUES (1, 0, 0, 0, 0, 0);`;

const LEXICAL_TABLES = ['lexical_passages', 'lexical_passage_vocab', 'lexical_articles', 'lexical_article_vocab', 'lexical_article_keys', 'lexical_rows', 'lexical_stats'];

/** Passages on each side that make a passage's window, and that count toward its coverage (as core/bm25.ts). */
const WINDOW_NEIGHBOURS = 2;
const COVERAGE_NEIGHBOURS = 1;
const UNKNOWN_TERM_FACTOR = 0.5;

/**
 * Which articles are scored exactly: those of FTS5's best passages (passage and window columns) and
 * best articles for the question's selective terms; every passage of theirs holding a question term is
 * then scored. The exact ranking's top results are (nearly always) among them (measured on the dev
 * halves, README "Index"). FTS5 computes bm25() for every row a term matches, so terms in more than
 * `maxDfShare` of the passages (the least telling ones) are left out of candidate search — they still
 * count in the exact scores — keeping at least the `keepRarest` rarest terms.
 */
export interface CandidatePools {
  passageFactor: number;
  minPassages: number;
  articleFactor: number;
  minArticles: number;
  maxDfShare: number;
  keepRarest: number;
}

export const DEFAULT_POOLS: CandidatePools = { passageFactor: 4, minPassages: 200, articleFactor: 1, minArticles: 50, maxDfShare: 1, keepRarest: 3 };
/** Weight of the window column in FTS5's candidate ranking. */
const FTS_WINDOW_WEIGHT = 0.5;

function splitTerms(terms: string): string[] {
  return terms === '' ? [] : terms.split(' ');
}

function idfOf(n: number, df: number): number {
  return Math.log(1 + (Math.max(n, 1) - df + 0.5) / (df + 0.5));
}

/** An FTS5 query string matching any of the terms (each quoted: a term is never an operator). */
function anyOf(terms: readonly string[]): string {
  return terms.map((t) => `"${t.replaceAll('"', '""')}"`).join(' OR ');
}

interface Stats {
  passages: number;
  passage_terms: number;
  window_terms: number;
  articles: number;
  article_terms: number;
}

/**
 * Rewrites the lexical rows of these articles from the stored passages and titles (inside the
 * caller's transaction): their old rows go, their current passages (if any) come in, with the windows
 * of their neighbours. Windows never cross articles, so an article's rows depend on it alone.
 */
export function syncLexical(db: Database.Database, articleIds: Iterable<string>): void {
  const keyOf = db.prepare('SELECT key, length FROM lexical_article_keys WHERE article_id = ?');
  const rowsOf = db.prepare('SELECT label, length, window_length FROM lexical_rows WHERE article_key = ?');
  const deletePassage = db.prepare('DELETE FROM lexical_passages WHERE rowid = ?');
  const deleteRows = db.prepare('DELETE FROM lexical_rows WHERE article_key = ?');
  const deleteArticle = db.prepare('DELETE FROM lexical_articles WHERE rowid = ?');
  const deleteKey = db.prepare('DELETE FROM lexical_article_keys WHERE key = ?');
  const passagesOf = db.prepare('SELECT label, terms FROM passages WHERE article_id = ? ORDER BY ord');
  const titleOf = db.prepare('SELECT title FROM articles WHERE id = ?').pluck();
  const addKey = db.prepare('INSERT INTO lexical_article_keys (article_id, length) VALUES (?, ?)');
  const addArticle = db.prepare('INSERT INTO lexical_articles (rowid, body) VALUES (?, ?)');
  const addPassage = db.prepare('INSERT INTO lexical_passages (rowid, passage, window) VALUES (?, ?, ?)');
  const addRow = db.prepare('INSERT INTO lexical_rows (label, article_key, length, window_length) VALUES (?, ?, ?, ?)');
  const delta = { passages: 0, passageTerms: 0, windowTerms: 0, articles: 0, articleTerms: 0 };

  for (const id of new Set(articleIds)) {
    const old = keyOf.get(id) as { key: number; length: number } | undefined;
    if (old) {
      for (const row of rowsOf.all(old.key) as { label: number; length: number; window_length: number }[]) {
        deletePassage.run(row.label);
        delta.passages--;
        delta.passageTerms -= row.length;
        delta.windowTerms -= row.window_length;
      }
      deleteRows.run(old.key);
      deleteArticle.run(old.key);
      deleteKey.run(old.key);
      delta.articles--;
      delta.articleTerms -= old.length;
    }
    const passages = passagesOf.all(id) as { label: number; terms: string }[];
    if (passages.length === 0) continue; // removed, or a copy with no passage of its own
    const title = titleOf.get(id) as string | null | undefined;
    const titleTerms = title ? analyze(title) : [];
    const terms = passages.map((p) => splitTerms(p.terms));
    const length = terms.reduce((sum, t) => sum + t.length, titleTerms.length);
    const key = Number(addKey.run(id, length).lastInsertRowid);
    addArticle.run(key, [...terms.flat(), ...titleTerms].join(' '));
    delta.articles++;
    delta.articleTerms += length;
    for (const [i, p] of passages.entries()) {
      const window = terms.slice(Math.max(0, i - WINDOW_NEIGHBOURS), i + WINDOW_NEIGHBOURS + 1).flat();
      addPassage.run(p.label, p.terms, window.join(' '));
      addRow.run(p.label, key, terms[i]!.length, window.length);
      delta.passages++;
      delta.passageTerms += terms[i]!.length;
      delta.windowTerms += window.length;
    }
  }
  db.prepare(
    `UPDATE lexical_stats SET passages = passages + ?, passage_terms = passage_terms + ?, window_terms = window_terms + ?,
       articles = articles + ?, article_terms = article_terms + ? WHERE id = 1`,
  ).run(delta.passages, delta.passageTerms, delta.windowTerms, delta.articles, delta.articleTerms);
}

/** Drops and refills every lexical table from the stored passages and titles (first upgrade, or damage). */
export function rebuildLexical(db: Database.Database): void {
  db.transaction(() => {
    for (const table of ['lexical_passage_vocab', 'lexical_article_vocab', 'lexical_passages', 'lexical_articles', 'lexical_article_keys', 'lexical_rows', 'lexical_stats']) {
      db.exec(`DROP TABLE IF EXISTS ${table}`);
    }
    db.exec(LEXICAL_SCHEMA);
    syncLexical(db, db.prepare('SELECT DISTINCT article_id FROM passages').pluck().all() as string[]);
  })();
}

/**
 * Whether the lexical tables are whole: all there, counting every stored passage, and readable by
 * FTS5. Cheap (no scan of the index): run before each reindex, and by readers at load.
 */
export function lexicalIsSound(db: Database.Database): boolean {
  try {
    const present = db.prepare(`SELECT count(*) FROM sqlite_schema WHERE name IN (${LEXICAL_TABLES.map(() => '?').join(', ')})`).pluck().get(...LEXICAL_TABLES);
    if (present !== LEXICAL_TABLES.length) return false;
    const stats = db.prepare('SELECT passages FROM lexical_stats WHERE id = 1').pluck().get() as number | undefined;
    const stored = db.prepare('SELECT count(*) FROM passages').pluck().get() as number;
    if (stats !== stored) return false;
    // A read through FTS5's structure record and one doclist: damaged shadow tables fail here.
    db.prepare("SELECT rowid FROM lexical_passages WHERE lexical_passages MATCH '\"a\" OR \"e\"' LIMIT 1").all();
    db.prepare("SELECT doc FROM lexical_article_vocab WHERE term = 'a'").all();
    return true;
  } catch (error) {
    if (error instanceof Database.SqliteError && /^SQLITE_(CORRUPT|ERROR)/.test(error.code)) return false;
    throw error;
  }
}

/** Articles whose split terms a lexical index keeps (least recently used dropped first). */
const ARTICLE_CACHE = 256;

/**
 * An article's passages in order, as term counts: term → slot, and counts[slot · passages + i] the
 * count of that term in passage i (the title's count apart). Looking up a question's terms then costs
 * one probe per term, not a pass over the article's words.
 */
interface ArticleTerms {
  labels: Int32Array;
  ords: Int32Array;
  lengths: Int32Array;
  titleLength: number;
  slots: Map<string, number>;
  counts: Uint16Array;
  titleCounts: Uint16Array;
}

function articleTermsOf(rows: StoredPassageTerms[], title: string[]): ArticleTerms {
  const slots = new Map<string, number>();
  const words = rows.map((r) => splitTerms(r.terms));
  for (const list of [...words, title]) for (const w of list) if (!slots.has(w)) slots.set(w, slots.size);
  const n = rows.length;
  const counts = new Uint16Array(slots.size * n);
  const titleCounts = new Uint16Array(slots.size);
  words.forEach((list, i) => {
    for (const w of list) counts[slots.get(w)! * n + i]!++;
  });
  for (const w of title) titleCounts[slots.get(w)!]!++;
  return {
    labels: Int32Array.from(rows, (r) => r.label),
    ords: Int32Array.from(rows, (r) => r.ord),
    lengths: Int32Array.from(words, (w) => w.length),
    titleLength: title.length,
    slots,
    counts,
    titleCounts,
  };
}

interface StoredPassageTerms {
  label: number;
  article_id: string;
  ord: number;
  terms: string;
}

/**
 * The lexical leg of one process, reading the committed state of the store on disk (its own read-only
 * connection). Same interface and scores as core/bm25.ts's in-memory index.
 */
export class FtsLexicalIndex implements LexicalSearch {
  private readonly statsQuery: Database.Statement;
  private readonly passageDf: Database.Statement;
  private readonly articleDf: Database.Statement;
  private readonly candidates: Database.Statement;
  private readonly topArticles: Database.Statement;
  private readonly passageOf: Database.Statement;
  private readonly articlePassages: Database.Statement;
  private readonly titleOf: Database.Statement;
  private readonly cache = new Map<string, ArticleTerms>();

  private constructor(
    private readonly db: Database.Database,
    readonly params: Bm25Params,
    private readonly pools: CandidatePools,
  ) {
    this.statsQuery = db.prepare('SELECT passages, passage_terms, window_terms, articles, article_terms FROM lexical_stats WHERE id = 1');
    this.passageDf = db.prepare('SELECT col, doc FROM lexical_passage_vocab WHERE term = ?');
    this.articleDf = db.prepare('SELECT doc FROM lexical_article_vocab WHERE term = ?').pluck();
    this.candidates = db.prepare(
      `SELECT rowid FROM lexical_passages WHERE lexical_passages MATCH ? ORDER BY bm25(lexical_passages, 1.0, ${FTS_WINDOW_WEIGHT}) LIMIT ?`,
    ).pluck();
    this.topArticles = db.prepare(
      'SELECT k.article_id FROM lexical_articles a JOIN lexical_article_keys k ON k.key = a.rowid WHERE lexical_articles MATCH ? ORDER BY a.rank LIMIT ?',
    ).pluck();
    this.passageOf = db.prepare('SELECT article_id FROM passages WHERE label = ?').pluck();
    this.articlePassages = db.prepare('SELECT label, article_id, ord, terms FROM passages WHERE article_id = ? ORDER BY ord');
    this.titleOf = db.prepare('SELECT title FROM articles WHERE id = ?').pluck();
  }

  /** Opens the store read-only; null when its lexical tables are missing or damaged (the caller falls back). */
  static open(path: string, params: Bm25Params = DEFAULT_BM25, pools: CandidatePools = DEFAULT_POOLS): FtsLexicalIndex | null {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      db.pragma('busy_timeout = 10000');
      if (!lexicalIsSound(db)) {
        db.close();
        return null;
      }
      return new FtsLexicalIndex(db, params, pools);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  close(): void {
    this.db.close();
  }

  private stats(): Stats {
    return this.statsQuery.get() as Stats;
  }

  /** Passage and window document frequencies of a term. */
  private dfs(term: string): { passage: number; window: number } {
    const out = { passage: 0, window: 0 };
    for (const row of this.passageDf.all(term) as { col: string; doc: number }[]) {
      if (row.col === 'passage') out.passage = row.doc;
      else if (row.col === 'window') out.window = row.doc;
    }
    return out;
  }

  idf(term: string): number {
    return idfOf(this.stats().passages, this.dfs(term).passage);
  }

  queryWeights(queryTerms: readonly string[]): Map<string, number> {
    return this.weightsWith(queryTerms, this.stats().passages, new Map());
  }

  private weightsWith(queryTerms: readonly string[], n: number, dfs: Map<string, { passage: number; window: number }>): Map<string, number> {
    const weights = new Map<string, number>();
    const rarest = idfOf(n, 1);
    for (const term of queryTerms) {
      if (weights.has(term)) continue;
      let df = dfs.get(term);
      if (!df) dfs.set(term, (df = this.dfs(term)));
      weights.set(term, df.passage > 0 ? idfOf(n, df.passage) : UNKNOWN_TERM_FACTOR * rarest);
    }
    return weights;
  }

  /**
   * An article's passages (in order) with their terms split, and its title's terms: read from the
   * store, kept for the ARTICLE_CACHE most recently used articles (questions about the news come back
   * to the same stories). An instance serves one generation, so what it keeps does not go stale.
   */
  private articleTerms(articleId: string): ArticleTerms {
    let cached = this.cache.get(articleId);
    if (cached) {
      this.cache.delete(articleId);
    } else {
      const rows = this.articlePassages.all(articleId) as StoredPassageTerms[];
      const title = this.titleOf.get(articleId) as string | null | undefined;
      cached = articleTermsOf(rows, title ? analyze(title) : []);
      if (this.cache.size >= ARTICLE_CACHE) this.cache.delete(this.cache.keys().next().value!);
    }
    this.cache.set(articleId, cached);
    return cached;
  }

  search(queryTerms: readonly string[], k: number): LexicalHit[] {
    if (queryTerms.length === 0 || k <= 0) return [];
    // One read transaction: statistics, frequencies and stored terms from the same committed state.
    return this.db.transaction(() => this.searchNow(queryTerms, k))();
  }

  private searchNow(queryTerms: readonly string[], k: number): LexicalHit[] {
    const stats = this.stats();
    const n = stats.passages;
    if (n === 0) return [];
    const { k1, b, windowWeight, articleWeight } = this.params;
    const dfs = new Map<string, { passage: number; window: number }>();
    const weights = this.weightsWith(queryTerms, n, dfs);
    const times = new Map<string, number>();
    for (const term of queryTerms) times.set(term, (times.get(term) ?? 0) + 1);
    // Distinct query terms in the order first asked (sums run in that order, as in core/bm25.ts).
    const terms = [...times.keys()];
    const slot = new Map(terms.map((t, i) => [t, i]));
    const known = terms.filter((t) => dfs.get(t)!.passage > 0);
    if (known.length === 0) return [];
    let totalWeight = 0;
    for (const t of terms) totalWeight += weights.get(t)!;
    const articleDf = terms.map((t) => (articleWeight > 0 ? ((this.articleDf.get(t) as number | undefined) ?? 0) : 0));

    const pools = this.pools;
    const byRarity = [...known].sort((x, y) => dfs.get(x)!.passage - dfs.get(y)!.passage);
    const selective = byRarity.filter((t, i) => i < pools.keepRarest || dfs.get(t)!.passage <= pools.maxDfShare * n);
    const articleIds = new Set<string>();
    for (const label of this.candidates.all(anyOf(selective), Math.max(pools.minPassages, pools.passageFactor * k)) as number[]) {
      const id = this.passageOf.get(label) as string | undefined;
      if (id !== undefined) articleIds.add(id);
    }
    if (articleWeight > 0) {
      const inArticles = terms.filter((t, s) => articleDf[s]! > 0 && (selective.includes(t) || articleDf[s]! <= pools.maxDfShare * stats.articles));
      if (inArticles.length > 0) {
        for (const id of this.topArticles.all(anyOf(inArticles), Math.max(pools.minArticles, pools.articleFactor * k)) as string[]) articleIds.add(id);
      }
    }

    const passageNorm = (length: number) => k1 * (1 - b + (b * length) / (stats.passage_terms / n || 1));
    const windowNorm = (length: number) => k1 * (1 - b + (b * length) / (stats.window_terms / n || 1));
    const articleNorm = (length: number) => k1 * (1 - b + (b * length) / (stats.article_terms / stats.articles || 1));
    const k1p1 = k1 + 1;
    const q = terms.length;
    const idfP = terms.map((t) => idfOf(n, dfs.get(t)!.passage));
    const idfW = terms.map((t) => idfOf(n, dfs.get(t)!.window));
    const idfA = articleDf.map((df) => idfOf(stats.articles, df));
    const scored: { hit: LexicalHit; article: string; ord: number }[] = [];

    for (const articleId of articleIds) {
      const a = this.articleTerms(articleId);
      const rowCount = a.labels.length;
      // Counts of each query term in each passage of the article (rows × q), and passage lengths.
      const counts = new Int32Array(rowCount * q);
      const lengths = a.lengths;
      const articleTf = new Float64Array(q);
      let articleLength = a.titleLength;
      for (let i = 0; i < rowCount; i++) articleLength += lengths[i]!;
      for (let s = 0; s < q; s++) {
        const at = a.slots.get(terms[s]!);
        if (at === undefined) continue;
        articleTf[s] = a.titleCounts[at]!;
        for (let i = 0; i < rowCount; i++) {
          const c = a.counts[at * rowCount + i]!;
          counts[i * q + s] = c;
          articleTf[s]! += c;
        }
      }
      let article = 0;
      if (articleWeight > 0) {
        const norm = articleNorm(articleLength);
        for (let s = 0; s < q; s++) {
          const tf = articleTf[s]!;
          if (tf > 0) article += times.get(terms[s]!)! * idfA[s]! * ((tf * k1p1) / (tf + norm));
        }
      }

      for (let i = 0; i < rowCount; i++) {
        let own = 0;
        let held = false;
        const norm = passageNorm(lengths[i]!);
        for (let s = 0; s < q; s++) {
          const tf = counts[i * q + s]!;
          if (tf === 0) continue;
          held = true;
          own += times.get(terms[s]!)! * idfP[s]! * ((tf * k1p1) / (tf + norm));
        }
        if (!held) continue; // found through its window only: core/bm25.ts ranks passages holding a term
        let window = 0;
        if (windowWeight > 0) {
          const lo = Math.max(0, i - WINDOW_NEIGHBOURS);
          const hi = Math.min(rowCount - 1, i + WINDOW_NEIGHBOURS);
          let windowLength = 0;
          for (let j = lo; j <= hi; j++) windowLength += lengths[j]!;
          const wnorm = windowNorm(windowLength);
          for (let s = 0; s < q; s++) {
            let tf = 0;
            for (let j = lo; j <= hi; j++) tf += counts[j * q + s]!;
            if (tf > 0) window += times.get(terms[s]!)! * idfW[s]! * ((tf * k1p1) / (tf + wnorm));
          }
        }
        let matched = 0;
        for (let s = 0; s < q; s++) {
          let found = false;
          for (let j = Math.max(0, i - COVERAGE_NEIGHBOURS); !found && j <= Math.min(rowCount - 1, i + COVERAGE_NEIGHBOURS); j++) found = counts[j * q + s]! > 0;
          if (found) matched += weights.get(terms[s]!)!;
        }
        let score = own;
        if (windowWeight > 0) score += windowWeight * window;
        if (articleWeight > 0) score += articleWeight * article;
        scored.push({ hit: { label: a.labels[i]!, score, coverage: totalWeight > 0 ? matched / totalWeight : 0 }, article: articleId, ord: a.ords[i]! });
      }
    }
    // Higher score first, then the in-memory index's document order (article id, then position).
    scored.sort((x, y) => y.hit.score - x.hit.score || (x.article < y.article ? -1 : x.article > y.article ? 1 : x.ord - y.ord));
    return scored.slice(0, k).map((s) => s.hit);
  }
}
