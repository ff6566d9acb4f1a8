/**
 * Following feeds: subscriptions, polling and incremental indexing. One poll fetches every due feed
 * (conditional requests: If-None-Match / If-Modified-Since, 304 = nothing new), extracts the new
 * items' pages and stores them all with a single Depeche.addArticles call (one reindex per poll,
 * not per item). A feed that fails is retried later with exponential backoff; an item page that
 * fails for a passing reason (time-out, 5xx) is retried at the next polls, a few times. While a
 * reindex runs, the poll changes nothing and the next tick tries again.
 */
import { BusyError, type Depeche } from '../../app/depeche.ts';
import { silentLogger, type Logger } from '../../log.ts';
import type { IngestSettings } from '../config.ts';
import { reasonText } from '../../core/failure.ts';
import { decodeBody, DecodeError } from '../decode.ts';
import type { FailureReason, FeedReason } from '../failure.ts';
import { FEED_TYPES, FetchError, parseHttpUrl } from '../fetch.ts';
import { PoliteFetcher } from '../polite.ts';
import { failureOf, preparePage, storePages, type PageOutcome, type PreparedPage } from '../url.ts';
import { FeedParseError, parseFeedText, type FeedEntry, type ParsedFeed } from './parse.ts';
import { FeedStore, type FeedRecord } from './store.ts';

/** An item page that keeps failing for passing reasons is given up after this many attempts. */
export const MAX_ITEM_ATTEMPTS = 3;
/** Backoff never waits longer than this between two polls of a failing feed. */
export const MAX_BACKOFF_MS = 24 * 60 * 60 * 1000;
/** Item pages fetched at the same time during a poll. */
const PAGE_CONCURRENCY = 3;

export class FeedError extends Error {
  constructor(readonly reason: FailureReason) {
    super(reasonText(reason));
    this.name = 'FeedError';
  }
}

export interface FeedPollResult {
  feedId: number;
  url: string;
  title: string | null;
  status: 'ok' | 'not-modified' | 'failed';
  /** Items looked at in this poll (new ones and retries). */
  items: number;
  error: FailureReason | null;
  nextPollAt: number;
}

export interface PollReport {
  /** True when a reindex was running: nothing was done, the next tick tries again. */
  busy: boolean;
  feeds: FeedPollResult[];
  /** What became of each item page, stored or not. */
  pages: (PageOutcome & { feedId: number })[];
  /** Items the feeds themselves could not offer (no link...). */
  rejectedItems: { feedId: number; title: string | null; reason: FeedReason }[];
}

export interface FeedServiceOptions {
  log?: Logger;
  /** Called with one line per article a poll stored (new or updated), e.g. to post it on Discord. */
  onNotice?: (line: string, outcome: PageOutcome) => void | Promise<void>;
  /** The clock (tests). */
  now?: () => number;
  /** How often the running poller checks for due feeds; default: the poll interval, at most one minute. */
  tickMs?: number;
  /**
   * How many more articles the library may take (a server's quota); items past it stay unseen and
   * are fetched by a later poll once there is room. Default: no limit (the shared library).
   */
  room?: () => number;
}

export class FeedService {
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<PollReport> | null = null;
  private stopped = true;
  private readonly log: Logger;
  private readonly now: () => number;
  /** robots.txt and one request at a time per host, for feeds and their pages. */
  private readonly polite: PoliteFetcher;

  private constructor(
    private readonly depeche: Depeche,
    private readonly settings: IngestSettings,
    readonly store: FeedStore,
    private readonly options: FeedServiceOptions,
  ) {
    this.log = options.log ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.polite = new PoliteFetcher(settings.fetch, { now: this.now });
  }

  /** Opens the feed state beside the index (embeddings/feeds.db). */
  static open(depeche: Depeche, settings: IngestSettings, options: FeedServiceOptions = {}): FeedService {
    return new FeedService(depeche, settings, FeedStore.open(FeedStore.pathIn(depeche.config.embeddingsDir)), options);
  }

