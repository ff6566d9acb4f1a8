/**
 * Crash safety of the real command line with the real offline model: `reindex` is killed with
 * SIGKILL at each failpoint (src/failpoint.ts) in the middle of an update, and the index must stay
 * answerable from one whole generation, then the next run must finish the work.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Depeche } from '../src/app/depeche.ts';
// Vectors the indexer computes per batch before saving them.
import { EMBED_CHUNK, type ReindexReport } from '../src/app/indexer.ts';
import { storePaths } from '../src/app/paths.ts';
import { MetadataStore } from '../src/store/metadata-store.ts';
import { killStrayChildren, parseReport, runCli, startCli } from './support/cli.ts';
import { articleName, factQuestion, generatedArticle, uniqueFact } from './support/generated-corpus.ts';
import { assertConsistent, cacheStats, observable, storedTexts } from './support/index-state.ts';
import { cloneWorkspace, makeWorkspace, type Workspace } from './support/workspace.ts';

const FIRST = Array.from({ length: 12 }, (_, i) => i + 1);
const ADDED = Array.from({ length: 12 }, (_, i) => i + 13);
const EDITED = 3;
const REMOVED = 5;

/** The update every scenario crashes in: 12 articles added, one edited, one removed. */
function applyChange(ws: Workspace): void {
  for (const n of ADDED) ws.write(articleName(n), generatedArticle(n));
  ws.write(articleName(EDITED), generatedArticle(EDITED, 2));
  ws.remove(articleName(REMOVED));
}

const workspaces: Workspace[] = [];
const track = (ws: Workspace) => (workspaces.push(ws), ws);
let base: Workspace;
let before: ReturnType<typeof observable>;
let after: ReturnType<typeof observable>;

beforeAll(async () => {
  // The first version, indexed successfully; every scenario starts from a copy of it.
  base = track(makeWorkspace());
  for (const n of FIRST) base.write(articleName(n), generatedArticle(n));
  const first = await runCli(['reindex'], { env: base.env, cwd: base.root });
  expect(first.code, first.stderr).toBe(0);
  before = observable(assertConsistent(base.config()));

  // What a clean full build of the updated corpus gives: where every recovery must end up.
  const clean = track(makeWorkspace());
  for (const n of FIRST) clean.write(articleName(n), generatedArticle(n));
  applyChange(clean);
  const built = await runCli(['reindex', '--full'], { env: clean.env, cwd: clean.root });
  expect(built.code, built.stderr).toBe(0);
  after = observable(assertConsistent(clean.config()));
  expect(after.articles.length).toBe(FIRST.length + ADDED.length - 1);
}, 120_000);

afterEach(() => killStrayChildren());
afterAll(() => {
  for (const ws of workspaces) ws.cleanup();
});

/** Asks through the application with the real model; every quote must be verbatim from its article. */
async function askAll(ws: Workspace, questions: string[]) {
  const app = await Depeche.open(ws.config());
  try {
    const texts = storedTexts(ws.config());
    const answers = [];
    for (const q of questions) {
      const answer = await app.ask(q);
      for (const c of answer.citations) expect(texts.get(c.articleId) ?? '', `quote from ${c.articleId}`).toContain(c.quote);
      answers.push(answer);
    }
    return { answers, generation: app.status().generation };
  } finally {
    await app.close();
  }
}

const quotes = (a: { citations: { quote: string }[] }) => a.citations.map((c) => c.quote);

/** The report the last run stored (the command line prints a summary without the compaction). */
function lastReport(ws: Workspace): ReindexReport {
  const store = MetadataStore.open(storePaths(ws.config()).database);
  try {
    return store.lastReport<ReindexReport>()!;
  } finally {
    store.close();
  }
}

describe('reindex killed at a failpoint', () => {
  it.each(['after-embed-batch', 'after-index-write', 'after-commit'] as const)(
    'killed %s: answers from one whole generation, and the next run finishes the work',
    async (failpoint) => {
      const ws = track(cloneWorkspace(base));
      applyChange(ws);

      const crash = await runCli(['reindex'], { env: { ...ws.env, DEPECHE_FAILPOINT: failpoint }, cwd: ws.root });
      expect(crash.signal, crash.stderr).toBe('SIGKILL');
      const toEmbed = Number(/embedding passages 0\/(\d+)/.exec(crash.stderr)?.[1]);
      expect(toEmbed).toBeGreaterThan(EMBED_CHUNK); // the update needs more than one batch
      expect(existsSync(join(ws.embeddingsDir, 'reindex.lock'))).toBe(true); // left behind by the dead process

      // After the crash: the previous generation, or the new one once committed; never a mix.
      const committed = failpoint === 'after-commit';
      const crashed = assertConsistent(ws.config());
      expect(observable(crashed)).toEqual(committed ? after : before);
      const { answers, generation } = await askAll(ws, [factQuestion(1), factQuestion(EDITED), factQuestion(20)]);
      expect(generation).toBe(committed ? 2 : 1);
      expect(quotes(answers[0]!)).toContain(uniqueFact(1));
      expect(quotes(answers[1]!)).toContain(uniqueFact(EDITED, committed ? 2 : 1));
      expect(quotes(answers[1]!)).not.toContain(uniqueFact(EDITED, committed ? 1 : 2));
      expect(answers[2]!.citations.some((c) => c.articleId === 'gen-020')).toBe(committed);

      // The next run (stale lock taken over) completes and ends where a clean build ends.
      const recovery = await runCli(['reindex'], { env: ws.env, cwd: ws.root });
      expect(recovery.code, recovery.stderr).toBe(0);
      const report = parseReport(recovery.stdout);
      if (failpoint === 'after-embed-batch') {
        // The batch computed before the crash was kept: only the rest is embedded.
        expect(report.embedded).toBe(toEmbed - EMBED_CHUNK);
      } else {
        expect(report.embedded).toBe(0);
      }
      const recovered = assertConsistent(ws.config());
      expect(observable(recovered)).toEqual(after);
      // Generation 2 adds the update as a delta segment; it is more than a tenth of the base, so
      // generation 3 compacts them into one base (store/segments.ts).
      expect(recovered.manifest.generation).toBe(3);
      expect(lastReport(ws).compaction?.kind).toBe('base');
      // Nothing of the interrupted run is left behind: no orphan index file, no unused vectors.
      expect(ws.indexFiles()).toEqual([recovered.manifest.indexFile]);
      const cache = cacheStats(ws.config());
      expect(cache.vectors).toBe(cache.passageTexts);
      expect(existsSync(join(ws.embeddingsDir, 'reindex.lock'))).toBe(false);
    },
    90_000,
  );
});

