/**
 * What shards ask of the one process that writes the index: the Depeche and feed methods that
 * change the corpus, with the signatures commands use today. In the manager they are served by the
 * writer's own Depeche and FeedService; in a shard they are remote calls (rpc.ts).
 */
import type { AddResult, ArticleInput, Depeche } from '../../app/depeche.ts';
import type { ReindexOptions, ReindexProgress, ReindexReport } from '../../app/indexer.ts';
import type { FeedService } from '../../ingest/feeds/service.ts';
import type { FeedRecord } from '../../ingest/feeds/store.ts';
import type { Shape } from './rpc.ts';

export interface WriterApi {
  addArticles(inputs: ArticleInput[], onProgress?: (p: ReindexProgress) => void): Promise<AddResult>;
  removeArticle(id: string): Promise<ReindexReport>;
  reindex(options?: ReindexOptions, onProgress?: (p: ReindexProgress) => void): Promise<ReindexReport>;
  addFeed(url: string): ReturnType<FeedService['addFeed']>;
  removeFeed(urlOrId: string): Promise<FeedRecord | null>;
  listFeeds(): Promise<FeedRecord[]>;
}

export const WRITER_SHAPE: Shape<WriterApi> = {
  addArticles: { progressAt: 1 },
  removeArticle: { progressAt: null },
  reindex: { progressAt: 1 },
  addFeed: { progressAt: null },
  removeFeed: { progressAt: null },
  listFeeds: { progressAt: null },
};

/** The writer API served by the process that owns the index. */
export function localWriter(depeche: Depeche, feeds: FeedService): WriterApi {
  return {
    addArticles: (inputs, onProgress) => depeche.addArticles(inputs, onProgress),
    removeArticle: (id) => depeche.removeArticle(id),
    reindex: (options, onProgress) => depeche.reindex(options, onProgress),
    addFeed: (url) => feeds.addFeed(url),
    removeFeed: async (urlOrId) => feeds.removeFeed(urlOrId),
    listFeeds: async () => feeds.listFeeds(),
  };
}

/**
 * What /admin feed uses: FeedService in a single process, the writer's feeds in a shard. Removing
 * is awaited (a remote call); the list is read where the bot runs (the feed state is a SQLite file
 * any process can read), so autocomplete stays within Discord's three seconds.
 */
export interface FeedDesk {
  addFeed(url: string): ReturnType<FeedService['addFeed']>;
  removeFeed(urlOrId: string): FeedRecord | null | Promise<FeedRecord | null>;
  listFeeds(): FeedRecord[];
}

/** The feeds a running bot serves (/admin feed) and, in the process that writes, polls. */
export interface BotFeeds {
  readonly service: FeedDesk;
  start(): void;
  stop(): Promise<void>;
}
