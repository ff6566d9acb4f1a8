/**
 * Starts the bot's own code (startBot, as `npm start` does) with the real discord.js Client against
 * the Discord test double, in a temporary folder: nothing is written into the repository.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBot, type Bot, type BotOptions } from '../../src/discord/bot.ts';
import { createLogger } from '../../src/log.ts';
import { embeddingModel, modelDir } from './shared-data.ts';
import { DiscordDouble, type ApplicationCommandOptionPayload, type DiscordDoubleOptions, type RecordedRequest, type SendSlashCommandOptions, type SentInteraction } from './discord-double.ts';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The offline model (`npm test` instructions); override with MODEL_DIR / EMBEDDING_MODEL. */
export const MODEL_DIR = modelDir();
export const EMBEDDING_MODEL = embeddingModel();

export const ADMIN_PERMISSIONS = '32'; // ManageGuild (0x20)

export interface HarnessOptions {
  /** 'seed': a copy of the repository's corpus; or file name → content. */
  corpus: 'seed' | Record<string, string>;
  /** More articles written beside the corpus (file name → content). */
  extraCorpus?: Record<string, string>;
  /** 'hash' for speed; 'model' for the offline Transformers.js model. */
  embedder: 'hash' | 'model';
  env?: Record<string, string>;
  bot?: BotOptions;
  double?: DiscordDoubleOptions;
}

