/**
 * The lexical leg on disk (store/lexical-fts.ts): it ranks like the in-memory BM25 of core/bm25.ts,
 * follows each commit of the store incrementally, and is rebuilt from the stored terms when damaged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { reindex } from '../src/app/indexer.ts';
import { storePaths } from '../src/app/paths.ts';
import { IndexSnapshot } from '../src/app/snapshot.ts';
import { Bm25Index, DEFAULT_BM25 } from '../src/core/bm25.ts';
import { analyze } from '../src/core/text/analyze.ts';
import { FtsLexicalIndex, lexicalIsSound } from '../src/store/lexical-fts.ts';
import { HashEmbedder } from '../src/embed/hash-embedder.ts';
import { FROMAGE_ARTICLE, FROMAGE_QUESTION } from './support/articles.ts';
import { makeWorkspace, type Workspace } from './support/workspace.ts';
import { MetadataStore, type Manifest, type StoredArticle, type StoredPassage } from '../src/store/metadata-store.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'depeche-fts-'));
  dirs.push(dir);
  return join(dir, 'depeche.db');
}

interface Doc {
  id: string;
  title: string | null;
  /** Each passage's analysed terms, in article order. */
  passages: string[][];
}

const manifest: Manifest = { generation: 1, indexFile: 'x', indexSha256: 'x', model: 'm', dims: 4, space: 'cosine', m: 16, efConstruction: 200, chunking: 'c', passages: 0, tombstones: 0, builtAt: '' };

function article(d: Doc): StoredArticle {
  return { id: d.id, path: `${d.id}.md`, title: d.title, source: null, url: null, published: null, language: 'fr', text: '', fileHash: '', textHash: '', fileSize: 0, fileMtime: 0, indexedAt: '', addedAt: '', copyOf: null };
}

let nextLabel = 1;
/** Commits these articles (replacing their passages) and removes others, as a reindex does. */
function commit(store: MetadataStore, docs: Doc[], remove: string[] = []): void {
  const stale = [...docs.map((d) => d.id), ...remove].flatMap((id) => store.passagesOf(id).map((p) => p.label));
  const addPassages: StoredPassage[] = docs.flatMap((d) => d.passages.map((terms, ord) => ({ label: nextLabel++, articleId: d.id, ord, start: 0, end: 0, hash: `h${nextLabel}`, terms: terms.join(' ') })));
  store.commit({
    upsertArticles: docs.map(article),
    removeArticleIds: remove,
    removePassageLabels: stale,
    addPassages,
    manifest,
    nextLabel,
    report: null,
    copyDetection: '',
    shingles: { replaceAll: false, articles: [] },
  });
}

/** The in-memory index of what the store holds now, built as snapshots built it before. */
function inMemory(path: string, params = DEFAULT_BM25): Bm25Index {
  const store = MetadataStore.open(path);
  try {
    const index = new Bm25Index(params);
    const titles = new Map(store.articles().map((a) => [a.id, a.title ? analyze(a.title) : []]));
    for (const p of store.passages()) index.add(p.label, p.terms === '' ? [] : p.terms.split(' '), { article: p.articleId, ord: p.ord, title: titles.get(p.articleId) });
    return index;
  } finally {
    store.close();
  }
}

function expectSameRanking(disk: FtsLexicalIndex, memory: Bm25Index, query: string[], k: number): void {
  const got = disk.search(query, k);
  const want = memory.search(query, k);
  expect(got.map((h) => h.label)).toEqual(want.map((h) => h.label));
  got.forEach((h, i) => {
    expect(Math.abs(h.score - want[i]!.score)).toBeLessThanOrEqual(1e-9);
    expect(Math.abs(h.coverage - want[i]!.coverage)).toBeLessThanOrEqual(1e-9);
  });
  expect(disk.queryWeights(query)).toEqual(memory.queryWeights(query));
}

/** A deterministic random corpus: Zipf-like words, titled and untitled articles of 1–9 passages. */
function randomCorpus(articles: number, seed0: number): { docs: Doc[]; bag: (n: number) => string[]; random: () => number } {
  let seed = seed0;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const word = () => `w${Math.floor(Math.exp(random() * Math.log(400)))}`;
  const bag = (n: number) => Array.from({ length: n }, word);
  const docs: Doc[] = [];
  for (let a = 0; a < articles; a++) {
    const passages = Array.from({ length: 1 + Math.floor(random() * 9) }, () => bag(5 + Math.floor(random() * 40)));
    if (a % 11 === 0) passages.push([]); // a passage with no term left after analysis
    docs.push({ id: `a${String(a).padStart(3, '0')}`, title: a % 7 === 0 ? null : `W${a} titre${a}`, passages });
  }
  return { docs, bag, random };
}

