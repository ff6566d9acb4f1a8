import Database from 'better-sqlite3';
import type { Article, Passage } from '../core/types.ts';
import { LEXICAL_SCHEMA, lexicalIsSound, rebuildLexical, syncLexical } from './lexical-fts.ts';
import type { SegmentRef } from './segments.ts';

/**
 * What a generation of the index was built with. A reader that finds another model or other
 * parameters than it is configured for must not mix vectors: it re-embeds instead.
 */
export interface Manifest {
  generation: number;
  indexFile: string;
  indexSha256: string;
  model: string;
  dims: number;
  space: 'cosine';
  m: number;
  efConstruction: number;
  /** Settings that shape passages: a change means every article is cut again. */
  chunking: string;
  passages: number;
  tombstones: number;
  builtAt: string;
  /**
   * The vector segments (store/segments.ts): base first, then deltas. `indexFile`/`indexSha256` name
   * the base. Absent in a manifest written before segments: its one index file is the base.
   */
  segments?: SegmentRef[];
}

export interface StoredArticle extends Article {
  fileHash: string;
  textHash: string;
  fileSize: number;
  fileMtime: number;
  indexedAt: string;
  /**
   * When the article first entered the index: kept across re-indexing, never taken for its
   * publication date (`published` comes from the article itself, or stays null).
   */
  addedAt: string;
  /**
   * The earlier article this one is a near-copy of (the same dispatch republished), or null. A copy
   * keeps its own file and metadata, but only its passages the original does not hold are indexed.
   */
  copyOf: string | null;
}

export interface StoredPassage extends Passage {
  label: number;
  hash: string;
  /** Analysed terms, space-separated, so the lexical index loads without re-analysing. */
  terms: string;
}

/** The changes of one reindex, applied in one transaction together with the new manifest. */
export interface Commit {
  upsertArticles: StoredArticle[];
  removeArticleIds: string[];
  /** Labels of passages that leave the index (their articles changed or were removed). */
  removePassageLabels: number[];
  addPassages: StoredPassage[];
  manifest: Manifest;
  nextLabel: number;
  report: unknown;
  /** How near-copies were detected (core/near-duplicates.ts settings) for the copyOf values written. */
  copyDetection: string;
  /** The shingles of every upserted article (all articles when `replaceAll`: the stored ones are of other settings or missing). */
  shingles: ArticleShingles;
}

export interface ArticleShingles {
  replaceAll: boolean;
  articles: { id: string; shingles: ReadonlySet<number> }[];
}

/** The stored shingle index: which articles hold a shingle (32-bit hash), and how many each holds. */
export interface ShingleIndex {
  holders(hash: number): string[];
  size(articleId: string): number;
}

/**
 * One row per (shingle, article), looked up by shingle: near-copy candidates of a text are the
 * articles sharing one of its shingles. An article's shingles hang off a small integer key (its
 * shingle set, with their count) rather than its id, which keeps a million rows compact; both go
 * with their article (ON DELETE CASCADE).
 */
const SHINGLES_TABLE = `
  CREATE TABLE IF NOT EXISTS shingle_sets (
    key INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL UNIQUE REFERENCES articles(id) ON DELETE CASCADE,
    size INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE IF NOT EXISTS article_shingles (
    hash INTEGER NOT NULL,
    set_key INTEGER NOT NULL REFERENCES shingle_sets(key) ON DELETE CASCADE,
    PRIMARY KEY (hash, set_key)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS article_shingles_by_set ON article_shingles(set_key);`;

const SCHEMA_VERSION = 5;

/**
 * Upgrade step (schema 4 → 5): the lexical leg on disk (store/lexical-fts.ts), filled from the stored
 * terms once here; every commit then keeps it in step with the passages.
 */
function addLexicalFts(db: Database.Database): void {
  db.exec(LEXICAL_SCHEMA);
  rebuildLexical(db);
}

/** Article and passage metadata, the embedding cache and the manifest, in one SQLite file. */
export class MetadataStore {
  private constructor(private readonly db: Database.Database) {}

