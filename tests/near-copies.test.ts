/**
 * Syndicated copies (issue 16) end to end: real OrangeSum articles written as corpus files, a real
 * SQLite store and hnswlib index, the small deterministic HashEmbedder. A near-copy of a dispatch is
 * stored with its own metadata, does not answer with the text it shares, and is cited with its
 * original ([1][2]); a different article on the same event stays an article of its own.
 */
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Depeche } from '../src/app/depeche.ts';
import { reindex } from '../src/app/indexer.ts';
import { storePaths } from '../src/app/paths.ts';
import { IndexSnapshot } from '../src/app/snapshot.ts';
import { toFrontMatterMarkdown } from '../src/core/front-matter.ts';
import type { Answer } from '../src/core/types.ts';
import { HashEmbedder } from '../src/embed/hash-embedder.ts';
import { assertConsistent, storedTexts } from './support/index-state.ts';
import { orangeSumPath } from './support/near-copy-pairs.ts';
import { HASH_SPEC, makeWorkspace, type Workspace } from './support/workspace.ts';

interface Record {
  doc_id: string;
  title: string;
  heading: string;
  date: string;
  url: string;
  source: string;
  paragraphs: string[];
}

const records = new Map(
  readFileSync(orangeSumPath(), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record)
    .map((r) => [r.doc_id, r]),
);
/** Two soldiers killed in Mali, 5 September 2020: the AFP dispatch and another outlet's own story. */
const AFP = records.get('orangesum-34964')!;
const OTHER = records.get('orangesum-34970')!;

const EDITED_FROM = "avait de son côté indiqué à l'AFP souhaiter";
const EDITED_TO = "a indiqué à l'AFP souhaiter";
const DROPPED = AFP.paragraphs.at(-1)!; // Bamako consultations

const markdown = (meta: { title: string; source: string; url: string; published: string }, paragraphs: string[]) =>
  toFrontMatterMarkdown({ ...meta, language: 'fr' }, paragraphs.join('\n\n'));

const ORIGINAL_FILE = markdown({ title: AFP.title, source: 'AFP', url: AFP.url, published: AFP.date }, AFP.paragraphs);
const OTHER_FILE = markdown({ title: OTHER.title, source: OTHER.source, url: OTHER.url, published: OTHER.date }, OTHER.paragraphs);
/** The dispatch as another outlet republished it: re-titled, its own introduction, a sentence reworded, the last paragraph dropped. */
const COPY_META = { title: 'Mali : deux militaires de Barkhane tués près de Tessalit', source: 'Le Courrier du Sahel', url: 'https://courrier-sahel.example/mali-barkhane', published: '2020-09-06' };
const COPY_FILE = markdown(COPY_META, [
  AFP.heading,
  ...AFP.paragraphs.slice(1, -1).map((p) => p.replace(EDITED_FROM, EDITED_TO)),
]);

const workspaces: Workspace[] = [];
afterEach(() => {
  for (const ws of workspaces.splice(0)) ws.cleanup();
});

function workspace(): Workspace {
  const ws = makeWorkspace({ articles: { 'mali-afp.md': ORIGINAL_FILE, 'mali-ms.md': OTHER_FILE } });
  workspaces.push(ws);
  return ws;
}

const index = (ws: Workspace) => reindex(ws.config(), new HashEmbedder(64, 64));

async function ask(ws: Workspace, question: string): Promise<Answer> {
  const app = await Depeche.open(ws.config(), { embedder: HASH_SPEC, inlineQueryEmbedder: true });
  try {
    const answer = await app.ask(question);
    const texts = storedTexts(ws.config());
    for (const c of answer.citations) expect(texts.get(c.articleId), `quote of ${c.articleId} is verbatim`).toContain(c.quote);
    return answer;
  } finally {
    await app.close();
  }
}

/** Adds the copy the way the bot and the CLI do (Library): stored, then indexed. */
async function addCopy(ws: Workspace) {
  const app = await Depeche.open(ws.config(), { embedder: HASH_SPEC, inlineQueryEmbedder: true });
  try {
    return await app.addArticles([{ name: 'mali-courrier.md', bytes: Buffer.from(COPY_FILE) }]);
  } finally {
    await app.close();
  }
}

