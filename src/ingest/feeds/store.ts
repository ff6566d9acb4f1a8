/**
 * Feed subscriptions and their polling state in embeddings/feeds.db (SQLite, WAL): HTTP cache
 * validators, error count and next poll time (exponential backoff), and every item already seen,
 * so a restart neither re-fetches old items nor forgets a feed. Its own file, so a reindex (which
 * rewrites depeche.db) and feed polling never contend for one database.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { FailureReason } from '../failure.ts';

export interface FeedRecord {
  id: number;
  url: string;
  title: string | null;
  etag: string | null;
  lastModified: string | null;
  addedAt: string;
  lastPolledAt: string | null;
  lastOkAt: string | null;
  /** Milliseconds since the epoch. */
  nextPollAt: number;
  errorCount: number;
  lastError: FailureReason | null;
  /** Items seen so far (stored, skipped or failed for good). */
  items: number;
  /** Articles stored from this feed. */
  articles: number;
}

export type ItemStatus = 'stored' | 'skipped' | 'failed' | 'retry';

export interface RetryItem {
  key: string;
  link: string;
  title: string | null;
  attempts: number;
}

const SCHEMA_VERSION = 1;

export class FeedStore {
  private constructor(private readonly db: Database.Database) {}

  static open(path: string): FeedStore {
    mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      db.close();
      throw new Error(`${path} was written by a newer Dépêche (feed schema ${version}); update before using it`);
    }
    if (version < 1) {
      db.exec(`
        CREATE TABLE IF NOT EXISTS feeds (
          id INTEGER PRIMARY KEY,
          url TEXT NOT NULL UNIQUE,
          title TEXT,
          etag TEXT,
          last_modified TEXT,
          added_at TEXT NOT NULL,
          last_polled_at TEXT,
          last_ok_at TEXT,
          next_poll_at INTEGER NOT NULL DEFAULT 0,
          error_count INTEGER NOT NULL DEFAULT 0,
          last_error TEXT
        );
        CREATE TABLE IF NOT EXISTS feed_items (
          feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
          item_key TEXT NOT NULL,
          link TEXT NOT NULL,
          title TEXT,
          status TEXT NOT NULL,
          article_id TEXT,
          reason TEXT,
          attempts INTEGER NOT NULL DEFAULT 1,
          first_seen TEXT NOT NULL,
          PRIMARY KEY (feed_id, item_key)
        );
        PRAGMA user_version = 1;
      `);
    }
    return new FeedStore(db);
  }

  static pathIn(embeddingsDir: string): string {
    return join(embeddingsDir, 'feeds.db');
  }

  add(url: string, title: string | null, now = Date.now()): FeedRecord {
    this.db.prepare('INSERT INTO feeds (url, title, added_at, next_poll_at) VALUES (?, ?, ?, ?)').run(url, title, new Date(now).toISOString(), now);
    return this.byUrl(url)!;
  }

  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM feeds WHERE id = ?').run(id).changes > 0;
  }

  list(): FeedRecord[] {
    return (this.db.prepare(`${SELECT} ORDER BY f.id`).all() as Row[]).map(toRecord);
  }

  byUrl(url: string): FeedRecord | null {
    const row = this.db.prepare(`${SELECT} WHERE f.url = ?`).get(url) as Row | undefined;
    return row ? toRecord(row) : null;
  }

  byId(id: number): FeedRecord | null {
    const row = this.db.prepare(`${SELECT} WHERE f.id = ?`).get(id) as Row | undefined;
    return row ? toRecord(row) : null;
  }

  due(now = Date.now()): FeedRecord[] {
    return this.list().filter((f) => f.nextPollAt <= now);
  }

  /** Keys of the items already handled for good (retries not included). */
  seenKeys(feedId: number): Set<string> {
    const rows = this.db.prepare("SELECT item_key FROM feed_items WHERE feed_id = ? AND status != 'retry'").all(feedId) as { item_key: string }[];
    return new Set(rows.map((r) => r.item_key));
  }

  retries(feedId: number): RetryItem[] {
    return this.db
      .prepare("SELECT item_key AS key, link, title, attempts FROM feed_items WHERE feed_id = ? AND status = 'retry' ORDER BY first_seen")
      .all(feedId) as RetryItem[];
  }

  /** Records what became of one item. A 'retry' counts an attempt; other statuses are final. */
  recordItem(feedId: number, item: { key: string; link: string; title: string | null }, status: ItemStatus, detail: { articleId?: string | null; reason?: FailureReason | null } = {}, now = Date.now()): void {
    this.db
      .prepare(
        `INSERT INTO feed_items (feed_id, item_key, link, title, status, article_id, reason, first_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (feed_id, item_key) DO UPDATE SET status = excluded.status, article_id = excluded.article_id, reason = excluded.reason,
           attempts = feed_items.attempts + 1`,
      )
      .run(feedId, item.key, item.link, item.title, status, detail.articleId ?? null, detail.reason ? JSON.stringify(detail.reason) : null, new Date(now).toISOString());
  }

  /** A successful poll: new validators, errors cleared, next poll one interval later. */
  recordSuccess(feedId: number, update: { title?: string | null; etag: string | null; lastModified: string | null; nextPollAt: number }, now = Date.now()): void {
    const iso = new Date(now).toISOString();
    this.db
      .prepare(
        `UPDATE feeds SET title = COALESCE(?, title), etag = ?, last_modified = ?, last_polled_at = ?, last_ok_at = ?, next_poll_at = ?, error_count = 0, last_error = NULL WHERE id = ?`,
      )
      .run(update.title ?? null, update.etag, update.lastModified, iso, iso, update.nextPollAt, feedId);
  }

  /** Reasons are stored as their JSON code form, so any front end can word them. */
  recordFailure(feedId: number, reason: FailureReason, nextPollAt: number, now = Date.now()): void {
    this.db
      .prepare('UPDATE feeds SET last_polled_at = ?, error_count = error_count + 1, last_error = ?, next_poll_at = ? WHERE id = ?')
      .run(new Date(now).toISOString(), JSON.stringify(reason), nextPollAt, feedId);
  }

  /** Moves the next poll (e.g. put off while a reindex runs). */
  reschedule(feedId: number, nextPollAt: number): void {
    this.db.prepare('UPDATE feeds SET next_poll_at = ? WHERE id = ?').run(nextPollAt, feedId);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  close(): void {
    this.db.close();
  }
}

