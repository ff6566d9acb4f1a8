/** Settings for fetching pages and following feeds, read from the environment (see .env.example). */
import { ConfigError, int, num } from '../config.ts';

export interface FetchSettings {
  /** Host names or IP addresses exempt from the private-address refusal (lowercase). */
  allowHosts: string[];
  /** Whole-request time limit, headers and body included. */
  timeoutMs: number;
  /** Largest body accepted, counted as it streams in (decompressed). */
  maxBytes: number;
  maxRedirects: number;
  userAgent: string;
}

export interface FeedSettings {
  /** How often each feed is polled when it works. */
  pollMinutes: number;
  /** New items taken from one feed in one poll (the rest wait for the next one). */
  maxItemsPerPoll: number;
  /** Discord channel that gets a one-line notice per new article (null: none). */
  noticeChannelId: string | null;
}

export interface IngestSettings {
  fetch: FetchSettings;
  feeds: FeedSettings;
}

type Env = Record<string, string | undefined>;

export const DEFAULT_USER_AGENT = 'DepecheBot/0.1 (news quotes for a Discord server)';

export function loadIngestSettings(env: Env = process.env): IngestSettings {
  const allowHosts = (env.FETCH_ALLOW_HOSTS ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase().replace(/^\[|\]$/g, ''))
    .filter((h) => h !== '');
  const channel = env.FEED_NOTICE_CHANNEL_ID?.trim() || null;
  if (channel !== null && !/^\d{17,20}$/.test(channel)) {
    throw new ConfigError('FEED_NOTICE_CHANNEL_ID', `must be a Discord channel id (17 to 20 digits), got "${channel}"`);
  }
  return {
    fetch: {
      allowHosts,
      timeoutMs: int(env, 'FETCH_TIMEOUT_MS', 15_000, 100, 300_000),
      maxBytes: int(env, 'FETCH_MAX_BYTES', 5 * 1024 * 1024, 1024, 100 * 1024 * 1024),
      maxRedirects: int(env, 'FETCH_MAX_REDIRECTS', 5, 0, 20),
      userAgent: env.FETCH_USER_AGENT?.trim() || DEFAULT_USER_AGENT,
    },
    feeds: {
      pollMinutes: num(env, 'FEED_POLL_MINUTES', 30, 0.05, 24 * 60),
      maxItemsPerPoll: int(env, 'FEED_MAX_ITEMS_PER_POLL', 20, 1, 500),
      noticeChannelId: channel,
    },
  };
}
