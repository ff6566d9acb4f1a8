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
import { EMBED_CHUNK } from '../src/app/indexer.ts';
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
      expect(recovered.manifest.generation).toBe(2);
      // Nothing of the interrupted run is left behind: no orphan index file, no unused vectors.
      expect(ws.indexFiles()).toEqual([recovered.manifest.indexFile]);
      const cache = cacheStats(ws.config());
      expect(cache.vectors).toBe(cache.passageTexts);
      expect(existsSync(join(ws.embeddingsDir, 'reindex.lock'))).toBe(false);
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
});
