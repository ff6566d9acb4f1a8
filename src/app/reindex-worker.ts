/** Worker thread entry: runs one reindex off the main thread, reporting progress as it goes. */
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../config.ts';
import type { EmbedderSpec } from '../embed/embedder.ts';
import { createEmbedder } from '../embed/create-embedder.ts';
import { reindex, type ReindexOptions, type ReindexProgress, type ReindexReport } from './indexer.ts';

export interface ReindexJob {
  config: Config;
  embedder: EmbedderSpec;
  options: ReindexOptions;
}

export type ReindexMessage =
  | { type: 'progress'; progress: ReindexProgress }
  | { type: 'done'; report: ReindexReport }
  | { type: 'failed'; name: string; message: string };

const port = parentPort!;
const job = workerData as ReindexJob;
const post = (m: ReindexMessage) => port.postMessage(m);

try {
  const embedder = await createEmbedder(job.embedder);
  try {
    const report = await reindex(job.config, embedder, job.options, (progress) => post({ type: 'progress', progress }));
    post({ type: 'done', report });
  } finally {
    await embedder.close();
  }
} catch (error) {
  const e = error instanceof Error ? error : new Error(String(error));
  post({ type: 'failed', name: e.name, message: e.message });
}