const SELECT = `SELECT f.*,
  (SELECT COUNT(*) FROM feed_items i WHERE i.feed_id = f.id AND i.status != 'retry') AS items,
  (SELECT COUNT(*) FROM feed_items i WHERE i.feed_id = f.id AND i.status = 'stored') AS articles
  FROM feeds f`;

interface Row {
  id: number;
  url: string;
  title: string | null;
  etag: string | null;
  last_modified: string | null;
  added_at: string;
  last_polled_at: string | null;
  last_ok_at: string | null;
  next_poll_at: number;
  error_count: number;
  last_error: string | null;
  items: number;
  articles: number;
}

function toRecord(r: Row): FeedRecord {
  return {
    id: r.id,
    url: r.url,
    title: r.title,
    etag: r.etag,
    lastModified: r.last_modified,
    addedAt: r.added_at,
    lastPolledAt: r.last_polled_at,
    lastOkAt: r.last_ok_at,
    nextPollAt: r.next_poll_at,
    errorCount: r.error_count,
    lastError: r.last_error === null ? null : storedReason(r.last_error),
    items: r.items,
    articles: r.articles,
  };
}

/** A stored reason; text written before reasons were codes is kept as the detail of 'unrecorded'. */
function storedReason(text: string): FailureReason {
  try {
    const value = JSON.parse(text) as unknown;
    if (value !== null && typeof value === 'object' && typeof (value as { code?: unknown }).code === 'string') return value as FailureReason;
  } catch {
    // not JSON: an older English sentence
  }
  return { code: 'unrecorded', detail: text };
}
