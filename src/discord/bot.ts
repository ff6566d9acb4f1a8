/** The bot's startable part: used by main.ts (npm start) and by the end-to-end tests in-process. */
import { Events, type Client } from 'discord.js';
import { Depeche, type DepecheOptions } from '../app/depeche.ts';
import type { ReindexProgress, ReindexReport } from '../app/indexer.ts';
import { loadConfig } from '../config.ts';
import { Libraries } from '../app/libraries.ts';
import { loadIngestSettings } from '../ingest/config.ts';
import { loadServerSettings } from '../settings/servers.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { Env } from '../settings/read.ts';
import { createClient } from './client.ts';
import { commands } from './commands/index.ts';
import { loadDiscordConfig } from './config.ts';
import { Conversations } from './conversation.ts';
import { FeedbackStore } from '../store/feedback-store.ts';
import { QuestionLog } from '../store/question-log.ts';
import type { BotContext, BotSettings } from './context.ts';
import { onInteractionCreate } from './events/interaction-create.ts';
import { onMessageCreate } from './events/message-create.ts';
import { channelNotice, FeedPoller } from './feed-poller.ts';
import { InFlight } from './in-flight.ts';
import { LibraryFeeds } from './library-feeds.ts';
import { Operators } from './operators.ts';
import { RateLimiter } from './rate-limit.ts';
import type { ShardRole } from './shards/reader.ts';
import type { BotFeeds } from './shards/writer-api.ts';

export interface BotOptions extends Partial<BotSettings> {
  /** Embedder choice for Depeche (tests use the hash embedder); the logger comes from `logger`. */
  depeche?: Omit<DepecheOptions, 'logger'>;
  logger?: Logger;
  /** Relative CORPUS_DIR / EMBEDDINGS_DIR / MODEL_DIR are resolved from here. */
  cwd?: string;
  /** How long shutdown waits for requests being answered. */
  shutdownGraceMs?: number;
  /** How often the feed poller looks for due feeds (tests); default: the poll interval, at most a minute. */
  feedTickMs?: number;
  /** In a shard process (shards/): writes and feeds go to the process that writes the index. */
  shard?: ShardRole;
}

export interface Bot {
  client: Client<true>;
  depeche: Depeche;
  /** The reindex started because the index was missing or stale (null when it was fresh). */
  startupReindex: Promise<ReindexReport | null>;
  /** Stops taking work, waits for requests in flight (bounded), closes the index, destroys the client. */
  stop(): Promise<void>;
}

const DEFAULTS: BotSettings = { progressIntervalMs: 3000, downloadTimeoutMs: 15_000 };
/** Depeche.close() waits for a running reindex; a reindex is crash-safe, so shutdown does not wait long. */
const CLOSE_TIMEOUT_MS = 2000;
const PROGRESS_LOG_MS = 5000;
const PURGE_INTERVAL_MS = 24 * 60 * 60 * 1000;

