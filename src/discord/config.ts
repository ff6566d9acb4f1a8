import { ConfigError, settingsReader, type Env } from '../settings/read.ts';

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
  /** Channel that gets a one-line notice per new article from a feed (null: none). */
  feedNoticeChannelId: string | null;
  /** How many days members' questions are kept: unanswered ones for /admin gaps, answers with their feedback (issue 17). */
  questionLogDays: number;
}

/** `start` needs the token; `register` also needs the application id. */
export type DiscordPurpose = 'start' | 'register';

/** A bot token is three dot-separated base64url parts. Checked for shape only, never echoed. */
const TOKEN_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

export function loadDiscordConfig(env: Env, purpose: DiscordPurpose): DiscordConfig {
  const read = settingsReader(env);

  const token = read.str('DISCORD_TOKEN');
  if (token === undefined) throw new ConfigError('DISCORD_TOKEN', 'is required: the bot token from the Discord developer portal (Bot tab)');
  if (!TOKEN_SHAPE.test(token)) throw new ConfigError('DISCORD_TOKEN', 'does not look like a bot token (three parts separated by dots)');

  const applicationId = read.snowflake('DISCORD_APPLICATION_ID');
  if (purpose === 'register' && applicationId === null) {
    throw new ConfigError('DISCORD_APPLICATION_ID', 'is required to register commands: the application id from the developer portal (General Information)');
  }

  return {
    token,
    applicationId,
    guildId: read.snowflake('DISCORD_GUILD_ID'),
    adminRoleIds: read.snowflakes('ADMIN_ROLE_IDS', 'role ids'),
    rateLimit: {
      perWindow: read.int('RATE_LIMIT_PER_MINUTE', 6, 0, 10_000),
      windowMs: read.int('RATE_LIMIT_WINDOW_SECONDS', 60, 1, 86_400) * 1000,
    },
    restApi: read.httpUrl('DISCORD_REST_API', 'https://discord.com/api')?.replace(/\/+$/, '') ?? null,
    maxAttachmentBytes: read.int('MAX_ATTACHMENT_BYTES', 2 * 1024 * 1024, 1, 25 * 1024 * 1024),
    questionLogDays: read.int('QUESTION_LOG_DAYS', 30, 1, 3650),
    feedNoticeChannelId: read.snowflake('FEED_NOTICE_CHANNEL_ID', 'Discord channel id'),
  };
}
