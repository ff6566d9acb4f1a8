/** Many servers: where their libraries live, their quotas, how long a left server's data is kept, who the operator is. */
import { resolve } from 'node:path';
import { settingsReader, type Env } from './read.ts';

/** What one server may use; the operator's shared library has no quota. */
export interface Quotas {
  articles: number;
  /** Bytes of article files stored in the server's corpus folder. */
  bytes: number;
  feeds: number;
  /** Indexations an admin may start per hour (/admin add, remove and reindex each cost one). */
  reindexesPerHour: number;
}

export interface ServerSettings {
  /** servers/<guild id>/corpus and servers/<guild id>/embeddings. */
  serversDir: string;
  quotas: Quotas;
  /** A server the bot left has its library deleted this many days later (0: at once). */
  retentionDays: number;
  /** User ids allowed to manage the shared library, beside the application's owner or team. */
  operatorUserIds: string[];
  /**
   * The operator's own server: its admins manage the shared library with /admin, as before there
   * were libraries per server (HOME_GUILD_ID, default DISCORD_GUILD_ID). Null: none.
   */
  homeGuildId: string | null;
  /** Server libraries kept open at once; the least recently used idle one is closed beyond that. */
  maxOpenLibraries: number;
}

export const DEFAULT_QUOTAS: Quotas = { articles: 500, bytes: 50 * 1024 * 1024, feeds: 5, reindexesPerHour: 20 };

export function loadServerSettings(env: Env, cwd = process.cwd()): ServerSettings {
  const read = settingsReader(env);
  return {
    serversDir: resolve(cwd, read.str('SERVERS_DIR') ?? 'servers'),
    quotas: {
      articles: read.int('SERVER_MAX_ARTICLES', DEFAULT_QUOTAS.articles, 0, 1_000_000),
      bytes: read.int('SERVER_MAX_BYTES', DEFAULT_QUOTAS.bytes, 0, 100 * 1024 ** 3),
      feeds: read.int('SERVER_MAX_FEEDS', DEFAULT_QUOTAS.feeds, 0, 1000),
      reindexesPerHour: read.int('SERVER_MAX_REINDEXES_PER_HOUR', DEFAULT_QUOTAS.reindexesPerHour, 0, 10_000),
    },
    retentionDays: read.num('SERVER_DATA_RETENTION_DAYS', 30, 0, 3650),
    operatorUserIds: read.snowflakes('OPERATOR_USER_IDS', 'user ids'),
    homeGuildId: read.snowflake('HOME_GUILD_ID', 'Discord server id') ?? read.snowflake('DISCORD_GUILD_ID', 'Discord server id'),
    maxOpenLibraries: read.int('MAX_OPEN_LIBRARIES', 200, 1, 100_000),
  };
}