  static open(path: string, { readonly = false } = {}): MetadataStore {
    const db = new Database(path, { readonly, fileMustExist: readonly });
    try {
      db.pragma('busy_timeout = 10000');
      if (!readonly) {
        db.pragma('journal_mode = WAL'); // readers keep answering while a reindex writes
        db.pragma('synchronous = NORMAL');
      }
      db.pragma('foreign_keys = ON');
      const store = new MetadataStore(db);
      if (!readonly) store.migrate();
      else store.checkVersion();
      return store;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  close(): void {
    this.db.close();
  }

  private checkVersion(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version !== SCHEMA_VERSION) throw new Error(`metadata store has schema ${version}, expected ${SCHEMA_VERSION}`);
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version === SCHEMA_VERSION) return;
    if (version > SCHEMA_VERSION) throw new Error(`metadata store schema ${version} is newer than this program (${SCHEMA_VERSION})`);
    if (version >= 1) {
      // Schema 1 had no added_at: the last indexing time is the best record of it there is.
      // Schema 2 had no copy_of: nothing is a copy until the next reindex detects copies (the
      // detection settings are not recorded yet, so that reindex compares every article).
      // Schema 3 had no shingle table: the next reindex fills it (its detection settings differ).
      this.db.transaction(() => {
        this.db.exec(`
          ${version === 1 ? "ALTER TABLE articles ADD COLUMN added_at TEXT NOT NULL DEFAULT ''; UPDATE articles SET added_at = indexed_at;" : ''}
          ${version <= 2 ? 'ALTER TABLE articles ADD COLUMN copy_of TEXT;' : ''}
          ${SHINGLES_TABLE}
        `);
        if (version <= 4) addLexicalFts(this.db);
        this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
      })();
      return;
    }
    this.db.exec(`
      BEGIN;
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
      CREATE TABLE IF NOT EXISTS articles (
        id TEXT PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        title TEXT, source TEXT, url TEXT, published TEXT, language TEXT,
        text TEXT NOT NULL,
        file_hash TEXT NOT NULL,
        text_hash TEXT NOT NULL,
        file_size INTEGER NOT NULL,
        file_mtime INTEGER NOT NULL,
        indexed_at TEXT NOT NULL,
        added_at TEXT NOT NULL,
        copy_of TEXT
      ) STRICT;
      CREATE TABLE IF NOT EXISTS passages (
        label INTEGER PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        ord INTEGER NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        hash TEXT NOT NULL,
        terms TEXT NOT NULL
      ) STRICT;
      CREATE INDEX IF NOT EXISTS passages_by_article ON passages(article_id, ord);
      ${SHINGLES_TABLE}
      CREATE TABLE IF NOT EXISTS vectors (
        model TEXT NOT NULL,
        hash TEXT NOT NULL,
        vector BLOB NOT NULL,
        PRIMARY KEY (model, hash)
      ) STRICT, WITHOUT ROWID;
      ${LEXICAL_SCHEMA}
      PRAGMA user_version = ${SCHEMA_VERSION};
      COMMIT;
    `);
  }

  /** Runs reads against one consistent state of the store (WAL snapshot). */
  read<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  manifest(): Manifest | null {
    return this.meta<Manifest>('manifest');
  }

  nextLabel(): number {
    return this.meta<number>('next_label') ?? 1;
  }

  /** The near-copy detection settings the stored copyOf values were computed with (null: never). */
  copyDetection(): string | null {
    return this.meta<string>('copy_detection');
  }

  setCopyDetection(key: string): void {
    this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run('copy_detection', JSON.stringify(key));
  }

  /** Rewrites the shingles (all of them, or those of some articles) and the detection settings together. */
  setShingles(shingles: ArticleShingles, copyDetection: string): void {
    const setMeta = this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
    this.db.transaction(() => {
      this.writeShingles(shingles);
      setMeta.run('copy_detection', JSON.stringify(copyDetection));
    })();
  }

  shingleIndex(): ShingleIndex {
    const holders = this.db.prepare('SELECT s.article_id FROM article_shingles a JOIN shingle_sets s ON s.key = a.set_key WHERE a.hash = ?').pluck();
    const size = this.db.prepare('SELECT size FROM shingle_sets WHERE article_id = ?').pluck();
    return {
      holders: (hash) => holders.all(hash) as string[],
      size: (articleId) => (size.get(articleId) as number | undefined) ?? 0,
    };
  }

  private writeShingles({ replaceAll, articles }: ArticleShingles): void {
    const clear = this.db.prepare('DELETE FROM shingle_sets WHERE article_id = ?');
    const addSet = this.db.prepare('INSERT INTO shingle_sets (article_id, size) VALUES (?, ?)');
    const add = this.db.prepare('INSERT INTO article_shingles (hash, set_key) VALUES (?, ?)');
    if (replaceAll) this.db.exec('DELETE FROM article_shingles; DELETE FROM shingle_sets;');
    for (const { id, shingles } of articles) {
      if (!replaceAll) clear.run(id);
      const key = addSet.run(id, shingles.size).lastInsertRowid;
      for (const hash of shingles) add.run(hash, key);
    }
  }

