/**
 * Incremental indexing against real files, a real SQLite store and real hnswlib indexes in temp
 * folders, with the small deterministic HashEmbedder instead of the model.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BusyError, Depeche } from '../src/app/depeche.ts';
import { reindex, type ReindexReport } from '../src/app/indexer.ts';
import { IndexSnapshot } from '../src/app/snapshot.ts';
import type { Answer } from '../src/core/types.ts';
import type { EmbedderSpec } from '../src/embed/embedder.ts';
import { HashEmbedder } from '../src/embed/hash-embedder.ts';
import { LockedError } from '../src/store/lock.ts';
import { CorruptIndexError } from '../src/store/vector-index.ts';
import {
  FROMAGE_ARTICLE,
  FROMAGE_QUESTION,
  LUNE_FLAG_QUESTION,
  LUNE_FLAG_SENTENCE,
  LUNE_PARAGRAPHS,
  LUNE_ROCKS_QUESTION,
  luneArticle,
  VOILE_ARTICLE,
  VOILE_QUESTION,
} from './support/articles.ts';
import { assertConsistent, storedTexts } from './support/index-state.ts';
import { exited, holdLock } from './support/lock-holder.ts';
import { HASH_SPEC, makeWorkspace, markdown, type Workspace } from './support/workspace.ts';

const MICROSOFT_QUESTION = 'Combien de brevets Microsoft a-t-il vendus à Xiaomi ?';

const workspaces: Workspace[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const ws of workspaces.splice(0)) ws.cleanup();
});

/** The seed corpus plus three hand-written articles. */
function workspace(): Workspace {
  const ws = makeWorkspace({
    seed: true,
    articles: { 'lune.md': luneArticle(), 'fromage.md': FROMAGE_ARTICLE, 'voile.md': VOILE_ARTICLE },
  });
  workspaces.push(ws);
  return ws;
}

const embedder = (dims = 64) => new HashEmbedder(dims, 64);

function index(ws: Workspace, options: { full?: boolean } = {}, dims = 64): Promise<ReindexReport> {
  return reindex(ws.config(), embedder(dims), options);
}

/** Asks through the application, as a front end does (fresh snapshot from disk). */
async function ask(ws: Workspace, question: string, spec: EmbedderSpec = HASH_SPEC): Promise<Answer> {
  const app = await Depeche.open(ws.config(), { embedder: spec, inlineQueryEmbedder: true });
  try {
    const answer = await app.ask(question);
    const texts = storedTexts(ws.config());
    // Whatever the question, every quote is verbatim from its article's stored text.
    for (const c of answer.citations) {
      expect(texts.has(c.articleId), `cited article ${c.articleId} is indexed`).toBe(true);
      expect(texts.get(c.articleId)).toContain(c.quote);
    }
    return answer;
  } finally {
    await app.close();
  }
}

const quotes = (a: Answer) => a.citations.map((c) => c.quote);

