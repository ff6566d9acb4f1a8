import type { Config } from '../config.ts';
import type { EmbedderSpec } from '../embed/embedder.ts';
import { LockedError } from '../store/lock.ts';
import { startWorker } from '../worker-thread.ts';
import type { ReindexOptions, ReindexProgress, ReindexReport } from './indexer.ts';
import type { ReindexJob, ReindexMessage } from './reindex-worker.ts';

/**
 * Runs a reindex in a worker thread: embedding a corpus takes minutes of CPU that must not freeze
 * the main thread (Discord's heartbeat, members' questions).
 */
export function runReindexInWorker(
  config: Config,
  embedder: EmbedderSpec,
  options: ReindexOptions,
  onProgress: (p: ReindexProgress) => void = () => {},
): Promise<ReindexReport> {
  const job: ReindexJob = { config, embedder, options };
  const worker = startWorker(new URL('./reindex-worker.ts', import.meta.url), { workerData: job });
  return new Promise((resolve, reject) => {
    let settled = false;
    worker.on('message', (m: ReindexMessage) => {
      if (m.type === 'progress') onProgress(m.progress);
      else {
        settled = true;
        if (m.type === 'done') resolve(m.report);
        else reject(m.name === 'LockedError' ? Object.assign(new LockedError(0, ''), { message: m.message }) : new Error(m.message));
        void worker.terminate();
      }
    });
    worker.on('error', (error) => {
      settled = true;
      reject(new Error(`reindex worker crashed: ${error.message}`));
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`reindex worker exited unexpectedly (code ${code})`));
    });
  });
}
