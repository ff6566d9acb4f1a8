/**
 * `npm start` with SHARDS: discord.js's ShardingManager and one process per shard against the
 * Discord double with two servers on two shards. Each shard answers its own server; an article the
 * operator adds to the shared library through one shard (the manager process writes it) is answered through the other; a
 * shard killed with SIGKILL is restarted by the manager while the other keeps answering. Every wait
 * is on an event: a log line of the manager or a shard, or a request the double received.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FROMAGE_ARTICLE, FROMAGE_QUESTION, LUNE_FLAG_QUESTION, luneArticle, VOILE_ARTICLE, VOILE_QUESTION } from './support/articles.ts';
import { ADMIN_PERMISSIONS, adminCommand, ask, EMBEDDING_MODEL, isOriginalEdit, MODEL_DIR, projectRoot } from './support/discord-bot-harness.ts';
import { DiscordDouble, shardOf } from './support/discord-double.ts';
import { jsonLogLines } from './support/json-log.ts';

/** Server A is the double's default server; server B is added, with an id that falls on the other shard. */
/** The bot's operator (OPERATOR_USER_IDS): only they write the shared library from Discord. */
const OPERATOR_ID = '1200000000000000077';
const SERVER_B = { guildId: '1100000000004194304', channelId: '1100000000004194305', name: 'Second server' };

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  stderr: string[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The parent's environment without any Discord or Dépêche setting that could leak in. */
function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(DISCORD_|SHARD|ADMIN_ROLE_IDS|RATE_LIMIT_|MAX_ATTACHMENT|CORPUS_DIR|EMBEDDINGS_DIR|LOG_LEVEL|FEED_|VITEST|NODE_ENV)/.test(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** As `npm start` runs it (package.json: exec node dist/discord/main.js). */
function start(env: NodeJS.ProcessEnv): Run {
  const child = spawn(process.execPath, ['dist/discord/main.js'], { cwd: projectRoot, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const run: Run = { child, stderr: [], exit: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))) };
  child.stderr!.on('data', (b: Buffer) => run.stderr.push(b.toString()));
  return run;
}

/** The structured log lines of the manager and of its shards (they share its stderr; shards' lines carry `shard`). */
function logLines(run: Run): Record<string, any>[] {
  return jsonLogLines(run.stderr);
}

/** Resolves with the first log line (after the first `after` lines) that `pred` accepts. */
function waitForLog(run: Run, what: string, pred: (l: Record<string, any>) => boolean, timeoutMs: number, after = 0): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, line?: Record<string, any>) => {
      clearTimeout(timer);
      run.child.stderr!.off('data', check);
      run.child.off('exit', exited);
      if (error) reject(error);
      else resolve(line!);
    };
    const check = () => {
      const line = logLines(run).slice(after).find(pred);
      if (line) done(null, line);
    };
    const exited = () => done(new Error(`no ${what}: the manager exited; log:\n${run.stderr.join('')}`));
    const timer = setTimeout(() => done(new Error(`no ${what} within ${timeoutMs} ms; log:\n${run.stderr.join('')}`)), timeoutMs);
    run.child.stderr!.on('data', check);
    run.child.on('exit', exited);
    check();
  });
}

