/**
 * `npm start` as a real process: the bot (src/discord/main.ts) against the Discord test double,
 * answering, then stopped with SIGTERM; and the clear message when the configuration is missing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ask, EMBEDDING_MODEL, MODEL_DIR, projectRoot } from './support/discord-bot-harness.ts';
import { DiscordDouble, type RecordedRequest } from './support/discord-double.ts';
import { RestGate } from './support/rest-gate.ts';
import { jsonLogLines } from './support/json-log.ts';

const PATENTS = 'Combien de brevets Microsoft a-t-il vendus à Xiaomi ?';
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The parent's environment without any Discord or Dépêche setting that could leak in. */
function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(DISCORD_|ADMIN_ROLE_IDS|RATE_LIMIT_|MAX_ATTACHMENT|CORPUS_DIR|EMBEDDINGS_DIR|LOG_LEVEL|VITEST|NODE_ENV)/.test(k)) continue;
    env[k] = v;
  }
  // dotenv never overrides a variable that is set, even empty: a local .env cannot interfere.
  return { ...env, DISCORD_TOKEN: '', DISCORD_APPLICATION_ID: '', DISCORD_REST_API: '', ...extra };
}

interface Run {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

function npmStart(env: NodeJS.ProcessEnv, script = 'start'): Run {
  const child = spawn('npm', ['--silent', 'run', script], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const run: Run = {
    child,
    stdout: [],
    stderr: [],
    exit: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() }))),
  };
  child.stdout!.on('data', (b: Buffer) => run.stdout.push(b.toString()));
  child.stderr!.on('data', (b: Buffer) => run.stderr.push(b.toString()));
  return run;
}

/** The bot's structured log lines (JSON on stderr), skipping npm's own warnings. */
function logLines(run: Run): Record<string, any>[] {
  return jsonLogLines(run.stderr);
}

/** Resolves with the first `event` log line, checked each time the bot writes to stderr. */
function waitForLog(run: Run, event: string, timeoutMs: number): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, line?: Record<string, any>) => {
      clearTimeout(timer);
      run.child.stderr!.off('data', check);
      run.child.off('exit', exited);
      if (error) reject(error);
      else resolve(line!);
    };
    const failure = (why: string) => new Error(`no "${event}" log line (${why}); stderr:\n${run.stderr.join('')}`);
    // Listeners run in order: the Run's own listener has already recorded this chunk.
    const check = () => {
      const line = logLines(run).find((l) => l.event === event);
      if (line) done(null, line);
    };
    const exited = () => done(failure('the process exited'));
    const timer = setTimeout(() => done(failure(`${timeoutMs} ms`)), timeoutMs);
    run.child.stderr!.on('data', check);
    run.child.on('exit', exited);
    check();
  });
}

