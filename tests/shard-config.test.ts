/** SHARDS: unset keeps one process; `auto` or a count starts the ShardingManager; anything else is a clear configuration error. */
import { describe, expect, it } from 'vitest';
import { loadShardSettings } from '../src/discord/shards/config.ts';
import { ConfigError } from '../src/settings/read.ts';

describe('SHARDS', () => {
  it('unset or blank: no sharding, the bot runs in one process as before', () => {
    expect(loadShardSettings({})).toBeNull();
    expect(loadShardSettings({ SHARDS: '  ' })).toBeNull();
  });

  it('auto (any case) or a whole number; logins spaced 5.5 s unless SHARD_SPAWN_DELAY_MS says otherwise', () => {
    expect(loadShardSettings({ SHARDS: 'Auto' })).toEqual({ count: 'auto', spawnDelayMs: 5500 });
    expect(loadShardSettings({ SHARDS: '3', SHARD_SPAWN_DELAY_MS: '0' })).toEqual({ count: 3, spawnDelayMs: 0 });
  });

  it.each(['0', '-2', '1.5', 'two', 'true'])('SHARDS=%s is refused, naming the variable', (value) => {
    let error: unknown;
    try {
      loadShardSettings({ SHARDS: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(`SHARDS: must be auto or a whole number of shards from 1 to 10000, got "${value}"`);
  });
});
