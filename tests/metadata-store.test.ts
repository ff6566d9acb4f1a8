/** The metadata store's schema upgrade: an index built by an earlier version opens without losing anything. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { MetadataStore } from '../src/store/metadata-store.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

it('upgrades a schema-1 store: articles keep every field and get added_at from their last indexing time', () => {
  const dir = mkdtempSync(join(tmpdir(), 'depeche-store-'));
  dirs.push(dir);
  const path = join(dir, 'depeche.db');
  const old = new Database(path);
  old.exec(`
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
    CREATE TABLE articles (id TEXT PRIMARY KEY, path TEXT NOT NULL UNIQUE, title TEXT, source TEXT, url TEXT, published TEXT,
      language TEXT, text TEXT NOT NULL, file_hash TEXT NOT NULL, text_hash TEXT NOT NULL, file_size INTEGER NOT NULL,
      file_mtime INTEGER NOT NULL, indexed_at TEXT NOT NULL) STRICT;
    CREATE TABLE passages (label INTEGER PRIMARY KEY, article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
      ord INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, hash TEXT NOT NULL, terms TEXT NOT NULL) STRICT;
    CREATE TABLE vectors (model TEXT NOT NULL, hash TEXT NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (model, hash)) STRICT, WITHOUT ROWID;
    INSERT INTO articles VALUES ('a', 'a.md', 'Titre', 'AFP', NULL, NULL, 'fr', 'Un texte.', 'fh', 'th', 9, 1, '2026-01-02T03:04:05.000Z');
    PRAGMA user_version = 1;
  `);
  old.close();
  const store = MetadataStore.open(path);
  try {
    expect(store.articles()).toEqual([
      expect.objectContaining({ id: 'a', title: 'Titre', source: 'AFP', published: null, text: 'Un texte.', addedAt: '2026-01-02T03:04:05.000Z' }),
    ]);
  } finally {
    store.close();
  }
});
