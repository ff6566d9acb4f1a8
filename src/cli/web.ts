/** Command line: `ingest --url <link>` and `feed add|remove|list|poll`. */
import { parseArgs } from 'node:util';
import type { Depeche } from '../app/depeche.ts';
import type { IngestSettings } from '../ingest/config.ts';
import { closeFetchAgents } from '../ingest/fetch.ts';
import { FeedError, FeedService } from '../ingest/feeds/service.ts';
import type { FeedRecord } from '../ingest/feeds/store.ts';
import { failureOf, preparePage, storePages, type PageOutcome, type PreparedPage } from '../ingest/url.ts';
import type { Logger } from '../log.ts';
import { describeFailure } from './wording.ts';

export const WEB_USAGE = `  npm run ingest -- --url <link> [--url <link>…]  fetch articles from the web, store and index them
  npm run feed -- add <feed url>              follow an RSS or Atom feed
  npm run feed -- remove <feed url or id>     stop following it (its articles stay)
  npm run feed -- list                        feeds and their state
  npm run feed -- poll                        fetch every feed now and index new articles`;

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

/** Fetches, extracts and stores the given URLs with one reindex. Exit code 1 if any was refused. */
export async function ingestUrls(app: Depeche, urls: string[], settings: IngestSettings): Promise<number> {
  try {
    const pages: PreparedPage[] = [];
    const outcomes: PageOutcome[] = [];
    for (const url of urls) {
      try {
        pages.push(await preparePage(url, settings.fetch, app));
      } catch (error) {
        outcomes.push(failureOf(url, error));
      }
    }
    if (pages.length > 0) outcomes.push(...(await storePages(app, pages)));
    for (const o of outcomes) printOutcome(o);
    return outcomes.some((o) => o.status === 'failed') ? 1 : 0;
  } finally {
    await closeFetchAgents();
  }
}

export function printOutcome(o: PageOutcome): void {
  switch (o.status) {
    case 'added':
    case 'updated': {
      const a = o.article;
      out(`${o.status} ${a.id}: ${a.title ?? '(sans titre)'} — ${[a.source, a.published].filter(Boolean).join(', ') || 'outlet and date unknown'} — ${a.chars} characters, ${a.passages} passages`);
      out(`  ${a.url ?? o.url}`);
      return;
    }
    case 'unchanged':
    case 'duplicate':
      out(`skipped ${o.url}: ${describeFailure(o.reason)}`);
      return;
    case 'failed':
      err(`rejected ${o.url}: ${describeFailure(o.reason)}`);
  }
}

export async function feedCommand(app: Depeche, args: string[], log: Logger, settings: IngestSettings): Promise<number> {
  const [sub, ...rest] = args;
  const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} });
  const service = FeedService.open(app, settings, { log });
  try {
    switch (sub) {
      case 'add': {
        if (positionals.length !== 1) return usage();
        try {
          const { feed, created, items, rejected } = await service.addFeed(positionals[0]!);
          if (!created) out(`already following feed ${feed.id}: ${feed.title ?? feed.url}`);
          else out(`following feed ${feed.id}: ${feed.title ?? '(untitled)'} — ${items} items${rejected ? ` (${rejected} unusable)` : ''}; run "npm run feed -- poll" to fetch them`);
          return 0;
        } catch (error) {
          if (!(error instanceof FeedError)) throw error;
          err(`refused ${positionals[0]}: ${describeFailure(error.reason)}`);
          return 1;
        }
      }
      case 'remove': {
        if (positionals.length !== 1) return usage();
        const removed = service.removeFeed(positionals[0]!);
        if (!removed) {
          err(`no feed "${positionals[0]}" (see npm run feed -- list)`);
          return 1;
        }
        out(`stopped following feed ${removed.id}: ${removed.title ?? removed.url} (its ${removed.articles} articles stay in the corpus)`);
        return 0;
      }
      case 'list': {
        const feeds = service.listFeeds();
        if (feeds.length === 0) out('no feeds');
        for (const f of feeds) out(describeFeed(f));
        return 0;
      }
      case 'poll': {
        const report = await service.poll({ all: true });
        if (report.busy) {
          err('a reindex is running: try again when it has finished');
          return 1;
        }
        for (const f of report.feeds) {
          out(`feed ${f.feedId} ${f.title ?? f.url}: ${f.status === 'failed' ? `failed: ${f.error ? describeFailure(f.error) : '?'}` : f.status === 'not-modified' ? 'not modified' : `${f.items} new items`}`);
        }
        for (const r of report.rejectedItems) err(`feed ${r.feedId}: item ${r.title ? `"${r.title}" ` : ''}left out: ${describeFailure(r.reason)}`);
        for (const p of report.pages) printOutcome(p);
        return report.feeds.some((f) => f.status === 'failed') ? 1 : 0;
      }
      default:
        return usage();
    }
  } finally {
    await service.close();
    await closeFetchAgents();
  }
}

function describeFeed(f: FeedRecord): string {
  const state = f.errorCount > 0 ? `${f.errorCount} failed polls (last: ${f.lastError ? describeFailure(f.lastError) : '?'}), next try ${new Date(f.nextPollAt).toISOString()}` : f.lastOkAt ? `last polled ${f.lastOkAt}` : 'not polled yet';
  return `${f.id}  ${f.url}  ${f.title ?? '(untitled)'} — ${f.articles} articles from ${f.items} items — ${state}`;
}

function usage(): number {
  err(`usage:\n${WEB_USAGE}`);
  return 2;
}