describe('FtsLexicalIndex', () => {
  it('ranks like the in-memory BM25: same passages, order, scores, coverage and query weights', () => {
    const path = tempDb();
    const store = MetadataStore.open(path);
    const { docs, bag, random } = randomCorpus(60, 7);
    commit(store, docs);
    store.close();
    const disk = FtsLexicalIndex.open(path)!;
    const memory = inMemory(path);
    try {
      for (let q = 0; q < 150; q++) {
        const query = [...bag(1 + Math.floor(random() * 8)), ...(q % 5 === 0 ? ['unknown', 'titre3'] : [])];
        if (q % 3 === 0) query.push(query[0]!); // a word asked twice counts twice
        expectSameRanking(disk, memory, query, [1, 5, 10, 50][q % 4]!);
      }
      expect(disk.search(['w1'], 1000).length).toBeGreaterThan(50); // the queries did reach many passages
    } finally {
      disk.close();
    }
  });

  it('ranks French text the same way, passage window and title included', () => {
    const path = tempDb();
    const store = MetadataStore.open(path);
    const terms = (texts: string[]) => texts.map((t) => analyze(t));
    commit(store, [
      { id: 'psg', title: 'Paris Saint-Germain', passages: terms(['Le club a été fondé en 1970 par des ouvriers.', 'Le Paris Saint-Germain joue au Parc des Princes.']) },
      { id: 'lyon', title: 'Sport à Lyon', passages: terms(['Ce club a été fondé en 1970.', 'Les vendanges commencent en septembre.']) },
    ]);
    store.close();
    const disk = FtsLexicalIndex.open(path)!;
    try {
      const query = analyze('En quelle année le club du Paris Saint-Germain a-t-il été fondé ?');
      expectSameRanking(disk, inMemory(path), query, 10);
      // The passage whose neighbour and title name the club beats the isolated one with the same words.
      const labels = MetadataStore.open(path);
      const [psg, lyon] = [labels.passagesOf('psg')[0]!.label, labels.passagesOf('lyon')[0]!.label];
      labels.close();
      const order = disk.search(query, 10).map((h) => h.label);
      expect(order.indexOf(psg)).toBeGreaterThanOrEqual(0);
      expect(order.indexOf(psg)).toBeLessThan(order.indexOf(lyon));
      expect(disk.search(analyze('recette tarte tatin'), 10)).toEqual([]);
    } finally {
      disk.close();
    }
  });

  it('follows commits incrementally: a removed article is gone, an added and an edited one are found, windows follow', () => {
    const path = tempDb();
    const store = MetadataStore.open(path);
    const { docs, bag, random } = randomCorpus(30, 11);
    commit(store, docs);
    const disk = FtsLexicalIndex.open(path)!;
    try {
      // Remove one article, edit another (new middle passage: its neighbours' windows change), add one.
      const edited = { ...docs[4]!, title: 'Nouveau titre', passages: [docs[4]!.passages[0]!, ['zinedine', 'zidane'], ...docs[4]!.passages.slice(1)] };
      const added = { id: 'new', title: 'Brest', passages: [['tempet', 'brest'], ['vent', 'rafal']] };
      commit(store, [edited, added], [docs[2]!.id]);
      const gone = store.passagesOf(docs[2]!.id);
      expect(gone).toEqual([]);
      const memory = inMemory(path);
      expectSameRanking(disk, memory, ['zidane', 'w3'], 10);
      expectSameRanking(disk, memory, ['tempet', 'rafal', 'nouveau'], 10);
      for (let q = 0; q < 60; q++) expectSameRanking(disk, memory, bag(1 + Math.floor(random() * 6)), [5, 10, 50][q % 3]!);
      expect(disk.search(['brest'], 10).map((h) => h.label)).toEqual(store.passagesOf('new').slice(0, 1).map((p) => p.label));
      // The same tables as a rebuild from scratch would give.
      const counts = (db: Database.Database) => db.prepare('SELECT passages, passage_terms, window_terms, articles, article_terms FROM lexical_stats').get();
      const live = new Database(path, { readonly: true });
      const incremental = counts(live);
      live.close();
      expect(store.repairLexical()).toBe(false); // sound: nothing to repair
      const raw = new Database(path);
      raw.exec('DROP TABLE lexical_stats');
      raw.close();
      expect(store.repairLexical()).toBe(true);
      const rebuilt = new Database(path, { readonly: true });
      expect(counts(rebuilt)).toEqual(incremental);
      rebuilt.close();
    } finally {
      disk.close();
      store.close();
    }
  });

  it('is rebuilt from the stored terms when its FTS table is missing or damaged, and says so until then', () => {
    const path = tempDb();
    const store = MetadataStore.open(path);
    const { docs, bag } = randomCorpus(20, 3);
    commit(store, docs);
    const query = bag(4);
    const before = FtsLexicalIndex.open(path)!;
    const want = before.search(query, 10);
    before.close();
    expect(want.length).toBeGreaterThan(0);

    const raw = new Database(path);
    raw.exec('DROP TABLE lexical_passages');
    expect(lexicalIsSound(raw)).toBe(false);
    expect(FtsLexicalIndex.open(path)).toBeNull(); // readers fall back to the in-memory index
    expect(store.repairLexical()).toBe(true);
    expect(FtsLexicalIndex.open(path)!.search(query, 10)).toEqual(want);

    // Garbage in FTS5's own records (its structure record, id 10): detected, rebuilt. (Shadow tables
    // are write-protected; unsafe mode lifts SQLite's defensive flag, as a stray tool could.)
    raw.unsafeMode(true);
    raw.prepare('UPDATE lexical_passages_data SET block = ? WHERE id = 10').run(Buffer.alloc(64, 0xa5));
    raw.unsafeMode(false);
    expect(lexicalIsSound(raw)).toBe(false);
    raw.close();
    expect(FtsLexicalIndex.open(path)).toBeNull();
    const reopened = store;
    expect(reopened.repairLexical()).toBe(true);
    expect(FtsLexicalIndex.open(path)!.search(query, 10)).toEqual(want);
    reopened.close();
  });

  it('fills itself from the stored terms when a store from before it is opened (schema upgrade)', () => {
    const path = tempDb();
    const store = MetadataStore.open(path);
    const { docs, bag } = randomCorpus(15, 5);
    commit(store, docs);
    store.close();
    // As a schema-4 store: no lexical tables.
    const raw = new Database(path);
    for (const t of ['lexical_passage_vocab', 'lexical_article_vocab', 'lexical_passages', 'lexical_articles', 'lexical_article_keys', 'lexical_rows', 'lexical_stats']) raw.exec(`DROP TABLE ${t}`);
    raw.pragma('user_version = 4');
    raw.close();
    MetadataStore.open(path).close();
    const disk = FtsLexicalIndex.open(path)!;
    try {
      expectSameRanking(disk, inMemory(path), bag(5), 10);
    } finally {
      disk.close();
    }
  });
});