  get intervalMs(): number {
    return Math.round(this.settings.feeds.pollMinutes * 60_000);
  }

  /**
   * Subscribes to a feed after checking that the address serves a readable RSS or Atom feed. Its
   * items are fetched at the next poll. Throws FeedError with a reason.
   */
  async addFeed(rawUrl: string): Promise<{ feed: FeedRecord; created: boolean; items: number; rejected: number }> {
    let url: string;
    try {
      url = parseHttpUrl(rawUrl).toString();
    } catch (error) {
      if (error instanceof FetchError) throw new FeedError(error.reason);
      throw error;
    }
    const existing = this.store.byUrl(url);
    if (existing) return { feed: existing, created: false, items: existing.items, rejected: 0 };
    const { parsed } = await this.fetchFeed(url, null);
    if (!parsed) throw new FeedError({ code: 'not-modified-unconditional' });
    const feed = this.store.add(url, parsed.title, this.now());
    this.log.info('feed.added', { feedId: feed.id, url, title: parsed.title, items: parsed.entries.length, rejected: parsed.rejected.length });
    return { feed, created: true, items: parsed.entries.length, rejected: parsed.rejected.length };
  }

  /** Unsubscribes (by id or address). The articles already stored stay in the corpus. */
  removeFeed(urlOrId: string): FeedRecord | null {
    const text = urlOrId.trim();
    let feed: FeedRecord | null = /^\d+$/.test(text) ? this.store.byId(Number(text)) : null;
    if (!feed) {
      feed = this.store.byUrl(text);
      if (!feed) {
        try {
          feed = this.store.byUrl(parseHttpUrl(text).toString());
        } catch {
          feed = null;
        }
      }
    }
    if (!feed) return null;
    this.store.remove(feed.id);
    this.log.info('feed.removed', { feedId: feed.id, url: feed.url });
    return feed;
  }

  listFeeds(): FeedRecord[] {
    return this.store.list();
  }

  /** Polls the due feeds (all of them with `all`), once; concurrent calls share one poll. */
  poll(options: { all?: boolean } = {}): Promise<PollReport> {
    if (!this.polling) {
      this.polling = this.pollOnce(options.all === true).finally(() => {
        this.polling = null;
      });
    }
    return this.polling;
  }

