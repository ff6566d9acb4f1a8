/**
 * RSS 2.0 / Atom (and RSS 1.0) → a list of items to fetch, with @rowanmanning/feed-parser: a
 * maintained, lenient parser that normalises the formats into one model and resolves relative links.
 * An item without a usable http(s) link is reported and left out; the others still count.
 */
import { parseFeed } from '@rowanmanning/feed-parser';
import { reasonText } from '../../core/failure.ts';
import type { FeedReason } from '../failure.ts';

export class FeedParseError extends Error {
  constructor(readonly reason: FeedReason) {
    super(reasonText(reason));
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
  rejected: { title: string | null; reason: FeedReason }[];
}

export function parseFeedText(xml: string, feedUrl: string): ParsedFeed {
  let feed: ReturnType<typeof parseFeed>;
  try {
    feed = parseFeed(xml);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new FeedParseError({ code: 'not-a-feed', detail: message });
  }
  let parsed = readItems(feed.items, feedUrl);
  // Broken markup in one item can swallow the items after it. When fewer items came out than the
  // document has, each item is parsed on its own, so one bad item costs only itself.
  const blocks = itemBlocks(xml);
  if (blocks.length > parsed.entries.length + parsed.rejected.length) {
    const wrap = feed.meta.type === 'atom' ? (b: string) => `<feed xmlns="http://www.w3.org/2005/Atom"><title>-</title>${b}</feed>` : (b: string) => `<rss version="2.0"><channel><title>-</title>${b}</channel></rss>`;
    const one = { entries: [] as FeedEntry[], rejected: [] as ParsedFeed['rejected'] };
    for (const block of blocks) {
      try {
        const r = readItems(parseFeed(wrap(block)).items, feedUrl);
        one.entries.push(...r.entries);
        one.rejected.push(...r.rejected);
        if (r.entries.length + r.rejected.length === 0) one.rejected.push({ title: null, reason: { code: 'item-unreadable', detail: null } });
      } catch (error) {
        one.rejected.push({ title: null, reason: { code: 'item-unreadable', detail: error instanceof Error ? error.message : String(error) } });
      }
    }
    if (one.entries.length > parsed.entries.length) parsed = dedupe(one);
  }
  if (parsed.entries.length === 0 && parsed.rejected.length === 0 && !feed.title) throw new FeedParseError({ code: 'not-a-feed', detail: 'no title and no items' });
  return { title: feed.title?.trim() || null, format: feed.meta.type, ...parsed };
}

type Items = ReturnType<typeof parseFeed>['items'];

function readItems(items: Items, feedUrl: string): Pick<ParsedFeed, 'entries' | 'rejected'> {
  const entries: FeedEntry[] = [];
  const rejected: ParsedFeed['rejected'] = [];
  for (const item of items) {
    let title: string | null = null;
    try {
      title = item.title?.trim() || null;
      const raw = item.url?.trim();
      if (!raw) {
        rejected.push({ title, reason: { code: 'item-without-link' } });
        continue;
      }
      let link: string;
      try {
        const url = new URL(raw, feedUrl);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
        url.hash = '';
        link = url.toString();
      } catch {
        rejected.push({ title, reason: { code: 'item-bad-link', link: raw.slice(0, 200) } });
        continue;
      }
      const key = item.id?.trim() || link;
      const date = item.published ?? item.updated;
      entries.push({ key, link, title, published: date && !Number.isNaN(date.getTime()) ? date.toISOString() : null });
    } catch (error) {
      rejected.push({ title, reason: { code: 'item-unreadable', detail: error instanceof Error ? error.message : String(error) } });
    }
  }
  return dedupe({ entries, rejected });
}

function dedupe(p: Pick<ParsedFeed, 'entries' | 'rejected'>): Pick<ParsedFeed, 'entries' | 'rejected'> {
  const keys = new Set<string>();
  return { entries: p.entries.filter((e) => !keys.has(e.key) && keys.add(e.key)), rejected: p.rejected };
}

/** The raw <item>…</item> / <entry>…</entry> blocks of a feed, in order. */
function itemBlocks(xml: string): string[] {
  return [...xml.matchAll(/<(item|entry)(?:\s[^>]*)?>[\s\S]*?<\/\1\s*>/g)].map((m) => m[0]);
}
