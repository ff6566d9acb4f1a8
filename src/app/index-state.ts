/**
 * What the stored index says about itself, read from the snapshot and the metadata store: the status
 * admins see, and whether the corpus folder has moved on since the last reindex.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { MetadataStore } from '../store/metadata-store.ts';
import { segmentsOf } from '../store/segments.ts';
import { listCorpusFiles } from './corpus.ts';
import type { ReindexReport } from './indexer.ts';
import { storePaths } from './paths.ts';
import type { IndexSnapshot } from './snapshot.ts';

export interface Status {
  articles: number;
  passages: number;
  model: string;
  indexModel: string | null;
  generation: number | null;
  builtAt: string | null;
  indexBytes: number;
  databaseBytes: number;
  reindexing: boolean;
  lastReindex: ReindexReport | null;
}

/** The index answered from (the snapshot), its size on disk and the last reindex report the store holds. */
export function indexStatus(config: Config, snapshot: IndexSnapshot | null, model: string, reindexing: boolean): Status {
  const size = (path: string) => (existsSync(path) ? statSync(path).size : 0);
  const { database } = storePaths(config);
  return {
    articles: snapshot?.articleCount ?? 0,
    passages: snapshot?.passageCount ?? 0,
    model,
    indexModel: snapshot?.manifest.model ?? null,
    generation: snapshot?.manifest.generation ?? null,
    builtAt: snapshot?.manifest.builtAt ?? null,
    indexBytes: snapshot ? segmentsOf(snapshot.manifest).reduce((n, r) => n + size(join(config.embeddingsDir, r.file)), 0) : 0,
    databaseBytes: size(database) + size(`${database}-wal`),
    reindexing,
    lastReindex: existsSync(database) ? withStore(config, (store) => store.lastReport<ReindexReport>()) : null,
  };
}

/** True when there is no index, it was built with another model, or a corpus file was added, removed or changed since. */
export function indexIsStale(config: Config, snapshot: IndexSnapshot | null, model: string): boolean {
  if (!snapshot || snapshot.manifest.model !== model) return true;
  const files = listCorpusFiles(config.corpusDir);
  if (files.length !== snapshot.articleCount) return true;
  // Size and modification time as the store recorded them (the snapshot does not keep them).
  const stored = new Map(withStore(config, (store) => store.articles()).map((a) => [a.path, a]));
  return files.some((f) => {
    const a = stored.get(f.path);
    return !a || a.fileSize !== f.size || a.fileMtime !== f.mtimeMs;
  });
}

function withStore<T>(config: Config, read: (store: MetadataStore) => T): T {
  const store = MetadataStore.open(storePaths(config).database);
  try {
    return read(store);
  } finally {
    store.close();
  }
}
