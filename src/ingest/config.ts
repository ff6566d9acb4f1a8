/** Settings for fetching pages and following feeds, read from the environment (see .env.example). */
import { settingsReader, type Env } from '../settings/read.ts';

export interface FetchSettings {
  /** Host names or IP addresses exempt from the private-address refusal (lowercase). */
  allowHosts: string[];
  /** Whole-request time limit, headers and body included. */
  timeoutMs: number;
  /** Largest body accepted, counted as it streams in (decompressed). */
  maxBytes: number;
  maxRedirects: number;
  userAgent: string;
  /** Pause between two requests to one host when following feeds (one request at a time per host). */
  hostDelayMs?: number;
}

export interface FeedSettings {
  /** How often each feed is polled when it works. */
  pollMinutes: number;
  /** New items taken from one feed in one poll (the rest wait for the next one). */
  maxItemsPerPoll: number;
}

export interface IngestSettings {
  fetch: FetchSettings;
  feeds: FeedSettings;
}

export const DEFAULT_USER_AGENT = 'DepecheBot/0.1 (news quotes for a Discord server)';

export function loadIngestSettings(env: Env): IngestSettings {
  const read = settingsReader(env);
  return {
    fetch: {
      // IPv6 addresses may be written in brackets, as in a URL.
      allowHosts: read.list('FETCH_ALLOW_HOSTS').map((h) => h.toLowerCase().replace(/^\[|\]$/g, '')),
      timeoutMs: read.int('FETCH_TIMEOUT_MS', 15_000, 100, 300_000),
      maxBytes: read.int('FETCH_MAX_BYTES', 5 * 1024 * 1024, 1024, 100 * 1024 * 1024),
      maxRedirects: read.int('FETCH_MAX_REDIRECTS', 5, 0, 20),
      userAgent: read.str('FETCH_USER_AGENT') ?? DEFAULT_USER_AGENT,
      hostDelayMs: read.int('FETCH_HOST_DELAY_MS', 1000, 0, 60_000),
    },
    feeds: {
      pollMinutes: read.num('FEED_POLL_MINUTES', 30, 0.05, 24 * 60),
      maxItemsPerPoll: read.int('FEED_MAX_ITEMS_PER_POLL', 20, 1, 500),
    },
  };
}
