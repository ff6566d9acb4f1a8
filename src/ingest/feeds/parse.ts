/**
 * RSS 2.0 / Atom (and RSS 1.0) → a list of items to fetch, with @rowanmanning/feed-parser: a
 * maintained, lenient parser that normalises the formats into one model and resolves relative links.
 * An item without a usable http(s) link is reported and left out; the others still count.
 */
import { parseFeed } from '@rowanmanning/feed-parser';

export class FeedParseError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'FeedParseError';
  }
}

export interface FeedEntry {
  /** Stable key: the item's id (guid / Atom id), else its link. */
  key: string;
  link: string;
  title: string | null;
  published: string | null;
}

export interface ParsedFeed {
  title: string | null;
  format: string;
  entries: FeedEntry[];
  /** Items left out, with the reason. */
  rejected: { title: string | null; reason: string }[];
}

export function parseFeedText(xml: string, feedUrl: string): ParsedFeed {
  let feed: ReturnType<typeof parseFeed>;
  try {
    feed = parseFeed(xml);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new FeedParseError(`not an RSS or Atom feed (${message})`);
  }
  const entries: FeedEntry[] = [];
  const rejected: ParsedFeed['rejected'] = [];
  const keys = new Set<string>();
  for (const item of feed.items) {
    let title: string | null = null;
    try {
      title = item.title?.trim() || null;
      const raw = item.url?.trim();
      if (!raw) {
        rejected.push({ title, reason: 'item without a link' });
        continue;
      }
      let link: string;
      try {
        const url = new URL(raw, feedUrl);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
        url.hash = '';
        link = url.toString();
      } catch {
        rejected.push({ title, reason: `item link is not an http(s) address: "${raw.slice(0, 200)}"` });
        continue;
      }
      const key = item.id?.trim() || link;
      if (keys.has(key)) continue;
      keys.add(key);
      const date = item.published ?? item.updated;
      entries.push({ key, link, title, published: date && !Number.isNaN(date.getTime()) ? date.toISOString() : null });
    } catch (error) {
      rejected.push({ title, reason: `unreadable item (${error instanceof Error ? error.message : String(error)})` });
    }
  }
  if (entries.length === 0 && rejected.length === 0 && !feed.title) throw new FeedParseError('not an RSS or Atom feed (no title and no items)');
  return { title: feed.title?.trim() || null, format: feed.meta.type, entries, rejected };
}