describe('reindex killed while compacting its vector segments', () => {
  it.each(['after-compaction-write', 'after-compaction-commit'] as const)(
    'killed %s: the committed update answers, and the next run ends with one base',
    async (failpoint) => {
      const ws = track(cloneWorkspace(base));
      applyChange(ws);
      const crash = await runCli(['reindex'], { env: { ...ws.env, DEPECHE_FAILPOINT: failpoint }, cwd: ws.root });
      expect(crash.signal, crash.stderr).toBe('SIGKILL');

      // The update was committed (generation 2, a base and a delta) before compaction began.
      const committed = failpoint === 'after-compaction-commit';
      const crashed = assertConsistent(ws.config());
      expect(observable(crashed)).toEqual(after);
      expect(crashed.manifest.generation).toBe(committed ? 3 : 2);
      expect(crashed.segments.length).toBe(committed ? 1 : 2);
      const { answers, generation } = await askAll(ws, [factQuestion(EDITED), factQuestion(20)]);
      expect(generation).toBe(committed ? 3 : 2);
      expect(quotes(answers[0]!)).toContain(uniqueFact(EDITED, 2));
      expect(answers[1]!.citations.some((c) => c.articleId === 'gen-020')).toBe(true);

      const recovery = await runCli(['reindex'], { env: ws.env, cwd: ws.root });
      expect(recovery.code, recovery.stderr).toBe(0);
      const report = parseReport(recovery.stdout);
      expect(report.embedded).toBe(0);
      // Killed before its commit, the compaction is done again; after it, nothing is left to merge.
      expect(lastReport(ws).compaction?.kind).toBe(committed ? undefined : 'base');
      const recovered = assertConsistent(ws.config());
      expect(observable(recovered)).toEqual(after);
      expect(recovered.manifest.generation).toBe(3);
      expect(recovered.segments.length).toBe(1);
      // The segments of generation 2 and any half-made base are gone: only the committed base is on disk.
      expect(ws.indexFiles()).toEqual([recovered.manifest.indexFile]);
    },
    90_000,
  );
});

describe('reindex concurrency', () => {
  it('refuses a second reindex while one is running, with a clear message', async () => {
    const ws = track(cloneWorkspace(base));
    applyChange(ws);
    const first = startCli(['reindex'], { env: ws.env, cwd: ws.root });
    await first.waitForStderr(/embedding passages 0\//);
    // Hold the first run mid-embedding, whatever the machine's speed.
    first.child.kill('SIGSTOP');
    try {
      const second = await runCli(['reindex'], { env: ws.env, cwd: ws.root });
      expect(second.code).not.toBe(0);
      expect(second.stderr).toMatch(/already running/);
      expect(second.stdout).toBe('');
    } finally {
      first.child.kill('SIGCONT');
    }
    const done = await first.result;
    expect(done.code, done.stderr).toBe(0);
    expect(observable(assertConsistent(ws.config()))).toEqual(after);
  }, 60_000);

  it('answers `ask` from the committed generation while another process reindexes, saying so on stderr', async () => {
    const ws = track(cloneWorkspace(base));
    applyChange(ws);
    const writer = startCli(['reindex'], { env: ws.env, cwd: ws.root });
    await writer.waitForStderr(/embedding passages 0\//);
    writer.child.kill('SIGSTOP'); // the writer holds the lock mid-run, whatever the machine's speed
    try {
      const reader = await runCli(['ask', '--json', factQuestion(EDITED)], { env: ws.env, cwd: ws.root });
      expect(reader.code, reader.stderr).toBe(0);
      expect(reader.stderr).toMatch(/a reindex is already running.*answering from the committed index \(generation 1\)/);
      const answer = JSON.parse(reader.stdout) as { citations: { quote: string }[] };
      // The committed (first) version of the edited article, not the one being indexed.
      expect(quotes(answer)).toContain(uniqueFact(EDITED, 1));
      expect(quotes(answer)).not.toContain(uniqueFact(EDITED, 2));
    } finally {
      writer.child.kill('SIGCONT');
    }
    const done = await writer.result;
    expect(done.code, done.stderr).toBe(0);
    expect(observable(assertConsistent(ws.config()))).toEqual(after);
  }, 60_000);
});