  lastReport<T>(): T | null {
    return this.meta<T>('last_reindex');
  }

  private meta<T>(key: string): T | null {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : null;
  }

  articles(): StoredArticle[] {
    const rows = this.db.prepare('SELECT * FROM articles ORDER BY path').all() as ArticleRow[];
    return rows.map(fromArticleRow);
  }

  passages(): StoredPassage[] {
    const rows = this.db
      .prepare('SELECT label, article_id, ord, start, end, hash, terms FROM passages ORDER BY article_id, ord')
      .all() as PassageRow[];
    return rows.map(fromPassageRow);
  }

  /** Every passage's place (no terms, no hash): what a snapshot keeps when the lexical leg is on disk. */
  passageSpans(): (Passage & { label: number })[] {
    return this.db.prepare('SELECT label, article_id AS articleId, ord, start, end FROM passages ORDER BY article_id, ord').all() as (Passage & { label: number })[];
  }

  /** Label and passage hash of the live passages with labels from `first` (inclusive) to `end` (exclusive): what compaction rebuilds. */
  passageHashes(first: number, end: number): { label: number; hash: string }[] {
    return this.db.prepare('SELECT label, hash FROM passages WHERE label >= ? AND label < ? ORDER BY label').all(first, end) as { label: number; hash: string }[];
  }

  passagesOf(articleId: string): StoredPassage[] {
    const rows = this.db
      .prepare('SELECT label, article_id, ord, start, end, hash, terms FROM passages WHERE article_id = ? ORDER BY ord')
      .all(articleId) as PassageRow[];
    return rows.map(fromPassageRow);
  }

  /** Cached vectors of `model` for these passage hashes (missing ones are absent from the map). */
  vectors(model: string, hashes: Iterable<string>): Map<string, Float32Array> {
    const get = this.db.prepare('SELECT vector FROM vectors WHERE model = ? AND hash = ?').pluck();
    const out = new Map<string, Float32Array>();
    for (const hash of hashes) {
      if (out.has(hash)) continue;
      const blob = get.get(model, hash) as Buffer | undefined;
      if (blob) out.set(hash, toFloat32(blob));
    }
    return out;
  }

  /** Stores freshly computed vectors at once, so a crash later in the run keeps them. */
  putVectors(model: string, entries: Iterable<[string, Float32Array]>): void {
    const put = this.db.prepare('INSERT OR REPLACE INTO vectors (model, hash, vector) VALUES (?, ?, ?)');
    this.db.transaction(() => {
      for (const [hash, v] of entries) put.run(model, hash, Buffer.from(v.buffer, v.byteOffset, v.byteLength));
    })();
  }

  /** Forgets vectors no passage uses any more; with `allModels`, those of other models too. */
  pruneVectors(model: string, allModels: boolean): number {
    const sql = allModels
      ? 'DELETE FROM vectors WHERE model != ? OR hash NOT IN (SELECT hash FROM passages)'
      : 'DELETE FROM vectors WHERE model = ? AND hash NOT IN (SELECT hash FROM passages)';
    return this.db.prepare(sql).run(model).changes;
  }