  /** Starts polling on a schedule (the bot). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = this.options.tickMs ?? Math.max(1000, Math.min(60_000, this.intervalMs));
    const loop = () => {
      if (this.stopped) return;
      this.poll()
        .catch((error: unknown) => this.log.error('feed.poll.failed', { error }))
        .finally(() => {
          if (!this.stopped) {
            this.timer = setTimeout(loop, tick);
            this.timer.unref();
          }
        });
    };
    this.timer = setTimeout(loop, 0);
    this.timer.unref();
    this.log.info('feed.poller.started', { intervalMinutes: this.settings.feeds.pollMinutes, feeds: this.store.list().length });
  }

  /** Stops the schedule and waits for a poll in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.polling?.catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.stop();
    this.store.close();
  }

  private async fetchFeed(url: string, feed: FeedRecord | null): Promise<{ parsed: ParsedFeed | null; etag: string | null; lastModified: string | null }> {
    try {
      const fetched = await this.polite.fetch({ url, accept: FEED_TYPES, etag: feed?.etag, lastModified: feed?.lastModified });
      if (fetched.notModified) return { parsed: null, etag: fetched.etag ?? feed?.etag ?? null, lastModified: fetched.lastModified ?? feed?.lastModified ?? null };
      const { text } = decodeBody(fetched.bytes, fetched.charset, 'xml');
      return { parsed: parseFeedText(text, fetched.url), etag: fetched.etag, lastModified: fetched.lastModified };
    } catch (error) {
      if (error instanceof FetchError || error instanceof DecodeError || error instanceof FeedParseError) throw new FeedError(error.reason);
      throw error;
    }
  }

  private backoff(errorCount: number): number {
    return Math.min(Math.max(MAX_BACKOFF_MS, this.intervalMs), this.intervalMs * 2 ** Math.min(errorCount, 20));
  }

  private async pollOnce(all: boolean): Promise<PollReport> {
    const report: PollReport = { busy: false, feeds: [], pages: [], rejectedItems: [] };
    const now = this.now();
    const feeds = all ? this.store.list() : this.store.due(now);
    if (feeds.length === 0) return report;
    if (this.depeche.isReindexing) {
      this.log.info('feed.poll.busy', { feeds: feeds.length });
      return { ...report, busy: true };
    }
    this.log.info('feed.poll.start', { feeds: feeds.length });

    interface Work {
      feed: FeedRecord;
      entry: { key: string; link: string; title: string | null; /** The item's date (ISO), when the feed gives one; not kept for retries. */ published?: string | null };
      attempts: number;
    }
    const work: Work[] = [];
    const validators = new Map<number, { title: string | null; etag: string | null; lastModified: string | null }>();
    for (const feed of feeds) {
      let fetched: Awaited<ReturnType<FeedService['fetchFeed']>>;
      try {
        fetched = await this.fetchFeed(feed.url, feed);
      } catch (error) {
        if (!(error instanceof FeedError)) throw error;
        const nextPollAt = now + this.backoff(feed.errorCount + 1);
        this.store.recordFailure(feed.id, error.reason, nextPollAt, now);
        this.log.warn('feed.failed', { feedId: feed.id, url: feed.url, reason: error.reason, errors: feed.errorCount + 1, nextPollAt: new Date(nextPollAt).toISOString() });
        report.feeds.push({ feedId: feed.id, url: feed.url, title: feed.title, status: 'failed', items: 0, error: error.reason, nextPollAt });
        continue;
      }
      const retries = this.store.retries(feed.id).map((r) => ({ feed, entry: r, attempts: r.attempts }));
      let fresh: FeedEntry[] = [];
      let complete = true;
      if (fetched.parsed) {
        const seen = this.store.seenKeys(feed.id);
        const retrying = new Set(retries.map((r) => r.entry.key));
        const unseen = fetched.parsed.entries.filter((e) => !seen.has(e.key) && !retrying.has(e.key));
        const room = Math.max(0, (this.options.room?.() ?? Infinity) - work.length - retries.length);
        fresh = unseen.slice(0, Math.min(this.settings.feeds.maxItemsPerPoll, room));
        complete = fresh.length === unseen.length;
        if (fresh.length < unseen.length && room < this.settings.feeds.maxItemsPerPoll) {
          this.log.warn('feed.quota', { feedId: feed.id, url: feed.url, room, waiting: unseen.length - fresh.length });
        }
        for (const r of fetched.parsed.rejected) {
          report.rejectedItems.push({ feedId: feed.id, ...r });
          this.log.warn('feed.item.rejected', { feedId: feed.id, url: feed.url, title: r.title, reason: r.reason });
        }
      }
      // With items left for the next poll, keep no validators: a 304 would hide them.
      validators.set(feed.id, {
        title: fetched.parsed?.title ?? null,
        etag: complete ? fetched.etag : null,
        lastModified: complete ? fetched.lastModified : null,
      });
      work.push(...retries, ...fresh.map((e) => ({ feed, entry: e, attempts: 0 })));
      report.feeds.push({
        feedId: feed.id,
        url: feed.url,
        title: fetched.parsed?.title ?? feed.title,
        status: fetched.parsed ? 'ok' : 'not-modified',
        items: retries.length + fresh.length,
        error: null,
        nextPollAt: now + this.intervalMs,
      });
    }

    // Fetch and extract the item pages (a few at a time).
    const prepared: { work: Work; page: PreparedPage }[] = [];
    const failures: { work: Work; outcome: Extract<PageOutcome, { status: 'failed' }> }[] = [];
    let next = 0;
    const worker = async () => {
      while (next < work.length) {
        const w = work[next++]!;
        try {
          const feedDate = w.entry.published?.slice(0, 10) ?? null;
          prepared.push({ work: w, page: await preparePage(w.entry.link, this.settings.fetch, this.depeche, feedDate, (r) => this.polite.fetchPage(r)) });
        } catch (error) {
          failures.push({ work: w, outcome: failureOf(w.entry.link, error) });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(PAGE_CONCURRENCY, work.length) }, worker));

    let stored: PageOutcome[] = [];
    if (prepared.length > 0) {
      try {
        stored = await storePages(this.depeche, prepared.map((p) => p.page));
      } catch (error) {
        if (error instanceof BusyError) {
          // A reindex started meanwhile: record nothing, the next tick does it all again.
          this.log.info('feed.poll.busy', { feeds: feeds.length, pages: prepared.length });
          return { busy: true, feeds: [], pages: [], rejectedItems: [] };
        }
        // Indexing failed: nothing was kept; the items are retried at the next polls.
        const reason: FailureReason = { code: 'indexing-failed', detail: error instanceof Error ? error.message : String(error) };
        this.log.error('feed.poll.index.failed', { error });
        stored = prepared.map((p) => ({ url: p.page.requestedUrl, status: 'failed' as const, reason, transient: true }));
      }
    }

    // Record it all in one transaction.
    const notices: { line: string; outcome: PageOutcome }[] = [];
    this.store.transaction(() => {
      const record = (w: Work, outcome: PageOutcome) => {
        report.pages.push({ ...outcome, feedId: w.feed.id });
        if (outcome.status === 'added' || outcome.status === 'updated') {
          this.store.recordItem(w.feed.id, w.entry, 'stored', { articleId: outcome.article.id }, now);
          notices.push({ line: noticeLine(w.feed, outcome), outcome });
        } else if (outcome.status === 'unchanged' || outcome.status === 'duplicate') {
          this.store.recordItem(w.feed.id, w.entry, 'skipped', { articleId: outcome.articleId, reason: outcome.reason }, now);
        } else {
          const failed = outcome as Extract<PageOutcome, { status: 'failed' }>;
          const again = failed.transient && w.attempts + 1 < MAX_ITEM_ATTEMPTS;
          this.store.recordItem(w.feed.id, w.entry, again ? 'retry' : 'failed', { reason: failed.reason }, now);
          this.log.warn('feed.item.failed', { feedId: w.feed.id, link: w.entry.link, reason: failed.reason, retry: again });
        }
      };
      for (const f of failures) record(f.work, f.outcome);
      prepared.forEach((p, i) => record(p.work, stored[i] ?? { url: p.page.requestedUrl, status: 'failed', reason: { code: 'not-indexed' }, transient: false }));
      for (const [feedId, v] of validators) this.store.recordSuccess(feedId, { ...v, nextPollAt: now + this.intervalMs }, now);
    });
    this.log.info('feed.poll.done', {
      feeds: report.feeds.length,
      added: report.pages.filter((p) => p.status === 'added').length,
      updated: report.pages.filter((p) => p.status === 'updated').length,
      failed: report.pages.filter((p) => p.status === 'failed').length,
    });
    for (const n of notices) {
      try {
        await this.options.onNotice?.(n.line, n.outcome);
      } catch (error) {
        this.log.warn('feed.notice.failed', { error });
      }
    }
    return report;
  }
}

/** One line for a notice channel: what, from where, and the link. */
export function noticeLine(feed: Pick<FeedRecord, 'title' | 'url'>, outcome: Extract<PageOutcome, { status: 'added' | 'updated' }>): string {
  const a = outcome.article;
  const what = outcome.status === 'updated' ? 'Article mis à jour' : 'Nouvel article';
  const about = [a.source ?? feed.title, a.published].filter(Boolean).join(', ');
  return `${what} : ${a.title ?? '(sans titre)'}${about ? ` (${about})` : ''} — ${a.url ?? outcome.url}`;
}