/** The shard process that logged the end of this interaction. */
function answeredBy(run: Run, interactionId: string): number | undefined {
  return logLines(run).find((l) => l.event === 'request.done' && l.requestId === interactionId)?.shard;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start with SHARDS', () => {
  it('two shards each answer their server; an article added through one is answered through the other; a killed shard is restarted while the other answers', async () => {
    const double = await DiscordDouble.start({ shards: 2, guilds: [SERVER_B] });
    const shardA = shardOf(double.guildId, 2);
    const shardB = shardOf(SERVER_B.guildId, 2);
    expect(shardA).not.toBe(shardB);
    const inA = { channelId: double.channelId };
    const inB = { channelId: SERVER_B.channelId };

    const dir = mkdtempSync(join(tmpdir(), 'depeche-shards-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'corpus'));
    writeFileSync(join(dir, 'corpus', 'fromage.md'), FROMAGE_ARTICLE);
    writeFileSync(join(dir, 'corpus', 'voile.md'), VOILE_ARTICLE);
    const run = start(
      baseEnv({
        SHARDS: 'auto', // the double recommends 2
        SHARD_SPAWN_DELAY_MS: '0',
        DISCORD_TOKEN: double.token,
        DISCORD_REST_API: double.restUrl,
        CORPUS_DIR: join(dir, 'corpus'),
        EMBEDDINGS_DIR: join(dir, 'embeddings'),
        MODEL_DIR,
        EMBEDDING_MODEL,
        LOG_LEVEL: 'info',
        OPERATOR_USER_IDS: OPERATOR_ID,
      }),
    );
    try {
      const started = await waitForLog(run, 'shards.start', (l) => l.event === 'shards.start', 60_000);
      expect(started).toMatchObject({ shards: 2, auto: true });
      await waitForLog(run, 'shards.ready', (l) => l.event === 'shards.ready', 120_000);
      // The manager built the index; each shard has that generation loaded (when it opened or when announced).
      const built = await waitForLog(run, 'reindex.done', (l) => l.event === 'reindex.done' && l.shard === undefined, 120_000);
      for (const shard of [shardA, shardB]) {
        await waitForLog(run, `generation ${built.generation} in shard ${shard}`, (l) => l.event === 'index.generation_loaded' && l.shard === shard && l.generation === built.generation, 30_000);
      }
      // Discord saw one IDENTIFY per shard, each with its [id, count].
      expect(double.identifies.map((d) => d.shard).sort()).toEqual([
        [0, 2],
        [1, 2],
      ]);

      // Each server is answered, by its own shard.
      const a1 = await ask(double, FROMAGE_QUESTION, inA, 30_000);
      expect(a1.edit.body.content).toContain('71 000 tonnes');
      const b1 = await ask(double, VOILE_QUESTION, inB, 30_000);
      expect(b1.edit.body.content).toContain('onze jours et quatre heures');
      await waitForLog(run, 'request.done of both', (l) => l.event === 'request.done' && l.requestId === b1.sent.id, 10_000);
      expect(answeredBy(run, a1.sent.id)).toBe(shardA);
      expect(answeredBy(run, b1.sent.id)).toBe(shardB);

      // The operator adds an article to the shared library from server B: shard B sends it to the
      // manager, which indexes it (a server's own library would stay in that server).
      const { sent } = await adminCommand(double, 'add', [{ name: 'library', type: 3, value: 'shared' }], {
        ...inB,
        userId: OPERATOR_ID,
        memberPermissions: ADMIN_PERMISSIONS,
        attachments: [{ filename: 'lune.md', data: luneArticle(), optionName: 'file' }],
      });
      const added = await double.waitForRequest((r) => isOriginalEdit(double, sent)(r) && String(r.body?.content).includes('Article ajouté'), 60_000);
      expect(added.status).toBe(200);
      const written = await waitForLog(run, 'the new generation', (l) => l.event === 'reindex.done' && l.shard === undefined && l.generation > built.generation, 10_000);
      // Shard A loads it (announced by the manager) and answers from it.
      const loaded = await waitForLog(run, `generation ${written.generation} in shard ${shardA}`, (l) => l.event === 'index.generation_loaded' && l.shard === shardA && l.generation === written.generation, 10_000);
      console.info(`shard ${shardA} loaded generation ${written.generation} ${Date.parse(loaded.time) - Date.parse(written.time)} ms after the manager committed it (${loaded.why})`);
      const a2 = await ask(double, LUNE_FLAG_QUESTION, inA, 30_000);
      expect(a2.edit.body.content).toContain('drapeau rouge au sommet de la colline Malapert');
      await waitForLog(run, 'request.done', (l) => l.event === 'request.done' && l.requestId === a2.sent.id, 10_000);
      expect(answeredBy(run, a2.sent.id)).toBe(shardA);

      // Shard A's process is killed. The manager sees it die and starts it again; shard B answers meanwhile.
      const readyA = logLines(run).filter((l) => l.event === 'shard.ready' && l.shard === shardA);
      const pidA: number = readyA.at(-1)!.pid;
      const pidB: number = logLines(run).filter((l) => l.event === 'shard.ready' && l.shard === shardB).at(-1)!.pid;
      const mark = logLines(run).length;
      process.kill(pidA, 'SIGKILL');
      const death = await waitForLog(run, 'shard.death', (l) => l.event === 'shard.death' && l.shard === shardA, 10_000, mark);
      expect(death).toMatchObject({ pid: pidA, signal: 'SIGKILL' });
      const killed = Date.now();
      const b2 = await ask(double, FROMAGE_QUESTION, inB, 30_000);
      expect(b2.edit.body.content).toContain('71 000 tonnes');
      const respawned = await waitForLog(run, 'shard.spawn', (l) => l.event === 'shard.spawn' && l.shard === shardA, 30_000, mark);
      expect(respawned.pid).not.toBe(pidA);
      const back = await waitForLog(run, 'shard.ready', (l) => l.event === 'shard.ready' && l.shard === shardA, 60_000, mark);
      console.info(`shard ${shardB} answered ${b2.edit.at - killed} ms after the kill; shard ${shardA} ready again ${Date.parse(back.time) - killed} ms after it`);
      // Recorded order in the manager's log: death, spawn, ready; shard B was never restarted.
      const after = logLines(run).slice(mark);
      const order = ['shard.death', 'shard.spawn', 'shard.ready'].map((e) => after.findIndex((l) => l.event === e && l.shard === shardA));
      expect(order).toEqual([...order].sort((x, y) => x - y));
      expect(after.some((l) => l.event === 'shard.death' && l.shard === shardB)).toBe(false);
      await waitForLog(run, 'request.done', (l) => l.event === 'request.done' && l.requestId === b2.sent.id, 10_000);
      expect(answeredBy(run, b2.sent.id)).toBe(shardB);
      expect(isAlive(pidB)).toBe(true);

      // The restarted shard answers its server, from the index as the writer left it.
      const a3 = await ask(double, LUNE_FLAG_QUESTION, inA, 30_000);
      expect(a3.edit.body.content).toContain('colline Malapert');
      await waitForLog(run, 'request.done', (l) => l.event === 'request.done' && l.requestId === a3.sent.id, 10_000);
      expect(answeredBy(run, a3.sent.id)).toBe(shardA);

      // SIGTERM: the shards stop, then the manager; nothing is left running.
      const pids = [respawned.pid as number, pidB];
      run.child.kill('SIGTERM');
      expect(await run.exit).toEqual({ code: 0, signal: null });
      for (const pid of pids) expect(isAlive(pid), `shard process ${pid} still running`).toBe(false);
      expect(run.stderr.join('')).not.toContain(double.token);
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
      for (const l of logLines(run)) if (l.event === 'shard.spawn' && isAlive(l.pid)) process.kill(l.pid, 'SIGKILL');
      await double.stop();
    }
  }, 300_000);
});
