/**
 * npm start: runs the Discord bot until SIGINT/SIGTERM. One process, as it always did; or, with
 * SHARDS set, a ShardingManager that writes the index (shards/manager.ts) and forks this same file
 * once per shard (discord.js marks those processes with SHARDING_MANAGER).
 */
import { fileURLToPath } from 'node:url';
import dotenv from 'dotenv';
import { createLogger, parseLevel, type Fields, type Logger } from '../log.ts';
import { reportConfigError } from '../settings/report.ts';
import { startBot } from './bot.ts';
import { loadShardSettings } from './shards/config.ts';
import { startShardedBot } from './shards/manager.ts';
import { shardRole } from './shards/reader.ts';

/** If a clean shutdown hangs, exit anyway rather than linger half-stopped. */
const FORCE_EXIT_MS = 15_000;

dotenv.config({ quiet: true });
/** Set in the processes the ShardingManager forks (SHARDS then holds this shard's id, not the setting). */
const shardId = process.env.SHARDING_MANAGER ? process.env.SHARDS : undefined;
const baseLog = createLogger(parseLevel(process.env.LOG_LEVEL ?? 'info'));
const log = shardId === undefined ? baseLog : tagged(baseLog, { shard: Number(shardId) });

// One failed request must never take the bot down.
process.on('unhandledRejection', (reason) => log.error('process.unhandled_rejection', { error: reason }));

let bot: { stop(): Promise<void> } | null = null;
let shuttingDown = false;

async function shutdown(signal: string, code: number): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  log.info('shutdown.signal', { signal });
  setTimeout(() => {
    log.error('shutdown.forced', { ms: FORCE_EXIT_MS });
    process.exit(1);
  }, FORCE_EXIT_MS).unref();
  try {
    await bot?.stop();
  } catch (error) {
    log.error('shutdown.failed', { error });
    code = 1;
  }
  // A reindex worker may still run: it is crash-safe, so exiting here is fine.
  process.exit(code);
}

process.on('SIGINT', () => void shutdown('SIGINT', 0));
process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
// A shard whose manager is gone has no writer and nobody to restart it: it stops.
if (shardId !== undefined) process.on('disconnect', () => void shutdown('manager disconnected', 1));
process.on('uncaughtException', (error) => {
  log.error('process.uncaught_exception', { error });
  void shutdown('uncaughtException', 1);
});

try {
  // Every setting is read here, once.
  const sharding = shardId === undefined ? loadShardSettings(process.env) : null;
  if (sharding) bot = await startShardedBot(process.env, sharding, { file: fileURLToPath(import.meta.url), logger: log });
  else bot = await startBot(process.env, { logger: log, ...(shardId !== undefined ? { shard: shardRole() } : {}) });
  // A signal that arrived during startup could not stop a bot that did not exist yet.
  if (shuttingDown) await bot.stop().finally(() => process.exit(0));
} catch (error) {
  if (!reportConfigError(error, process.stderr)) log.error('bot.start_failed', { error });
  process.exit(1);
}

function tagged(inner: Logger, tag: Fields): Logger {
  return {
    debug: (event, fields) => inner.debug(event, { ...tag, ...fields }),
    info: (event, fields) => inner.info(event, { ...tag, ...fields }),
    warn: (event, fields) => inner.warn(event, { ...tag, ...fields }),
    error: (event, fields) => inner.error(event, { ...tag, ...fields }),
  };
}