  /** Applies a reindex: articles, passages and the manifest pointing at the new index file, all or nothing. */
  commit(change: Commit): void {
    const removeArticle = this.db.prepare('DELETE FROM articles WHERE id = ?');
    const removePassage = this.db.prepare('DELETE FROM passages WHERE label = ?');
    const upsertArticle = this.db.prepare(`
      INSERT INTO articles (id, path, title, source, url, published, language, text, file_hash, text_hash, file_size, file_mtime, indexed_at, added_at, copy_of)
      VALUES (@id, @path, @title, @source, @url, @published, @language, @text, @fileHash, @textHash, @fileSize, @fileMtime, @indexedAt, @addedAt, @copyOf)
      ON CONFLICT(id) DO UPDATE SET path = excluded.path, title = excluded.title, source = excluded.source,
        url = excluded.url, published = excluded.published, language = excluded.language, text = excluded.text,
        file_hash = excluded.file_hash, text_hash = excluded.text_hash, file_size = excluded.file_size,
        file_mtime = excluded.file_mtime, indexed_at = excluded.indexed_at, copy_of = excluded.copy_of`);
    const addPassage = this.db.prepare(
      'INSERT INTO passages (label, article_id, ord, start, end, hash, terms) VALUES (@label, @articleId, @ord, @start, @end, @hash, @terms)',
    );
    const setMeta = this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
    const articleOf = this.db.prepare('SELECT article_id FROM passages WHERE label = ?').pluck();
    this.db.transaction(() => {
      const removedArticles = new Set<string>();
      for (const label of change.removePassageLabels) {
        const id = articleOf.get(label) as string | undefined;
        if (id !== undefined) removedArticles.add(id);
        removePassage.run(label);
      }
      for (const id of change.removeArticleIds) removeArticle.run(id);
      for (const article of change.upsertArticles) upsertArticle.run(article);
      for (const passage of change.addPassages) addPassage.run(passage);
      // The lexical rows of every article whose passages or title changed (windows stay within an article).
      syncLexical(this.db, [...change.removeArticleIds, ...change.upsertArticles.map((a) => a.id), ...change.addPassages.map((p) => p.articleId), ...removedArticles]);
      this.writeShingles(change.shingles);
      setMeta.run('manifest', JSON.stringify(change.manifest));
      setMeta.run('next_label', JSON.stringify(change.nextLabel));
      setMeta.run('last_reindex', JSON.stringify(change.report));
      setMeta.run('copy_detection', JSON.stringify(change.copyDetection));
    })();
  }

  /**
   * Rebuilds the lexical tables from the stored terms when they are missing, out of step with the
   * passages or unreadable (a damaged file, a table dropped by hand). Returns whether it had to.
   */
  repairLexical(): boolean {
    if (lexicalIsSound(this.db)) return false;
    rebuildLexical(this.db);
    return true;
  }

  /**
   * Points the manifest at other files holding the same vectors (a compaction), unless a reindex
   * committed another generation meanwhile. Returns whether it was written.
   */
  replaceManifest(expectedGeneration: number, manifest: Manifest): boolean {
    return this.db.transaction(() => {
      if (this.manifest()?.generation !== expectedGeneration) return false;
      this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run('manifest', JSON.stringify(manifest));
      return true;
    })();
  }

  articleText(id: string): string {
    const text = this.db.prepare('SELECT text FROM articles WHERE id = ?').pluck().get(id) as string | undefined;
    if (text === undefined) throw new Error(`article ${id} is not in the store`);
    return text;
  }

  setReport(report: unknown): void {
    this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run('last_reindex', JSON.stringify(report));
  }

  /** Records that unchanged files were touched (new mtime), so the next scan does not re-read them. */
  touchArticles(files: { id: string; fileMtime: number }[]): void {
    const touch = this.db.prepare('UPDATE articles SET file_mtime = ? WHERE id = ?');
    this.db.transaction(() => {
      for (const f of files) touch.run(f.fileMtime, f.id);
    })();
  }
}

interface ArticleRow {
  id: string;
  path: string;
  title: string | null;
  source: string | null;
  url: string | null;
  published: string | null;
  language: string | null;
  text: string;
  file_hash: string;
  text_hash: string;
  file_size: number;
  file_mtime: number;
  indexed_at: string;
  added_at: string;
  copy_of: string | null;
}

interface PassageRow {
  label: number;
  article_id: string;
  ord: number;
  start: number;
  end: number;
  hash: string;
  terms: string;
}

function fromArticleRow(r: ArticleRow): StoredArticle {
  return {
    id: r.id,
    path: r.path,
    title: r.title,
    source: r.source,
    url: r.url,
    published: r.published,
    language: r.language,
    text: r.text,
    fileHash: r.file_hash,
    textHash: r.text_hash,
    fileSize: r.file_size,
    fileMtime: r.file_mtime,
    indexedAt: r.indexed_at,
    addedAt: r.added_at,
    copyOf: r.copy_of,
  };
}

function fromPassageRow(r: PassageRow): StoredPassage {
  return { label: r.label, articleId: r.article_id, ord: r.ord, start: r.start, end: r.end, hash: r.hash, terms: r.terms };
}

function toFloat32(blob: Buffer): Float32Array {
  // Copy: the blob's memory may be shared and unaligned.
  const copy = new Uint8Array(blob.byteLength);
  copy.set(blob);
  return new Float32Array(copy.buffer);
}
