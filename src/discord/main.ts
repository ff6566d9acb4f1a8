/** npm start: runs the Discord bot until SIGINT/SIGTERM. */
import dotenv from 'dotenv';
import { createLogger, parseLevel } from '../log.ts';
import { reportConfigError } from '../settings/report.ts';
import { startBot, type Bot } from './bot.ts';

/** If a clean shutdown hangs, exit anyway rather than linger half-stopped. */
const FORCE_EXIT_MS = 15_000;

dotenv.config({ quiet: true });
const log = createLogger(parseLevel(process.env.LOG_LEVEL ?? 'info'));

// One failed request must never take the bot down.
process.on('unhandledRejection', (reason) => log.error('process.unhandled_rejection', { error: reason }));

let bot: Bot | null = null;
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
process.on('uncaughtException', (error) => {
  log.error('process.uncaught_exception', { error });
  void shutdown('uncaughtException', 1);
});

try {
  bot = await startBot(process.env, { logger: log }); // reads every setting, once
  // A signal that arrived during startup could not stop a bot that did not exist yet.
  if (shuttingDown) await bot.stop().finally(() => process.exit(0));
} catch (error) {
  if (!reportConfigError(error, process.stderr)) log.error('bot.start_failed', { error });
  process.exit(1);
}