describe('reindex: incremental updates', () => {
  it('indexes every article on the first run and answers from it', async () => {
    const ws = workspace();
    const report = await index(ws);
    expect(report).toMatchObject({ generation: 1, articles: 7, added: 7, updated: 0, removed: 0, unchanged: 0, failed: [] });
    const state = assertConsistent(ws.config());
    expect(report.passages).toBe(state.passages.length);
    expect(report.embedded).toBeGreaterThan(7);
    expect(report.embedded).toBeLessThanOrEqual(report.passages);
    expect(ws.indexFiles()).toEqual(['index-000001.hnsw']);

    const answer = await ask(ws, MICROSOFT_QUESTION);
    expect(answer.found).toBe(true);
    expect(quotes(answer).some((q) => q.includes('1 500 brevets'))).toBe(true);
    expect((await ask(ws, FROMAGE_QUESTION)).citations[0]?.quote).toContain('71 000 tonnes');
  });

  it('does nothing on a second run when nothing changed, even if a file was touched', async () => {
    const ws = workspace();
    await index(ws);
    const indexPath = join(ws.embeddingsDir, 'index-000001.hnsw');
    const before = statSync(indexPath).mtimeMs;

    const again = await index(ws);
    expect(again).toMatchObject({ generation: 1, embedded: 0, added: 0, updated: 0, removed: 0, unchanged: 7 });

    // Same bytes, new mtime (a `touch`, a checkout): read, recognised, not re-embedded.
    ws.write('fromage.md', FROMAGE_ARTICLE);
    const touched = await index(ws);
    expect(touched).toMatchObject({ generation: 1, embedded: 0, updated: 0, unchanged: 7 });
    expect(ws.indexFiles()).toEqual(['index-000001.hnsw']);
    expect(statSync(indexPath).mtimeMs).toBe(before);
  });

  it('re-embeds only the changed passages of an edited article; the old text is no longer quoted, the new one is', async () => {
    const ws = workspace();
    await index(ws);
    const before = assertConsistent(ws.config());
    expect(quotes(await ask(ws, LUNE_ROCKS_QUESTION)).some((q) => q.includes('42 kilogrammes'))).toBe(true);

    // One number changes length: every later passage keeps its text but moves in the file.
    const edited = [...LUNE_PARAGRAPHS];
    edited[1] = edited[1]!.replace('42 kilogrammes', '157 kilogrammes');
    ws.write('lune.md', luneArticle(edited));
    const report = await index(ws);
    expect(report).toMatchObject({ generation: 2, added: 0, updated: 1, removed: 0, unchanged: 6, failed: [] });
    const lunePassages = before.passages.filter((p) => p.articleId === 'lune').length;
    expect(lunePassages).toBeGreaterThan(2);
    expect(report.embedded).toBeGreaterThan(0);
    expect(report.embedded).toBeLessThan(lunePassages);

    const rocks = await ask(ws, LUNE_ROCKS_QUESTION);
    expect(rocks.found).toBe(true);
    expect(quotes(rocks).some((q) => q.includes('157 kilogrammes'))).toBe(true);
    expect(quotes(rocks).some((q) => q.includes('42 kilogrammes'))).toBe(false);
    // A passage after the edit, unchanged in text, is still quoted whole and exactly.
    const flag = await ask(ws, LUNE_FLAG_QUESTION);
    expect(quotes(flag), JSON.stringify(quotes(flag))).toContain(LUNE_FLAG_SENTENCE);

    const after = assertConsistent(ws.config());
    // The other articles were not touched: same passages under the same labels.
    const others = (s: typeof before) => s.passages.filter((p) => p.articleId !== 'lune').map((p) => `${p.label}:${p.text}`);
    expect(others(after)).toEqual(others(before));
  });

  it('keeps when an article entered the corpus apart from its publication date, across edits', async () => {
    const ws = workspace();
    await index(ws);
    const summaries = () => IndexSnapshot.load(ws.config())!.summaries();
    const first = summaries().find((a) => a.id === 'lune')!;
    expect(first.published).toBe('2027-03-14'); // from the article itself
    expect(Date.parse(first.addedAt)).not.toBeNaN();
    // An undated article stays undated: the time it was added is not a publication date.
    const seeds = summaries().filter((a) => /^00\d_/.test(a.id));
    expect(seeds.length).toBe(4);
    for (const a of seeds) expect(a.published).toBeNull();
    ws.write('lune.md', luneArticle(LUNE_PARAGRAPHS.map((p) => p.replace('42 kilogrammes', '43 kilogrammes'))));
    const report = await index(ws);
    expect(report.updated).toBe(1);
    const edited = summaries().find((a) => a.id === 'lune')!;
    expect(edited.addedAt).toBe(first.addedAt);
    expect(edited.published).toBe('2027-03-14');
  });

  it('drops a removed file’s passages from results', async () => {
    const ws = workspace();
    await index(ws);
    expect((await ask(ws, VOILE_QUESTION)).citations.some((c) => c.articleId === 'voile')).toBe(true);

    ws.remove('voile.md');
    const report = await index(ws);
    expect(report).toMatchObject({ generation: 2, removed: 1, articles: 6, embedded: 0 });
    const state = assertConsistent(ws.config());
    expect(state.articles.map((a) => a.id)).not.toContain('voile');
    const answer = await ask(ws, VOILE_QUESTION);
    expect(answer.citations.some((c) => c.articleId === 'voile')).toBe(false);
    expect(answer.found).toBe(false);
  });

  it('re-embeds everything with full: true', async () => {
    const ws = workspace();
    const first = await index(ws);
    const full = await index(ws, { full: true });
    expect(full).toMatchObject({ full: true, rebuiltIndex: true, generation: 2, embedded: first.embedded, reusedVectors: 0, passages: first.passages });
    assertConsistent(ws.config());
    expect(ws.indexFiles()).toEqual(['index-000002.hnsw']);
    expect((await ask(ws, FROMAGE_QUESTION)).found).toBe(true);
  });
});

