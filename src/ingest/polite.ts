/**
 * Politeness towards the sites the feeds point at: robots.txt read once a day per site and obeyed
 * (an unreachable one disallows everything until it can be read),
 * one request at a time per host, and a pause (FETCH_HOST_DELAY_MS) between two requests to one host.
 */
import type { FetchSettings } from './config.ts';
import { FetchError, parseHttpUrl, safeFetch, type Fetched, type FetchRequest } from './fetch.ts';
import { parseRobots, robotsAllows, userAgentToken, type RobotsRules } from './robots.ts';

/** How long a site's robots.txt is trusted before it is fetched again. */
export const ROBOTS_TTL_MS = 24 * 60 * 60 * 1000;
const ROBOTS_TYPES = ['text/plain'];

export interface PoliteOptions {
  /** The clock for robots.txt expiry (tests). */
  now?: () => number;
}

export class PoliteFetcher {
  private readonly robots = new Map<string, { rules: RobotsRules; fetchedAt: number }>();
  /** robots.txt being fetched, so pages of one site waiting for it share one request. */
  private readonly pendingRobots = new Map<string, Promise<RobotsRules>>();
  /** Per host: when the last request ended, and the queue of requests waiting for it. */
  private readonly hosts = new Map<string, { tail: Promise<void>; lastEnd: number }>();
  private readonly now: () => number;

  constructor(
    private readonly settings: FetchSettings,
    options: PoliteOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Fetches a page the site's robots.txt allows, through the host's queue. Throws FetchError. */
  async fetchPage(request: FetchRequest): Promise<Fetched> {
    const url = parseHttpUrl(request.url);
    const rules = await this.rulesFor(url);
    if (!robotsAllows(rules, userAgentToken(this.settings.userAgent), url.pathname + url.search)) {
      throw new FetchError(request.url, { code: 'robots-disallowed', host: url.host, path: url.pathname });
    }
    return this.queued(url.host, () => safeFetch(request, this.settings));
  }

  /** Fetches through the host's queue only (feeds themselves: subscribing to one is asking for it). */
  fetch(request: FetchRequest): Promise<Fetched> {
    return this.queued(parseHttpUrl(request.url).host, () => safeFetch(request, this.settings));
  }

  /** The site's rules, or a robots-unreachable FetchError when its robots.txt cannot be read now. */
  private rulesFor(url: URL): Promise<RobotsRules> {
    const cached = this.robots.get(url.origin);
    if (cached && this.now() - cached.fetchedAt < ROBOTS_TTL_MS) return Promise.resolve(cached.rules);
    let pending = this.pendingRobots.get(url.origin);
    if (!pending) {
      pending = this.fetchRules(url).finally(() => this.pendingRobots.delete(url.origin));
      this.pendingRobots.set(url.origin, pending);
    }
    return pending;
  }

  private async fetchRules(url: URL): Promise<RobotsRules> {
    let rules: RobotsRules;
    try {
      const fetched = await this.queued(url.host, () => safeFetch({ url: `${url.origin}/robots.txt`, accept: ROBOTS_TYPES }, this.settings));
      rules = parseRobots(Buffer.from(fetched.bytes).toString('utf8'));
    } catch (error) {
      if (!(error instanceof FetchError)) throw error;
      const r = error.reason;
      // No robots.txt (4xx) or not a text file: nothing is disallowed, for a day.
      if ((r.code === 'http-status' && r.status >= 400 && r.status < 500 && r.status !== 429) || r.code === 'content-type') rules = new Map();
      // Unreachable (5xx, 429, network, time-out): RFC 9309 §2.3.1.4, assume everything disallowed.
      // Nothing is cached: pages fail as transient, and robots.txt is asked again when they are retried.
      else if (error.transient) {
        throw new FetchError(url.href, { code: 'robots-unreachable', host: url.host, status: r.code === 'http-status' ? r.status : null });
      }
      // Anything else (a refused address, too many redirects…): the page fails on its own when fetched.
      else return new Map();
    }
    this.robots.set(url.origin, { rules, fetchedAt: this.now() });
    return rules;
  }

  /** Runs `task` when the host has no request in flight and its delay since the last one has passed. */
  private queued<T>(host: string, task: () => Promise<T>): Promise<T> {
    const state = this.hosts.get(host) ?? { tail: Promise.resolve(), lastEnd: 0 };
    this.hosts.set(host, state);
    const delay = this.settings.hostDelayMs ?? 0;
    const run = state.tail.then(async () => {
      const wait = state.lastEnd + delay - Date.now();
      if (state.lastEnd > 0 && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      try {
        return await task();
      } finally {
        state.lastEnd = Date.now();
      }
    });
    state.tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}
