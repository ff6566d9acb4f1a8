import { join } from 'node:path';
import type { Config } from '../config.ts';

/** Where the store keeps its files under the embeddings folder. */
export function storePaths(config: Config) {
  return {
    database: join(config.embeddingsDir, 'depeche.db'),
    lock: join(config.embeddingsDir, 'reindex.lock'),
  };
}
