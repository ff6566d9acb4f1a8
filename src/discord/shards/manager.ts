/**
 * `npm start` with SHARDS set: this process runs discord.js's ShardingManager (one process per
 * shard, restarted when it dies) and is the one process that writes the index: it builds a missing
 * or stale index at start, polls the feeds, and runs the writes shards ask for (rpc.ts). After each
 * of them, and whenever its committed generation changes, it tells every shard.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { REST, Routes, ShardingManager, type Shard } from 'discord.js';
import { Depeche } from '../../app/depeche.ts';
import type { ReindexReport } from '../../app/indexer.ts';
import { loadConfig } from '../../config.ts';
import { loadIngestSettings } from '../../ingest/config.ts';
import { FeedService } from '../../ingest/feeds/service.ts';
import { closeFetchAgents } from '../../ingest/fetch.ts';
import type { Logger } from '../../log.ts';
import type { Env } from '../../settings/read.ts';
import { loadDiscordConfig } from '../config.ts';
import { fitQuote } from '../render.ts';
import type { StateMessage } from './protocol.ts';
import { serve } from './rpc.ts';
import type { ShardSettings } from './config.ts';
import { localWriter, WRITER_SHAPE } from './writer-api.ts';

export interface ShardedBot {
  manager: ShardingManager;
  depeche: Depeche;
  startupReindex: Promise<ReindexReport | null>;
  /** Stops the shards (SIGTERM, so each finishes its requests), then the writer. */
  stop(): Promise<void>;
}

/** How often the writer checks whether its committed generation changed (feed polls, the CLI). */
const ANNOUNCE_CHECK_MS = 1000;
const SHARD_STOP_MS = 10_000;

export async function startShardedBot(env: Env, settings: ShardSettings, options: { file: string; logger: Logger; execArgv?: string[] }): Promise<ShardedBot> {
  const log = options.logger;
  const discord = loadDiscordConfig(env, 'start');
  const config = loadConfig(env);
  const ingest = loadIngestSettings(env);
  const rest = new REST(discord.restApi ? { api: discord.restApi } : {}).setToken(discord.token);
  const depeche = await Depeche.open(config, { logger: log });
  const feeds = FeedService.open(depeche, ingest, {
    log,
    ...(discord.feedNoticeChannelId ? { onNotice: restNotice(rest, discord.feedNoticeChannelId, log) } : {}),
  });
  const totalShards = settings.count === 'auto' ? await recommendedShards(rest) : settings.count;
  const manager = new ShardingManager(options.file, { totalShards, token: discord.token, respawn: true, mode: 'process', execArgv: options.execArgv ?? process.execArgv });

  let announced: StateMessage | null = null;
  const state = (): StateMessage => ({ depeche: 'state', generation: depeche.generation, busy: depeche.isReindexing });
  const send = (shard: Shard, message: unknown) => {
    if (!shard.process?.connected) return; // dead or respawning: it reads the generation when it starts
    shard.send(message).catch((error: unknown) => log.warn('shard.send_failed', { shard: shard.id, error }));
  };
  const announce = () => {
    const now = state();
    if (announced && now.generation === announced.generation && now.busy === announced.busy) return;
    announced = now;
    for (const shard of manager.shards.values()) send(shard, now);
  };
  const handle = serve(localWriter(depeche, feeds), WRITER_SHAPE, {
    changed: announce,
    onError: (method, error) => log.warn('writer.call_failed', { method, error }),
  });

  manager.on('shardCreate', (shard) => {
    // mode 'process': each shard is a ChildProcess.
    shard.on('spawn', (child) => {
      log.info('shard.spawn', { shard: shard.id, pid: (child as ChildProcess).pid });
      send(shard, state());
    });
    shard.on('ready', () => log.info('shard.ready', { shard: shard.id, pid: shard.process?.pid }));
    shard.on('death', (child) => {
      const { pid, exitCode, signalCode } = child as ChildProcess;
      log.warn('shard.death', { shard: shard.id, pid, exitCode, signal: signalCode });
    });
    shard.on('error', (error) => log.error('shard.error', { shard: shard.id, error }));
    shard.on('message', (message: unknown) => handle(message, (reply) => send(shard, reply)));
  });

  // The writer's own index: built when missing or stale, refreshed when the command line commits one.
  const startupReindex = depeche.needsReindex() ? depeche.reindex().catch(() => null) : Promise.resolve(null);
  void startupReindex.then(announce);
  const watch = setInterval(() => {
    try {
      depeche.refresh();
    } catch (error) {
      log.error('index.refresh_failed', { error });
    }
    announce();
  }, ANNOUNCE_CHECK_MS);
  watch.unref();
  feeds.start();

  log.info('shards.start', { shards: totalShards, auto: settings.count === 'auto' });
  const stop = async () => {
    manager.respawn = false;
    clearInterval(watch);
    await Promise.all([...manager.shards.values()].map((shard) => stopShard(shard, log)));
    await feeds.close();
    await closeFetchAgents();
    await depeche.close();
  };
  try {
    await manager.spawn({ amount: totalShards, delay: settings.spawnDelayMs, timeout: 60_000 });
  } catch (error) {
    await stop();
    throw error;
  }
  log.info('shards.ready', { shards: totalShards });
  return { manager, depeche, startupReindex, stop };
}

/** SIGTERM: the shard finishes its requests and exits (main.ts); killed if it does not in time. */
async function stopShard(shard: Shard, log: Logger): Promise<void> {
  const child = shard.process;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    log.warn('shard.stop_forced', { shard: shard.id, ms: SHARD_STOP_MS });
    child.kill('SIGKILL');
  }, SHARD_STOP_MS);
  await exited;
  clearTimeout(timer);
}

/** Discord's recommended shard count (GET /gateway/bot), from the configured REST API. */
async function recommendedShards(rest: REST): Promise<number> {
  const body = (await rest.get(Routes.gatewayBot())) as { shards?: unknown };
  if (typeof body.shards !== 'number' || !Number.isInteger(body.shards) || body.shards < 1) throw new Error('GET /gateway/bot did not give a shard count');
  return body.shards;
}

/** The writer has no gateway connection: feed notices are posted over REST. */
function restNotice(rest: REST, channelId: string, log: Logger): (line: string) => Promise<void> {
  return async (line) => {
    try {
      await rest.post(Routes.channelMessages(channelId), { body: { content: fitQuote(line, 1900), allowed_mentions: { parse: [] } } });
    } catch (error) {
      log.warn('feed.notice.failed', { channelId, error });
    }
  };
}

