/**
 * Vector segments through the real indexer (hash embedder, real SQLite, real hnswlib files): a small
 * update writes a delta, a removal leaves a tombstone, compaction merges past its share, and a
 * process loading a new generation reuses the segments it already holds.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Depeche } from '../src/app/depeche.ts';
import { reindex } from '../src/app/indexer.ts';
import { IndexSnapshot } from '../src/app/snapshot.ts';
import { HashEmbedder } from '../src/embed/hash-embedder.ts';
import { COMPACT_SHARE, loadSegments, segmentsOf } from '../src/store/segments.ts';
import { assertConsistent } from './support/index-state.ts';
import { articleName, factQuestion, generatedArticle, uniqueFact } from './support/generated-corpus.ts';
import { HASH_SPEC, makeWorkspace, type Workspace } from './support/workspace.ts';

const workspaces: Workspace[] = [];
afterEach(() => {
  for (const ws of workspaces.splice(0)) ws.cleanup();
});

const embedder = () => new HashEmbedder(64, 64);

async function citedArticles(ws: Workspace, question: string): Promise<string[]> {
  const app = await Depeche.open(ws.config(), { embedder: HASH_SPEC, inlineQueryEmbedder: true });
  try {
    return (await app.ask(question)).citations.map((c) => c.articleId);
  } finally {
    await app.close();
  }
}

describe('vector segments', () => {
  it('adds a delta per small update, filters tombstones, and compacts into one base past its share', async () => {
    const ws = makeWorkspace();
    workspaces.push(ws);
    for (let n = 1; n <= 40; n++) ws.write(articleName(n), generatedArticle(n));
    const first = await reindex(ws.config(), embedder());
    const baseFile = assertConsistent(ws.config()).manifest.indexFile;
    const baseStat = statSync(join(ws.embeddingsDir, baseFile));

    // One article more: only its passages are written, in a second file; the base is not touched.
    ws.write(articleName(41), generatedArticle(41));
    const added = await reindex(ws.config(), embedder());
    expect(added.compaction).toBeUndefined();
    let state = assertConsistent(ws.config());
    expect(state.segments.map((s) => s.file)).toEqual([baseFile, 'index-000002.hnsw']);
    expect(state.segments[1]!.labels.length).toBe(added.passages - first.passages);
    expect(statSync(join(ws.embeddingsDir, baseFile)).mtimeMs).toBe(baseStat.mtimeMs);
    expect(ws.indexFiles()).toEqual([baseFile, 'index-000002.hnsw']);
    expect(await citedArticles(ws, factQuestion(41))).toContain('gen-041');

    // A removal writes no file: its passages become tombstones of the base, never answered.
    ws.remove(articleName(7));
    const removed = await reindex(ws.config(), embedder());
    state = assertConsistent(ws.config());
    expect(segmentsOf(state.manifest)[0]!.dead).toBeGreaterThan(0);
    expect(ws.indexFiles()).toEqual([baseFile, 'index-000002.hnsw']);
    expect(removed.passages).toBe(state.passages.length);
    const snapshot = IndexSnapshot.load(ws.config())!;
    const gone = new Set(state.segments[0]!.labels.filter((l) => !state.passages.some((p) => p.label === l)));
    expect(gone.size).toBe(segmentsOf(state.manifest)[0]!.dead);
    // Searching for every vector the base still holds never returns a tombstone.
    const vector = new HashEmbedder(64, 64);
    const [q] = await vector.embed([uniqueFact(7)], 'query');
    const hits = snapshot.dense.search(q!, 50);
    expect(hits.length).toBe(Math.min(50, state.passages.length));
    expect(hits.filter((h) => gone.has(h.label))).toEqual([]);
    expect(await citedArticles(ws, factQuestion(7))).not.toContain('gen-007');

    // Enough added to pass the share: every segment is merged into a new base, tombstones dropped.
    const live = state.passages.length;
    let n = 42;
    let report = removed;
    while (report.compaction === undefined) {
      ws.write(articleName(n), generatedArticle(n));
      report = await reindex(ws.config(), embedder());
      n++;
      expect(n).toBeLessThan(42 + Math.ceil(live * COMPACT_SHARE) + 2);
    }
    expect(report.compaction).toMatchObject({ kind: 'base', vectors: report.passages });
    state = assertConsistent(ws.config());
    expect(state.segments.length).toBe(1);
    expect(segmentsOf(state.manifest)[0]!.dead).toBe(0);
    expect(ws.indexFiles()).toEqual([state.manifest.indexFile]);
    expect(await citedArticles(ws, factQuestion(n - 1))).toContain(`gen-${String(n - 1).padStart(3, '0')}`);
    expect(await citedArticles(ws, factQuestion(7))).not.toContain('gen-007');
  });

  it('the application answers from a committed update before the compaction that follows it has finished', async () => {
    const ws = makeWorkspace();
    workspaces.push(ws);
    for (let n = 1; n <= 10; n++) ws.write(articleName(n), generatedArticle(n));
    await reindex(ws.config(), embedder());
    for (let n = 11; n <= 20; n++) ws.write(articleName(n), generatedArticle(n)); // a delta as large as the base: compacted
    const app = await Depeche.open(ws.config(), { embedder: HASH_SPEC, inlineQueryEmbedder: true });
    try {
      let returned = false;
      const seen: { phase: string; generation: number | null; returned: boolean }[] = [];
      const job = app.reindex({}, (p) => {
        if (p.phase === 'commit' ? p.done === p.total : p.phase === 'index') seen.push({ phase: p.phase, generation: app.status().generation, returned });
      });
      const report = await job.finally(() => (returned = true));
      expect(report.compaction?.kind).toBe('base');
      // When the commit is reported, the application already answers from a committed update (the
      // worker may have compacted meanwhile: generation 2 or 3), while the reindex call has not
      // returned yet: the compaction's own index phase is reported after it.
      const committed = seen.findIndex((e) => e.phase === 'commit');
      expect(seen[committed]!.generation).toBeGreaterThanOrEqual(2);
      expect(seen[committed]!.returned).toBe(false);
      expect(seen.slice(committed + 1).some((e) => e.phase === 'index')).toBe(true);
      expect(report.generation).toBe(3);
      expect(app.status().generation).toBe(3);
    } finally {
      await app.close();
    }
  });

  it('a process loading a new generation reuses the segments it already holds', async () => {
    const ws = makeWorkspace();
    workspaces.push(ws);
    for (let n = 1; n <= 40; n++) ws.write(articleName(n), generatedArticle(n));
    await reindex(ws.config(), embedder());
    ws.write(articleName(41), generatedArticle(41));
    await reindex(ws.config(), embedder());
    const config = ws.config();
    const before = loadSegments(config.embeddingsDir, segmentsOf(assertConsistent(config).manifest), 64, config.hnsw);

    ws.write(articleName(42), generatedArticle(42));
    await reindex(config, embedder());
    const after = loadSegments(config.embeddingsDir, segmentsOf(assertConsistent(config).manifest), 64, config.hnsw);
    expect(after.length).toBe(3);
    expect(after[0]).toBe(before[0]); // the base, not read again
    expect(after[1]).toBe(before[1]);
    expect(before).not.toContain(after[2]);
  });
});