describe('npm start', () => {
  it('connects, answers, and on SIGTERM finishes the request in flight, disconnects from Discord and exits 0', async () => {
    const double = await DiscordDouble.start();
    // REST goes through a relay that can hold the double's answers: the request stays in flight until released.
    const gate = await RestGate.start(double.baseUrl);
    const dir = mkdtempSync(join(tmpdir(), 'depeche-start-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'corpus'));
    for (const name of readdirSync(join(projectRoot, 'corpus')).filter((n) => !n.startsWith('README'))) cpSync(join(projectRoot, 'corpus', name), join(dir, 'corpus', name));
    const run = npmStart(
      baseEnv({
        DISCORD_TOKEN: double.token,
        DISCORD_REST_API: gate.restUrl,
        CORPUS_DIR: join(dir, 'corpus'),
        EMBEDDINGS_DIR: join(dir, 'embeddings'),
        MODEL_DIR,
        EMBEDDING_MODEL,
        LOG_LEVEL: 'info',
      }),
    );
    try {
      await double.identified(60_000);
      await waitForLog(run, 'reindex.done', 120_000); // the first start builds the index in the background
      const first = await ask(double, PATENTS);
      expect(first.edit.body.content).toContain('1 500 brevets');

      // A question in flight when the signal arrives is still answered. The double receives the
      // deferral (type 5) but its answer is held, so the bot is still waiting on it when SIGTERM lands.
      gate.holdAnswers((method, path) => method === 'POST' && /^\/interactions\/\d+\/[^/]+\/callback$/.test(path));
      const sent = await double.sendSlashCommand({ name: 'ask', options: [{ name: 'question', type: 3, value: PATENTS }], userId: '1200000000000099999' });
      const isEdit = (r: RecordedRequest) => r.method === 'PATCH' && r.path.includes(`/${sent.token}/messages/@original`);
      const held = await gate.nextHeld();
      expect(held.path).toBe(`/interactions/${sent.id}/${sent.token}/callback`);
      const deferral = double.requests.find((r) => r.path === held.path)!;
      expect(deferral.body.type).toBe(5);
      expect(double.requests.some(isEdit)).toBe(false);

      const signalled = Date.now();
      run.child.kill('SIGTERM');
      // The bot took the signal with the request counted in flight; only then does the deferral's answer reach it.
      expect(await waitForLog(run, 'shutdown.start', 10_000)).toMatchObject({ inFlight: 1 });
      expect(double.requests.some(isEdit)).toBe(false);
      gate.releaseAll();
      const exit = await run.exit;
      console.info(`npm start: exited ${exit.code} ${exit.at - signalled} ms after SIGTERM`);

      expect(exit).toMatchObject({ code: 0, signal: null });
      expect(exit.at - signalled).toBeLessThan(10_000);
      const answered = double.requests.find(isEdit);
      expect(answered?.status).toBe(200);
      expect(answered?.body.content).toContain('1 500 brevets');
      // The client closed its gateway connection (discord.js closes with 1000 when destroyed).
      expect(double.openGatewayConnections).toBe(0);
      const closed = double.gatewayCloses.find((c) => c.code === 1000);
      expect(closed).toBeDefined();
      // Recorded order: deferral received, SIGTERM sent, edit with the answer, gateway closed 1000, exit 0.
      const timeline = [
        ['deferral', deferral.at],
        ['SIGTERM', signalled],
        ['edit', answered!.at],
        ['close 1000', closed!.at],
        ['exit', exit.at],
      ] as const;
      for (let i = 1; i < timeline.length; i++) expect(timeline[i]![1], `${timeline[i - 1]![0]} before ${timeline[i]![0]}`).toBeGreaterThanOrEqual(timeline[i - 1]![1]);
      expect(double.requests.indexOf(answered!)).toBeGreaterThan(double.requests.indexOf(deferral));
      // And in the bot's own log: the signal, then that request done, then shutdown done.
      const lines = logLines(run);
      const events = lines.map((l) => l.event);
      expect(events).toEqual(expect.arrayContaining(['bot.ready', 'shutdown.signal', 'shutdown.start', 'shutdown.done']));
      const requestDone = lines.findIndex((l) => l.event === 'request.done' && l.requestId === sent.id);
      expect(requestDone).toBeGreaterThan(events.indexOf('shutdown.start'));
      expect(events.indexOf('shutdown.start')).toBeGreaterThan(events.indexOf('shutdown.signal'));
      expect(events.indexOf('shutdown.done')).toBeGreaterThan(requestDone);
      expect(logLines(run).find((l) => l.event === 'shutdown.signal')).toMatchObject({ signal: 'SIGTERM' });
      expect(run.stdout.join('') + run.stderr.join('')).not.toContain(double.token);
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
      await gate.stop();
      await double.stop();
    }
  }, 180_000);

  it.each([
    ['DISCORD_TOKEN missing', {}, 'DISCORD_TOKEN', /DISCORD_TOKEN: is required/],
    ['DISCORD_TOKEN malformed', { DISCORD_TOKEN: 'my-very-secret-token-value' }, 'DISCORD_TOKEN', /DISCORD_TOKEN: does not look like a bot token/],
    ['RATE_LIMIT_PER_MINUTE not a number', { DISCORD_TOKEN: 'MTEw.secret-part.xyz', RATE_LIMIT_PER_MINUTE: 'lots' }, 'RATE_LIMIT_PER_MINUTE', /RATE_LIMIT_PER_MINUTE: must be a whole number/],
  ] as const)('%s: one clear message naming the variable, exit non-zero, the token never shown', async (_label, extra, variable, message) => {
    const run = npmStart(baseEnv({ ...extra }));
    const exit = await run.exit;
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    const output = run.stdout.join('') + run.stderr.join('');
    const ours = output.split('\n').filter((l) => l.startsWith('depeche:'));
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatch(message);
    expect(ours[0]).toContain(variable);
    expect(output).not.toContain('my-very-secret-token-value');
    expect(output).not.toContain('secret-part');
    expect(output).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  }, 60_000);

  it('npm run register: the commands go to one server with DISCORD_GUILD_ID, else globally; /admin needs Manage Server and is guild-only', async () => {
    const double = await DiscordDouble.start();
    try {
      const env = { DISCORD_TOKEN: double.token, DISCORD_APPLICATION_ID: double.applicationId, DISCORD_REST_API: double.restUrl };
      const guild = npmStart(baseEnv({ ...env, DISCORD_GUILD_ID: double.guildId }), 'register');
      expect((await guild.exit).code).toBe(0);
      expect(guild.stdout.join('')).toBe('registered /ask, /sources, /timeline, /admin, « Vérifier avec Dépêche » in the server DISCORD_GUILD_ID (available at once)\n');
      const commands = double.guildCommands.get(double.guildId)!;
      expect(commands.map((c) => c.name)).toEqual(['ask', 'sources', 'timeline', 'admin', 'Vérifier avec Dépêche']);
      expect(commands.at(-1)).toMatchObject({ type: 3, contexts: [0] });
      expect(commands.find((c) => c.name === 'admin')).toMatchObject({ default_member_permissions: '32', contexts: [0] });
      expect(double.globalCommands).toEqual([]);

      const global = npmStart(baseEnv(env), 'register');
      expect((await global.exit).code).toBe(0);
      expect(global.stdout.join('')).toContain('globally');
      expect(double.globalCommands.map((c) => c.name)).toEqual(['ask', 'sources', 'timeline', 'admin', 'Vérifier avec Dépêche']);
      expect(guild.stderr.join('') + global.stderr.join('') + guild.stdout.join('')).not.toContain(double.token);

      const missing = npmStart(baseEnv({ DISCORD_TOKEN: double.token, DISCORD_REST_API: double.restUrl }), 'register');
      expect((await missing.exit).code).not.toBe(0);
      expect(missing.stderr.join('')).toMatch(/depeche: configuration error: DISCORD_APPLICATION_ID: is required to register commands/);
    } finally {
      await double.stop();
    }
  }, 60_000);
});