describe('reindex: malformed articles', () => {
  it('reports each malformed file with its name and reason and indexes the others', async () => {
    const ws = workspace();
    ws.write('binaire.md', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x01, 0x02, 0x00]));
    ws.write('entete.md', '---\ntitle: [pas fermé\nsource: Nulle Part\n---\n\nUn texte qui ne sera jamais lu par personne ici.\n');
    ws.write('vide.txt', '');
    const report = await index(ws);
    const reasons = Object.fromEntries(report.failed.map((f) => [f.file, f.reason]));
    expect(Object.keys(reasons).sort()).toEqual(['binaire.md', 'entete.md', 'vide.txt']);
    expect(reasons['binaire.md']).toEqual({ code: 'binary' });
    expect(reasons['entete.md']).toMatchObject({ code: 'front-matter-syntax' });
    expect(reasons['vide.txt']).toEqual({ code: 'no-text' });
    expect(report).toMatchObject({ articles: 7, added: 7 });
    const state = assertConsistent(ws.config());
    expect(state.articles.map((a) => a.path).sort()).not.toContain('entete.md');
    expect((await ask(ws, FROMAGE_QUESTION)).found).toBe(true);
  });

  it.each([false, true])('keeps the last good version of an article that becomes malformed (full: %s)', async (full) => {
    const ws = workspace();
    await index(ws);
    ws.write('fromage.md', '---\ntitle: "Le comté\nsource: [\n---\n\nTexte abîmé.\n');
    const report = await index(ws, { full });
    expect(report.failed).toEqual([{ file: 'fromage.md', reason: expect.objectContaining({ code: 'front-matter-syntax' }) }]);
    expect(report.notes).toContainEqual({ code: 'kept-previous', file: 'fromage.md' });
    expect(report.articles).toBe(7);
    assertConsistent(ws.config());
    const answer = await ask(ws, FROMAGE_QUESTION);
    expect(answer.citations[0]?.quote).toContain('71 000 tonnes');
    expect(answer.citations[0]?.title).toBe('Le comté bat un record de production');
  });
});