/** The quote group citing `id`, with the article ids it cites in order. */
function groupCiting(answer: Answer, id: string) {
  const group = answer.quotes.find((q) => q.citations.some((i) => answer.citations[i]!.articleId === id));
  return group && { ...group, ids: group.citations.map((i) => answer.citations[i]!.articleId) };
}

const PAU_QUESTION = 'Que disaient les armées maliennes du tempo depuis le sommet de Pau ?';
const TOLL_QUESTION = 'Combien de soldats français sont morts au combat dans les opérations Serval et Barkhane ?';
const LECOINTRE_QUESTION = 'Que souhaitait le général François Lecointre pour l’engagement de l’armée malienne ?';
const BAMAKO_QUESTION = 'Les concertations nationales sur la transition à Bamako se sont-elles tenues sans l’ex-rébellion touareg ?';
const TARBES_QUESTION = 'De quel régiment de Tarbes étaient les hussards parachutistes tués ?';

describe('near-copies at ingestion', () => {
  it('stores a republished dispatch with its own metadata, marks it a copy, and indexes none of the text it shares', async () => {
    const ws = workspace();
    await index(ws);
    const result = await addCopy(ws);
    expect(result.failed).toEqual([]);
    expect(result.skipped).toEqual([]);
    expect(result.added.map((a) => [a.id, a.title, a.source, a.published, a.url, a.copyOf])).toEqual([
      ['mali-courrier', COPY_META.title, COPY_META.source, COPY_META.published, COPY_META.url, 'mali-afp'],
    ]);
    const snapshot = IndexSnapshot.load(ws.config())!;
    expect(snapshot.summaries().find((a) => a.id === 'mali-ms')?.copyOf).toBeUndefined();
    // "What's new" lists the story once.
    expect([...snapshot.allArticles()].map((a) => a.id).sort()).toEqual(['mali-afp', 'mali-ms']);

    const state = assertConsistent(ws.config());
    const original = state.articles.find((a) => a.id === 'mali-afp')!.text;
    const copyPassages = state.passages.filter((p) => p.articleId === 'mali-courrier');
    const originalPassages = state.passages.filter((p) => p.articleId === 'mali-afp');
    expect(copyPassages.length).toBeLessThan(originalPassages.length / 2);
    // What is indexed of the copy is its own introduction, not a passage the original holds.
    for (const p of copyPassages) expect(original).not.toContain(p.text);
    expect(copyPassages.some((p) => p.text.includes(AFP.heading.slice(0, 60)))).toBe(true);
  });

  it('quotes the shared sentence once, from the original, citing the original and its copy together as [1][2]', async () => {
    const ws = workspace();
    await index(ws);
    await addCopy(ws);
    const answer = await ask(ws, PAU_QUESTION);
    expect(answer.found).toBe(true);
    const group = groupCiting(answer, 'mali-afp')!;
    expect(group.ids.slice(0, 2)).toEqual(['mali-afp', 'mali-courrier']);
    const [original, copy] = group.citations.map((i) => answer.citations[i]!);
    expect(copy!.quote).toBe(original!.quote);
    expect([copy!.title, copy!.source, copy!.published, copy!.url]).toEqual([COPY_META.title, COPY_META.source, COPY_META.published, COPY_META.url]);
    expect([original!.title, original!.source, original!.url]).toEqual([AFP.title, 'AFP', AFP.url]);
    // The copy is never quoted on a line of its own: wherever it is cited, it follows its original.
    for (const q of answer.quotes) {
      const ids = q.citations.map((i) => answer.citations[i]!.articleId);
      if (ids.includes('mali-courrier')) expect(ids[ids.indexOf('mali-courrier') - 1]).toBe('mali-afp');
    }
    const lines = answer.answer.split('\n');
    const first = group.citations[0]! + 1;
    expect(lines.find((l) => l.startsWith('«') && l.includes(original!.quote))).toContain(`[${first}][${first + 1}]`);
    expect(lines).toContain(`[${first + 1}] ${COPY_META.title} — ${COPY_META.source} — ${COPY_META.published} — ${COPY_META.url}`);
  });

  it('cites a copy that reworded the sentence with its own wording, and does not cite one that dropped it', async () => {
    const ws = workspace();
    await index(ws);
    await addCopy(ws);
    const reworded = await ask(ws, LECOINTRE_QUESTION);
    const group = groupCiting(reworded, 'mali-afp')!;
    expect(group.ids.slice(0, 2)).toEqual(['mali-afp', 'mali-courrier']);
    const [original, copy] = group.citations.map((i) => reworded.citations[i]!);
    expect(original!.quote).toContain(EDITED_FROM);
    expect(copy!.quote).toContain(EDITED_TO);
    expect(copy!.quote).not.toBe(original!.quote);

    const dropped = await ask(ws, BAMAKO_QUESTION);
    expect(dropped.citations.find((c) => c.articleId === 'mali-afp')?.quote).toBeDefined();
    expect(DROPPED).toContain(dropped.citations.find((c) => c.articleId === 'mali-afp')!.quote);
    expect(dropped.citations.some((c) => c.articleId === 'mali-courrier')).toBe(false);
  });

  it('keeps a different article on the same event separate: it answers from its own passages with its own quotes', async () => {
    const ws = workspace();
    await index(ws);
    await addCopy(ws);
    const state = assertConsistent(ws.config());
    expect(state.passages.filter((p) => p.articleId === 'mali-ms').map((p) => p.text).join(' ')).toContain('Tarbes');

    const tarbes = await ask(ws, TARBES_QUESTION);
    expect(tarbes.citations[0]?.articleId).toBe('mali-ms');
    expect(tarbes.citations.some((c) => c.articleId === 'mali-courrier')).toBe(false);

    // Both stories give the toll: each is cited with its own sentence, the copy only beside its original.
    const toll = await ask(ws, TOLL_QUESTION);
    const afp = toll.citations.find((c) => c.articleId === 'mali-afp')!;
    const other = toll.citations.find((c) => c.articleId === 'mali-ms')!;
    expect(afp.quote).toContain('45');
    expect(other.quote).toContain('45');
    expect(other.quote).not.toBe(afp.quote);
    const ids = toll.citations.map((c) => c.articleId);
    expect(ids.indexOf('mali-courrier')).toBe(ids.indexOf('mali-afp') + 1);
  });

  it('promotes the copy when the original is removed: its passages answer again, citing it alone', async () => {
    const ws = workspace();
    await index(ws);
    await addCopy(ws);
    const app = await Depeche.open(ws.config(), { embedder: HASH_SPEC, inlineQueryEmbedder: true });
    try {
      await app.removeArticle('mali-afp');
    } finally {
      await app.close();
    }
    const state = assertConsistent(ws.config());
    expect(state.articles.map((a) => a.id).sort()).toEqual(['mali-courrier', 'mali-ms']);
    const snapshot = IndexSnapshot.load(ws.config())!;
    expect(snapshot.summaries().find((a) => a.id === 'mali-courrier')?.copyOf).toBeUndefined();
    expect(state.passages.filter((p) => p.articleId === 'mali-courrier').map((p) => p.text).join(' ')).toContain('sommet de Pau');

    const answer = await ask(ws, PAU_QUESTION);
    const group = groupCiting(answer, 'mali-courrier')!;
    expect(group.ids[0]).toBe('mali-courrier');
    expect(answer.citations.find((c) => c.articleId === 'mali-courrier')!.quote).toMatch(/Pau/);
  });

  it('decides the same in one run as in two, and a reindex with nothing changed keeps it', async () => {
    const ws = workspace();
    ws.write('mali-courrier.md', COPY_FILE);
    await index(ws);
    const once = IndexSnapshot.load(ws.config())!;
    expect(once.summaries().find((a) => a.id === 'mali-courrier')?.copyOf).toBe('mali-afp');
    const again = await index(ws);
    expect(again).toMatchObject({ added: 0, updated: 0, removed: 0, embedded: 0 });
    expect(IndexSnapshot.load(ws.config())!.summaries().find((a) => a.id === 'mali-courrier')?.copyOf).toBe('mali-afp');
  });

  it('upgrades a store from before copies (schema 2): the next reindex finds them with no file changed and nothing re-embedded', async () => {
    const ws = workspace();
    ws.write('mali-courrier.md', COPY_FILE);
    await index(ws);
    // Back to what schema 2 held: no copy_of column, no record of how copies were detected.
    const db = new Database(storePaths(ws.config()).database);
    db.exec(`ALTER TABLE articles DROP COLUMN copy_of; DELETE FROM meta WHERE key = 'copy_detection'; PRAGMA user_version = 2;`);
    db.close();

    const report = await index(ws);
    expect(report).toMatchObject({ added: 0, removed: 0, embedded: 0 });
    const snapshot = IndexSnapshot.load(ws.config())!;
    expect(snapshot.summaries().map((a) => [a.id, a.copyOf ?? null])).toEqual([
      ['mali-afp', null],
      ['mali-courrier', 'mali-afp'],
      ['mali-ms', null],
    ]);
    assertConsistent(ws.config());
  });

  it('adds an article by comparing it through the stored shingles, which go with their article when it is removed', async () => {
    const ws = workspace();
    await index(ws);
    await addCopy(ws);
    const shingleSets = () => {
      const db = new Database(storePaths(ws.config()).database, { readonly: true });
      try {
        const sets = db.prepare('SELECT article_id, size FROM shingle_sets ORDER BY article_id').all() as { article_id: string; size: number }[];
        const rows = db.prepare('SELECT COUNT(*) FROM article_shingles').pluck().get() as number;
        return { ids: sets.map((s) => s.article_id), sizes: sets.reduce((n, s) => n + s.size, 0), rows };
      } finally {
        db.close();
      }
    };
    const before = shingleSets();
    expect(before.ids).toEqual(['mali-afp', 'mali-courrier', 'mali-ms']);
    expect(before.rows).toBe(before.sizes);

    const app = await Depeche.open(ws.config(), { embedder: HASH_SPEC, inlineQueryEmbedder: true });
    try {
      await app.removeArticle('mali-afp');
    } finally {
      await app.close();
    }
    const after = shingleSets();
    expect(after.ids).toEqual(['mali-courrier', 'mali-ms']);
    expect(after.rows).toBe(after.sizes);
    expect(after.rows).toBeLessThan(before.rows);
  });

  it('keeps the direction of a copy added in the same run as its original when every article is compared again', async () => {
    // The copy's file name sorts first; its original was published first. One run decides, and a
    // later full comparison (other detection settings) must decide the same, in the same order.
    const ws = makeWorkspace({ articles: { 'z-mali-afp.md': ORIGINAL_FILE, 'a-mali-courrier.md': COPY_FILE } });
    workspaces.push(ws);
    await index(ws);
    const copyOf = () => IndexSnapshot.load(ws.config())!.summaries().map((a) => [a.id, a.copyOf ?? null]);
    expect(copyOf()).toEqual([
      ['a-mali-courrier', 'z-mali-afp'],
      ['z-mali-afp', null],
    ]);
    const db = new Database(storePaths(ws.config()).database);
    db.exec(`DELETE FROM meta WHERE key = 'copy_detection'`);
    db.close();
    expect(await index(ws)).toMatchObject({ added: 0, updated: 0, removed: 0, embedded: 0 });
    expect(copyOf()).toEqual([
      ['a-mali-courrier', 'z-mali-afp'],
      ['z-mali-afp', null],
    ]);
  });

  it('upgrades a store from before the shingle table (schema 3): fills it once, then finds a new copy through it', async () => {
    const ws = workspace();
    await index(ws);
    const db = new Database(storePaths(ws.config()).database);
    db.exec(`DROP TABLE article_shingles; DROP TABLE shingle_sets; UPDATE meta SET value = '"shingles=5;jaccard>=0.4;own-passages<0.5"' WHERE key = 'copy_detection'; PRAGMA user_version = 3;`);
    db.close();

    expect(await index(ws)).toMatchObject({ added: 0, updated: 0, removed: 0, embedded: 0 });
    const filled = new Database(storePaths(ws.config()).database, { readonly: true });
    try {
      expect(filled.prepare('SELECT article_id FROM shingle_sets ORDER BY article_id').pluck().all()).toEqual(['mali-afp', 'mali-ms']);
      expect(filled.prepare('SELECT COUNT(*) FROM article_shingles').pluck().get()).toBeGreaterThan(100);
    } finally {
      filled.close();
    }
    const result = await addCopy(ws);
    expect(result.added.map((a) => [a.id, a.copyOf])).toEqual([['mali-courrier', 'mali-afp']]);
    assertConsistent(ws.config());
  });
});
