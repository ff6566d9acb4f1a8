import type { Worker } from 'node:worker_threads';
import { startWorker } from '../worker-thread.ts';
import type { Embedder, EmbedderSpec, TextKind } from './embedder.ts';
import type { EmbedReply, EmbedRequest } from './embed-worker.ts';

/**
 * An embedder whose model runs in a worker thread, so inference never blocks the main thread
 * (the Discord gateway heartbeat, other members' requests).
 */
export class WorkerEmbedder implements Embedder {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: Float32Array[]) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;

  private constructor(
    private readonly worker: Worker,
    readonly modelId: string,
    readonly dims: number,
    readonly maxTokens: number,
  ) {
    worker.on('message', (reply: EmbedReply) => {
      if (reply.type !== 'result' && reply.type !== 'error') return;
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if (reply.type === 'result') waiter.resolve(reply.vectors);
      else waiter.reject(new Error(`embedding failed: ${reply.message}`));
    });
    worker.on('error', (error) => this.fail(new Error(`embedding worker crashed: ${error.message}`)));
    worker.on('exit', (code) => this.fail(new Error(`embedding worker exited (code ${code})`)));
  }

  static async start(spec: EmbedderSpec): Promise<WorkerEmbedder> {
    const worker = startWorker(new URL('./embed-worker.ts', import.meta.url), { workerData: spec });
    let onMessage: (reply: EmbedReply) => void = () => {};
    let onError: (error: Error) => void = () => {};
    let onExit: (code: number) => void = () => {};
    try {
      const ready = await new Promise<Extract<EmbedReply, { type: 'ready' }>>((resolve, reject) => {
        onMessage = (reply) => {
          if (reply.type === 'ready') resolve(reply);
          else if (reply.type === 'init-error') reject(new Error(reply.message));
        };
        onError = reject;
        onExit = (code) => reject(new Error(`embedding worker exited during start (code ${code})`));
        worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      });
      return new WorkerEmbedder(worker, ready.modelId, ready.dims, ready.maxTokens);
    } catch (error) {
      await worker.terminate();
      throw error;
    } finally {
      // Only our own listeners: removeAllListeners() would also drop the ones Worker uses internally.
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
    }
  }

  embed(texts: string[], kind: TextKind): Promise<Float32Array[]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'embed', id, texts, kind } satisfies EmbedRequest);
    });
  }

  async close(): Promise<void> {
    this.fail(new Error('embedder closed'));
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}