describe('reindex: one at a time', () => {
  it('refuses a second reindex in the same process while one runs (BusyError)', async () => {
    const ws = workspace();
    const app = await Depeche.open(ws.config(), { embedder: HASH_SPEC, inlineQueryEmbedder: true });
    try {
      const first = app.reindex();
      await expect(app.reindex()).rejects.toBeInstanceOf(BusyError);
      await expect(app.addArticles([{ name: 'x.md', bytes: Buffer.from(VOILE_ARTICLE) }])).rejects.toBeInstanceOf(BusyError);
      const report = await first;
      expect(report.added).toBe(7);
      expect((await app.ask(FROMAGE_QUESTION)).found).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('refuses to run while another live process holds the lock, and takes it once that process is killed', async () => {
    const ws = workspace();
    await index(ws);
    ws.write('voile.md', VOILE_ARTICLE.replace('onze jours', 'douze jours'));
    const lockPath = join(ws.embeddingsDir, 'reindex.lock');

    // Another live process holds the lock (the real lock module, in a child process).
    const holder = await holdLock(lockPath);
    children.push(holder);

    const refused = await index(ws).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(LockedError);
    expect((refused as Error).message).toContain(`a reindex is already running (process ${holder.pid},`);
    // Through the application (worker thread), the same refusal with the same type.
    const app = await Depeche.open(ws.config(), { embedder: HASH_SPEC, inlineQueryEmbedder: true });
    try {
      const viaApp = await app.reindex().then(
        () => null,
        (error: unknown) => error,
      );
      expect(viaApp).toBeInstanceOf(LockedError);
      expect((viaApp as Error).message).toContain('already running');
      // Nothing was changed meanwhile: still the first generation, still answering.
      expect(app.status().generation).toBe(1);
      expect((await app.ask(VOILE_QUESTION)).citations[0]?.quote).toContain('onze jours');
    } finally {
      await app.close();
    }
    expect(readFileSync(lockPath, 'utf8')).toContain(String(holder.pid));

    // The holder dies without cleaning up (kill -9): the system released its lock, the next run takes it.
    holder.kill('SIGKILL');
    await exited(holder);
    expect(existsSync(lockPath)).toBe(true); // its note is left behind, and decides nothing
    const report = await index(ws);
    expect(report).toMatchObject({ generation: 2, updated: 1 });
    expect(existsSync(lockPath)).toBe(false);
    expect(quotes(await ask(ws, VOILE_QUESTION)).some((q) => q.includes('douze jours'))).toBe(true);
  });
});

describe('reindex lock: a pid is not an identity', () => {
  it.each([
    ['the test runner itself', () => process.pid],
    ['pid 1 (a container restarted)', () => 1],
  ])('a lock file left naming a live process (%s) does not block a reindex', async (_, pid) => {
    const ws = workspace();
    await index(ws);
    ws.write('voile.md', VOILE_ARTICLE.replace('onze jours', 'douze jours'));
    const lockPath = join(ws.embeddingsDir, 'reindex.lock');
    writeFileSync(lockPath, JSON.stringify({ pid: pid(), since: '2030-01-01T00:00:00.000Z' }));
    const report = await index(ws);
    expect(report).toMatchObject({ updated: 1 });
    expect(existsSync(lockPath)).toBe(false);
    expect(quotes(await ask(ws, VOILE_QUESTION)).some((q) => q.includes('douze jours'))).toBe(true);
  });
});

describe('RETENTION_DAYS', () => {
  const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
  const OLD = markdown(
    { title: 'Un vieux record de la filière du comté', source: 'La Gazette du Jura', published: daysAgo(400) },
    'Les fruitières ont produit 52 000 tonnes de comté cette année-là, un chiffre jamais vu.',
  );
  const RECENT = markdown(
    { title: 'Le comté bat un record de production', source: 'La Gazette du Jura', published: daysAgo(5) },
    'La filière du comté a produit 71 000 tonnes de fromage cette année, un record historique.',
  );
  const UNDATED = markdown({ title: 'Les fromagers du Jura recrutent' }, 'Les fruitières du massif jurassien ont recruté quatre cents fromagers.');

  it('drops articles published more than N days ago at reindex (undated ones: by when they were added); files stay unless asked', async () => {
    const ws = makeWorkspace({ articles: { 'vieux.md': OLD, 'recent.md': RECENT, 'sans-date.md': UNDATED } });
    workspaces.push(ws);
    const first = await reindex(ws.config(), embedder());
    expect(first.articles).toBe(3);
    const question = 'Combien de tonnes de comté les fruitières ont-elles produit ?';
    expect((await ask(ws, question)).citations.map((c) => c.articleId)).toContain('vieux');

    const config = { ...ws.config(), retentionDays: 30 };
    const report = await reindex(config, embedder());
    expect(report).toMatchObject({ articles: 2, removed: 1, expired: { articles: 1, filesDeleted: false } });
    assertConsistent(config);
    expect(IndexSnapshot.load(config)!.summaries().map((a) => a.id).sort()).toEqual(['recent', 'sans-date']);
    const answer = await ask(ws, question);
    expect(answer.citations.map((c) => c.articleId)).not.toContain('vieux');
    expect(quotes(answer).some((q) => q.includes('71 000 tonnes'))).toBe(true);
    expect(existsSync(join(ws.corpusDir, 'vieux.md'))).toBe(true);

    // Asked to, the reindex also deletes the expired file; the undated article added today stays.
    const deleting = await reindex(config, embedder(), { deleteExpired: true });
    expect(deleting.expired).toEqual({ articles: 1, filesDeleted: true });
    expect(existsSync(join(ws.corpusDir, 'vieux.md'))).toBe(false);
    expect(existsSync(join(ws.corpusDir, 'sans-date.md'))).toBe(true);
    expect((await reindex(config, embedder())).expired).toBeUndefined();
  });
});

describe('addArticles', () => {
  it('stores a file given with metadata as Markdown whose indexed text is exactly the text given', async () => {
    const ws = makeWorkspace({ articles: { 'voile.md': VOILE_ARTICLE } });
    workspaces.push(ws);
    // Plain text a Markdown reader would take for a heading, a list and emphasis.
    const text = [
      'Le phare de Kerbel rouvre ses portes au public',
      '',
      '# 1 : la lanterne, restaurée par *trois* artisans de la_commune, brille à nouveau.',
      '- Les visites du phare reprennent le samedi, à [10 h] précises.',
    ].join('\n');
    const app = await Depeche.open(ws.config(), { embedder: HASH_SPEC, inlineQueryEmbedder: true });
    try {
      const result = await app.addArticles([{ name: 'phare.txt', bytes: Buffer.from(text), overrides: { source: 'Ouest-Test', published: '2024-06-01' } }]);
      expect(result.failed).toEqual([]);
      expect(result.added.map((a) => [a.path, a.title, a.source, a.published])).toEqual([['phare.md', 'Le phare de Kerbel rouvre ses portes au public', 'Ouest-Test', '2024-06-01']]);
      const stored = storedTexts(ws.config()).get('phare')!;
      expect(stored).toContain('# 1 : la lanterne, restaurée par *trois* artisans de la_commune, brille à nouveau.');
      expect(stored).toContain('- Les visites du phare reprennent le samedi, à [10 h] précises.');
      expect(readFileSync(join(ws.corpusDir, 'phare.md'), 'utf8')).toMatch(/^---\ntitle: "Le phare de Kerbel rouvre ses portes au public"\nsource: "Ouest-Test"\npublished: "2024-06-01"\n---\n/);
    } finally {
      await app.close();
    }
  });

  it('puts the corpus folder back as it was when indexing fails', async () => {
    const ws = makeWorkspace({ articles: { 'voile.md': VOILE_ARTICLE } });
    workspaces.push(ws);
    await index(ws);
    children.push(await holdLock(join(ws.embeddingsDir, 'reindex.lock')));
    const app = await Depeche.open(ws.config(), { embedder: HASH_SPEC, inlineQueryEmbedder: true });
    try {
      const replaced = VOILE_ARTICLE.replace('onze jours', 'douze jours');
      const adding = app.addArticles([
        { name: 'fromage.md', bytes: Buffer.from(FROMAGE_ARTICLE) },
        { name: 'voile.md', bytes: Buffer.from(replaced), replace: true },
      ]);
      await expect(adding).rejects.toBeInstanceOf(LockedError);
      expect(existsSync(join(ws.corpusDir, 'fromage.md'))).toBe(false);
      expect(readFileSync(join(ws.corpusDir, 'voile.md'), 'utf8')).toBe(VOILE_ARTICLE);
      await expect(app.removeArticle('voile')).rejects.toBeInstanceOf(LockedError);
      expect(readFileSync(join(ws.corpusDir, 'voile.md'), 'utf8')).toBe(VOILE_ARTICLE);
      expect(app.status().generation).toBe(1);
    } finally {
      await app.close();
    }
  });
});

describe('reindex: model and index file', () => {
  it('rebuilds everything, with a note, when the index was built with another model', async () => {
    const ws = workspace();
    const first = await index(ws, {}, 64);
    const report = await index(ws, {}, 32);
    expect(report.model).toBe('hash-32');
    expect(report.rebuiltIndex).toBe(true);
    expect(report.embedded).toBe(first.embedded);
    expect(report.notes).toContainEqual({ code: 'model-changed', from: 'hash-64', to: 'hash-32' });
    const state = assertConsistent(ws.config());
    expect(state.manifest).toMatchObject({ model: 'hash-32', dims: 32, generation: 2 });
    expect(state.passages.length).toBe(first.passages);
    const answer = await ask(ws, MICROSOFT_QUESTION, { kind: 'hash', dims: 32, maxTokens: 64 });
    expect(quotes(answer).some((q) => q.includes('1 500 brevets'))).toBe(true);
  });

  it('refuses a corrupted index file and rebuilds it from the stored vectors without embedding', async () => {
    const ws = workspace();
    const first = await index(ws);
    const path = join(ws.embeddingsDir, 'index-000001.hnsw');
    const bytes = readFileSync(path);
    for (const at of [100, 2000, bytes.length - 10]) bytes[at] = bytes[at]! ^ 0xff;
    writeFileSync(path, bytes);

    expect(() => IndexSnapshot.load(ws.config())).toThrow(CorruptIndexError);
    expect(() => IndexSnapshot.load(ws.config())).toThrow(/checksum mismatch/);
    // The application does not crash on it: it says the corpus is not indexed.
    const broken = await ask(ws, FROMAGE_QUESTION);
    expect(broken.found).toBe(false);
    expect(broken.answer).toMatch(/pas encore indexé/);

    const report = await index(ws);
    expect(report).toMatchObject({ embedded: 0, rebuiltIndex: true, generation: 2, passages: first.passages });
    expect(report.reusedVectors).toBe(first.embedded);
    expect(report.notes).toContainEqual({ code: 'index-rebuilt', detail: expect.stringMatching(/checksum mismatch/) });
    assertConsistent(ws.config());
    expect(ws.indexFiles()).toEqual(['index-000002.hnsw']);
    expect((await ask(ws, FROMAGE_QUESTION)).citations[0]?.quote).toContain('71 000 tonnes');
  });
});
