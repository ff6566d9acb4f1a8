import { ConfigError, settingsReader, type Env } from '../../settings/read.ts';

/** SHARDS: unset = one process (no ShardingManager); `auto` = Discord's recommended count; or a number. */
export interface ShardSettings {
  count: number | 'auto';
  /** Between two shards' logins: Discord allows one IDENTIFY per 5 s (max_concurrency 1). */
  spawnDelayMs: number;
}

/** Null when SHARDS is unset: the bot runs as today, one process. */
export function loadShardSettings(env: Env): ShardSettings | null {
  const read = settingsReader(env);
  const raw = read.str('SHARDS');
  if (raw === undefined) return null;
  const spawnDelayMs = read.int('SHARD_SPAWN_DELAY_MS', 5500, 0, 60_000);
  if (raw.toLowerCase() === 'auto') return { count: 'auto', spawnDelayMs };
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 1 || count > 10_000) throw new ConfigError('SHARDS', `must be auto or a whole number of shards from 1 to 10000, got "${raw}"`);
  return { count, spawnDelayMs };
}
