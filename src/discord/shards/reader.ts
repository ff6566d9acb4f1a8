/**
 * A shard's side of the index: questions are answered from this process's own snapshot; writes go
 * to the writer (the manager process) through the RPC layer; a generation the writer commits is
 * loaded within seconds — at once when the writer announces it, and by a cheap check of the
 * committed generation number (one small SQLite row) every `watchMs`, which also catches commits
 * made by the command line or an announcement lost while the writer restarted.
 */
import type { Depeche } from '../../app/depeche.ts';
import { FeedStore } from '../../ingest/feeds/store.ts';
import type { Logger } from '../../log.ts';
import { parentChannel, remote, RpcClient, WriterUnavailableError, type ShardChannel } from './rpc.ts';
import { WRITER_SHAPE, type BotFeeds, type WriterApi } from './writer-api.ts';

export interface ShardRoleOptions {
  /** A writer that does not acknowledge a call within this is reported as down. */
  ackTimeoutMs?: number;
  /** How often the committed generation number is checked. */
  watchMs?: number;
}

/** What startBot needs in a shard process: the Depeche and feeds commands use. */
export interface ShardRole {
  attach(reader: Depeche, log: Logger): { depeche: Depeche; feeds: BotFeeds };
}

/** The role of a process forked by the ShardingManager; throws when there is no channel to it. */
export function shardRole(options: ShardRoleOptions = {}, channel: ShardChannel | null = parentChannel()): ShardRole {
  if (!channel) throw new WriterUnavailableError('this process was not started by a ShardingManager (no IPC channel)');
  return {
    attach(reader, log) {
      const client = new RpcClient(channel, { ackTimeoutMs: options.ackTimeoutMs ?? 5000 });
      const writer = remote<WriterApi>(client, WRITER_SHAPE);
      const refresh = (why: string) => {
        try {
          if (reader.refresh()) log.info('index.generation_loaded', { generation: reader.generation, why });
        } catch (error) {
          log.error('index.refresh_failed', { error });
        }
      };
      const offState = client.onState((state) => {
        if (state.generation !== reader.generation) refresh('announced');
      });
      log.info('index.generation_loaded', { generation: reader.generation, why: 'opened' });
      const timer = setInterval(() => refresh('checked'), options.watchMs ?? 2000);
      timer.unref();
      // Answers right after this shard's own write come from the new generation.
      const thenRefresh = <T>(work: Promise<T>): Promise<T> => work.finally(() => refresh('written'));
      const overrides = {
        addArticles: ((inputs, onProgress) => thenRefresh(writer.addArticles(inputs, onProgress))) satisfies Depeche['addArticles'],
        removeArticle: ((id) => thenRefresh(writer.removeArticle(id))) satisfies Depeche['removeArticle'],
        reindex: ((opts, onProgress) => thenRefresh(writer.reindex(opts, onProgress))) satisfies Depeche['reindex'],
        ensureIndex: (async () => null) satisfies Depeche['ensureIndex'], // the writer keeps the index built
        status: (() => ({ ...reader.status(), reindexing: client.state?.busy ?? false })) satisfies Depeche['status'],
        close: (async () => {
          clearInterval(timer);
          offState();
          client.close();
          await reader.close();
        }) satisfies Depeche['close'],
      };
      const depeche = new Proxy(reader, {
        get(target, prop) {
          if (prop === 'isReindexing') return client.state?.busy ?? false;
          if (Object.hasOwn(overrides, prop)) return overrides[prop as keyof typeof overrides];
          const value: unknown = Reflect.get(target, prop, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      // The feed list is read from the shared feed state; changes go to the writer.
      const store = FeedStore.open(FeedStore.pathIn(reader.config.embeddingsDir));
      const feeds: BotFeeds = {
        service: { addFeed: (url) => writer.addFeed(url), removeFeed: (which) => writer.removeFeed(which), listFeeds: () => store.list() },
        start() {}, // the writer polls
        async stop() {
          store.close();
        },
      };
      return { depeche, feeds };
    },
  };
}