/** Every setting is read from `env` here, once, and passed down from here. */
export async function startBot(env: Env, options: BotOptions = {}): Promise<Bot> {
  const log = options.logger ?? silentLogger;
  // Configuration errors surface before anything is opened.
  const discord = loadDiscordConfig(env, 'start');
  const config = loadConfig(env, options.cwd);
  const ingest = loadIngestSettings(env);
  const servers = loadServerSettings(env, options.cwd);
  const opened = await Depeche.open(config, { preloadModel: true, ...options.depeche, logger: log });
  // In a shard, the shared library's writes and feeds go to the process that writes it (shards/).
  const shard = options.shard?.attach(opened, log);
  const depeche = shard?.depeche ?? opened;
  const client = createClient(discord);
  const feeds: BotFeeds =
    shard?.feeds ??
    new FeedPoller(depeche, ingest, {
      log,
      tickMs: options.feedTickMs,
      notice: discord.feedNoticeChannelId ? channelNotice(client, discord.feedNoticeChannelId, log) : null,
    });
  let libraryFeeds: LibraryFeeds | null = null;
  // A server's library is written by the one process Discord routes that server to (its shard).
  const libraries = new Libraries(depeche, {
    config,
    settings: servers,
    depeche: { ...options.depeche, logger: log },
    onClose: (guildId) => libraryFeeds?.stop(guildId) ?? Promise.resolve(),
    keepOpen: (guildId) => libraryFeeds?.follows(guildId) ?? false,
  });
  libraryFeeds = new LibraryFeeds(feeds, client, libraries, ingest, { log, tickMs: options.feedTickMs });
  const ctx: BotContext = {
    depeche,
    library: null,
    libraries,
    libraryFeeds,
    operators: new Operators(client, servers.operatorUserIds, log),
    servers,
    config: discord,
    ingest,
    feeds,
    log,
    limiter: new RateLimiter(discord.rateLimit.perWindow, discord.rateLimit.windowMs),
    inFlight: new InFlight(),
    conversations: new Conversations(),
    feedback: FeedbackStore.open(FeedbackStore.pathIn(config.embeddingsDir), discord.questionLogDays),
    questionLog: QuestionLog.open(QuestionLog.pathIn(config.embeddingsDir), discord.questionLogDays),
    settings: { progressIntervalMs: options.progressIntervalMs ?? DEFAULTS.progressIntervalMs, downloadTimeoutMs: options.downloadTimeoutMs ?? DEFAULTS.downloadTimeoutMs },
  };

  const startupReindex = shard ? Promise.resolve(null) : backgroundReindex(depeche, log);
  client.on(Events.InteractionCreate, onInteractionCreate(ctx, commands));
  client.on(Events.MessageCreate, onMessageCreate(ctx, client));
  // discord.js emits GuildDelete only when the bot was removed (an outage is GuildUnavailable).
  client.on(Events.GuildDelete, (guild) => void onGuildLeft(ctx, guild.id));
  client.on(Events.GuildCreate, (guild) => libraries.markPresent(guild.id));
  // discord.js reconnects by itself; these are logged so they never surface as unhandled errors.
  client.on(Events.Error, (error) => log.error('discord.error', { error }));
  client.on(Events.Warn, (message) => log.warn('discord.warn', { message }));
  client.on(Events.ShardDisconnect, (event, shardId) => log.warn('discord.disconnect', { shardId, code: event.code }));
  client.on(Events.ShardResume, (shardId, replayed) => log.info('discord.resume', { shardId, replayed }));

  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  try {
    await client.login(discord.token);
    if (!client.isReady()) await ready;
  } catch (error) {
    await client.destroy();
    await libraryFeeds.stopAll();
    await libraries.closeAll();
    await withTimeout(depeche.close(), CLOSE_TIMEOUT_MS);
    throw error;
  }
  const user = client.user!;
  log.info('bot.ready', { userId: user.id, username: user.username, guilds: client.guilds.cache.size });
  await libraryFeeds.start();
  // Libraries of servers left more than SERVER_DATA_RETENTION_DAYS ago: deleted now, then daily.
  const purgeExpired = () =>
    libraries.purgeExpired().then(
      (purged) => purged.length > 0 && log.info('servers.purged', { guildIds: purged, retentionDays: servers.retentionDays }),
      (error: unknown) => log.error('servers.purge_failed', { error }),
    );
  await purgeExpired();
  const purgeTimer = setInterval(() => void purgeExpired(), PURGE_INTERVAL_MS).unref();

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      log.info('shutdown.start', { inFlight: ctx.inFlight.size });
      const finished = await ctx.inFlight.drain(options.shutdownGraceMs ?? 5000);
      if (!finished) log.warn('shutdown.requests_cut', { inFlight: ctx.inFlight.size });
      if (depeche.isReindexing) log.warn('shutdown.reindex_interrupted', { note: 'the previous index stays usable; the next start resumes the work' });
      clearInterval(purgeTimer);
      await libraryFeeds.stopAll(); // before the indexes close: a poll in progress may be adding articles
      await libraries.closeAll();
      const closed = await withTimeout(depeche.close(), CLOSE_TIMEOUT_MS);
      if (!closed) log.warn('shutdown.close_timeout', { ms: CLOSE_TIMEOUT_MS });
      await client.destroy();
      ctx.feedback.close();
      ctx.questionLog.close();
      log.info('shutdown.done', {});
    })());

  return { client: client as Client<true>, depeche, startupReindex, stop };
}

/** The bot was removed from a server: its library stops being served and waits for its purge. */
async function onGuildLeft(ctx: BotContext, guildId: string): Promise<void> {
  try {
    await ctx.libraries.markLeft(guildId);
    ctx.log.info('server.left', { guildId, deletedInDays: ctx.servers.retentionDays });
    // With SERVER_DATA_RETENTION_DAYS=0 the library goes at once.
    const purged = await ctx.libraries.purgeExpired();
    if (purged.length > 0) ctx.log.info('servers.purged', { guildIds: purged, retentionDays: ctx.servers.retentionDays });
  } catch (error) {
    ctx.log.error('server.left_failed', { guildId, error });
  }
}

/** Updates a missing or stale index in the background; questions get an explanation meanwhile. */
function backgroundReindex(depeche: Depeche, log: Logger): Promise<ReindexReport | null> {
  if (!depeche.needsReindex()) return Promise.resolve(null);
  let lastLog = 0;
  const progress = (p: ReindexProgress) => {
    const now = Date.now();
    if (now - lastLog < PROGRESS_LOG_MS && p.done < p.total) return;
    lastLog = now;
    log.info('reindex.progress', { phase: p.phase, done: p.done, total: p.total });
  };
  log.info('reindex.startup', { reason: 'index missing or stale' });
  // Depeche logs reindex.done / reindex.failed itself.
  return depeche.reindex({}, progress).catch(() => null);
}

async function withTimeout(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
