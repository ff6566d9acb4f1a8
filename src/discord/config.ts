import { ConfigError } from '../config.ts';

/** What the Discord adapter takes from the environment, validated once. */
export interface DiscordConfig {
  /** Never logged, never interpolated into a message. */
  token: string;
  applicationId: string | null;
  /** Register commands in this server only (instant) instead of globally. */
  guildId: string | null;
  /** Members with one of these roles may use /admin even without Manage Server. */
  adminRoleIds: string[];
  rateLimit: { perWindow: number; windowMs: number };
  /** Base URL of the REST API (a rate-limit proxy, the tests' double); null = discord.js default. */
  restApi: string | null;
  maxAttachmentBytes: number;
}

/** `start` needs the token; `register` also needs the application id. */
export type DiscordPurpose = 'start' | 'register';

type Env = Record<string, string | undefined>;

const SNOWFLAKE = /^\d{17,20}$/;
/** A bot token is three dot-separated base64url parts. Checked for shape only, never echoed. */
const TOKEN_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

export function loadDiscordConfig(env: Env, purpose: DiscordPurpose): DiscordConfig {
  const str = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };

  const token = str('DISCORD_TOKEN');
  if (token === undefined) throw new ConfigError('DISCORD_TOKEN', 'is required: the bot token from the Discord developer portal (Bot tab)');
  if (!TOKEN_SHAPE.test(token)) throw new ConfigError('DISCORD_TOKEN', 'does not look like a bot token (three parts separated by dots)');

  const applicationId = snowflake(str('DISCORD_APPLICATION_ID'), 'DISCORD_APPLICATION_ID');
  if (purpose === 'register' && applicationId === null) {
    throw new ConfigError('DISCORD_APPLICATION_ID', 'is required to register commands: the application id from the developer portal (General Information)');
  }

  const adminRoleIds = (str('ADMIN_ROLE_IDS') ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  const badRole = adminRoleIds.find((id) => !SNOWFLAKE.test(id));
  if (badRole !== undefined) throw new ConfigError('ADMIN_ROLE_IDS', `must be role ids separated by commas, got "${badRole}"`);

  const restApi = str('DISCORD_REST_API');
  if (restApi !== undefined && !/^https?:\/\/[^\s]+$/.test(restApi)) {
    throw new ConfigError('DISCORD_REST_API', `must be an http(s) URL such as https://discord.com/api, got "${restApi}"`);
  }

  return {
    token,
    applicationId,
    guildId: snowflake(str('DISCORD_GUILD_ID'), 'DISCORD_GUILD_ID'),
    adminRoleIds,
    rateLimit: {
      perWindow: int(str('RATE_LIMIT_PER_MINUTE'), 'RATE_LIMIT_PER_MINUTE', 6, 0, 10_000),
      windowMs: int(str('RATE_LIMIT_WINDOW_SECONDS'), 'RATE_LIMIT_WINDOW_SECONDS', 60, 1, 86_400) * 1000,
    },
    restApi: restApi?.replace(/\/+$/, '') ?? null,
    maxAttachmentBytes: int(str('MAX_ATTACHMENT_BYTES'), 'MAX_ATTACHMENT_BYTES', 2 * 1024 * 1024, 1, 25 * 1024 * 1024),
  };
}

function snowflake(value: string | undefined, name: string): string | null {
  if (value === undefined) return null;
  if (!SNOWFLAKE.test(value)) throw new ConfigError(name, `must be a Discord id (17 to 20 digits), got "${value}"`);
  return value;
}

function int(raw: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be a whole number between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}