export interface Harness {
  double: DiscordDouble;
  bot: Bot;
  dir: string;
  corpusDir: string;
  env: Record<string, string>;
  /** Every structured log line the bot wrote, parsed. */
  logs: Record<string, any>[];
  /** Resolves with the first log line, logged already or later, for which `pred` is true. */
  waitForLog(pred: (line: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>;
  stop(): Promise<void>;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'depeche-discord-'));
  const corpusDir = join(dir, 'corpus');
  if (options.corpus === 'seed') cpSync(join(projectRoot, 'corpus'), corpusDir, { recursive: true });
  else {
    mkdirSync(corpusDir);
    for (const [name, content] of Object.entries(options.corpus)) writeFileSync(join(corpusDir, name), content);
  }
  for (const [name, content] of Object.entries(options.extraCorpus ?? {})) writeFileSync(join(corpusDir, name), content);
  const double = await DiscordDouble.start(options.double);
  const env: Record<string, string> = {
    DISCORD_TOKEN: double.token,
    DISCORD_REST_API: double.restUrl,
    CORPUS_DIR: corpusDir,
    EMBEDDINGS_DIR: join(dir, 'embeddings'),
    // The double's server is the operator's own, as in a single-server install: its admins manage
    // the shared library (tests of several servers set HOME_GUILD_ID to '').
    HOME_GUILD_ID: double.guildId,
    ...(options.embedder === 'model' ? { MODEL_DIR, EMBEDDING_MODEL } : {}),
    ...options.env,
  };
  const logs: Record<string, any>[] = [];
  const logWaiters = new Set<(line: Record<string, any>) => void>();
  const logger = createLogger('debug', (line) => {
    const parsed = JSON.parse(line);
    logs.push(parsed);
    for (const w of [...logWaiters]) w(parsed);
  });
  const waitForLog = (pred: (line: Record<string, any>) => boolean, timeoutMs = 20_000): Promise<Record<string, any>> => {
    const existing = logs.find(pred);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        logWaiters.delete(waiter);
        reject(new Error(`no matching log line within ${timeoutMs} ms; last lines:\n${logs.slice(-10).map((l) => JSON.stringify(l)).join('\n')}`));
      }, timeoutMs);
      const waiter = (line: Record<string, any>) => {
        if (!pred(line)) return;
        clearTimeout(timer);
        logWaiters.delete(waiter);
        resolve(line);
      };
      logWaiters.add(waiter);
    });
  };
  let bot: Bot;
  try {
    bot = await startBot(env, {
      logger,
      cwd: dir,
      progressIntervalMs: 100,
      ...(options.embedder === 'hash' ? { depeche: { embedder: { kind: 'hash', dims: 64, maxTokens: 64 }, inlineQueryEmbedder: true } } : {}),
      ...options.bot,
    });
    await bot.startupReindex;
  } catch (error) {
    await double.stop();
    throw error;
  }
  return {
    double,
    bot,
    dir,
    corpusDir,
    env,
    logs,
    waitForLog,
    async stop() {
      await bot.stop(); // destroys the client before the double goes away
      await double.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let userCounter = 0;
/** A fresh member id, so per-user rate limits never leak from one test into another. */
export function newUserId(): string {
  userCounter++;
  return `12000000000000${String(userCounter).padStart(5, '0')}`;
}

export const isOriginalEdit = (double: DiscordDouble, s: SentInteraction) => (r: RecordedRequest) =>
  r.method === 'PATCH' && r.path === `/webhooks/${double.applicationId}/${s.token}/messages/@original`;

export const isCallback = (s: SentInteraction) => (r: RecordedRequest) => r.method === 'POST' && r.path === `/interactions/${s.id}/${s.token}/callback`;

/** Sends a slash command and returns its acknowledgement (callback) request. */
export async function slash(double: DiscordDouble, opts: SendSlashCommandOptions, timeoutMs = 10_000): Promise<{ sent: SentInteraction; callback: RecordedRequest }> {
  const sent = await double.sendSlashCommand(opts);
  const callback = await double.waitForRequest(isCallback(sent), timeoutMs);
  return { sent, callback };
}

/** /ask and the edit that carries the answer. */
export async function ask(double: DiscordDouble, question: string, extra: Partial<SendSlashCommandOptions> = {}, timeoutMs = 20_000) {
  const { sent, callback } = await slash(double, { name: 'ask', options: [{ name: 'question', type: 3, value: question }], userId: newUserId(), ...extra }, timeoutMs);
  const edit = await double.waitForRequest(isOriginalEdit(double, sent), timeoutMs);
  return { sent, callback, edit };
}

/** The JSON payload of a request that creates or edits a message (JSON or multipart). */
export function messagePayload(r: RecordedRequest): any {
  const body = r.body && typeof r.body === 'object' && 'payload_json' in r.body ? r.body.payload_json : r.body;
  if (r.path.endsWith('/callback')) return body?.type === 4 ? body.data : undefined;
  return body;
}

/** Requests that carry message content: channel messages, webhook edits and follow-ups, reply callbacks. */
export function contentRequests(double: DiscordDouble, since = 0): RecordedRequest[] {
  return double.requests.slice(since).filter((r) => {
    const payload = messagePayload(r);
    return payload && typeof payload.content === 'string' && /^\/(channels\/\d+\/messages|webhooks\/|interactions\/)/.test(r.path);
  });
}

/** `/admin <sub> [options]` from a member (no permission unless `memberPermissions` says so). */
export function adminCommand(double: DiscordDouble, sub: string, options: ApplicationCommandOptionPayload[] = [], extra: Partial<SendSlashCommandOptions> = {}) {
  return slash(double, { name: 'admin', options: [{ name: sub, type: 1, options }], userId: newUserId(), ...extra });
}

/** Every edit of an interaction's original response so far. */
export function originalEdits(double: DiscordDouble, s: SentInteraction): RecordedRequest[] {
  return double.requests.filter(isOriginalEdit(double, s));
}

/** GETs of a file the double serves (attachments): who downloaded what. */
export function downloads(double: DiscordDouble): RecordedRequest[] {
  return double.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/attachments/'));
}

/**
 * Discord's limits on one message: content 2 000 characters, 10 embeds, 4 096 per embed
 * description, 6 000 characters over all embeds' text. Returns what a payload breaks.
 */
export function limitProblems(payload: any): string[] {
  const problems: string[] = [];
  const len = (v: unknown) => (typeof v === 'string' ? [...v].length : 0);
  if (len(payload?.content) > 2000) problems.push(`content ${len(payload.content)} > 2000`);
  const embeds: any[] = Array.isArray(payload?.embeds) ? payload.embeds : [];
  if (embeds.length > 10) problems.push(`${embeds.length} embeds > 10`);
  let total = 0;
  for (const e of embeds) {
    if (len(e?.description) > 4096) problems.push(`embed description ${len(e.description)} > 4096`);
    total += len(e?.title) + len(e?.description) + len(e?.footer?.text) + len(e?.author?.name);
    for (const f of e?.fields ?? []) total += len(f?.name) + len(f?.value);
  }
  if (total > 6000) problems.push(`embeds total ${total} > 6000`);
  return problems;
}