describe('the lexical leg in the application', () => {
  const wss: Workspace[] = [];
  afterEach(() => {
    for (const ws of wss.splice(0)) ws.cleanup();
  });

  it('answers from the FTS tables after a reindex, from memory while they are gone, and the next reindex restores them', async () => {
    const ws = makeWorkspace({ seed: true, articles: { 'fromage.md': FROMAGE_ARTICLE } });
    wss.push(ws);
    await reindex(ws.config(), new HashEmbedder(64, 64));
    const terms = analyze(FROMAGE_QUESTION);
    const disk = { LEXICAL_INDEX: 'disk' };
    const onDisk = IndexSnapshot.load(ws.config(disk))!;
    expect(onDisk.lexical).toBeInstanceOf(FtsLexicalIndex);
    const want = onDisk.lexical.search(terms, 10);
    expect(want.length).toBeGreaterThan(0);
    // The in-memory leg (the default) ranks the same.
    const inMemory = IndexSnapshot.load(ws.config())!;
    expect(inMemory.lexical).toBeInstanceOf(Bm25Index);
    expect(inMemory.lexical.search(terms, 10)).toEqual(want);

    const raw = new Database(storePaths(ws.config()).database);
    raw.exec('DROP TABLE lexical_passages');
    raw.close();
    const fallback = IndexSnapshot.load(ws.config(disk))!;
    expect(fallback.lexical).toBeInstanceOf(Bm25Index);
    expect(fallback.lexical.search(terms, 10)).toEqual(want);

    const report = await reindex(ws.config(), new HashEmbedder(64, 64)); // nothing changed in the corpus
    expect(report.added + report.updated + report.removed).toBe(0);
    const restored = IndexSnapshot.load(ws.config(disk))!;
    expect(restored.lexical).toBeInstanceOf(FtsLexicalIndex);
    expect(restored.lexical.search(terms, 10)).toEqual(want);
  });
});
