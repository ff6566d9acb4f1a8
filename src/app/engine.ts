import type { Worker } from 'node:worker_threads';
import type { Config } from '../config.ts';
import type { Embedder, EmbedderSpec, TextKind } from '../embed/embedder.ts';
import { LockedError } from '../store/lock.ts';
import { siblingModule, startWorker } from '../worker-thread.ts';
import type { ReindexOptions, ReindexProgress, ReindexReport } from './indexer.ts';

export type EngineRequest =
  | { type: 'load'; id: number; spec: EmbedderSpec }
  | { type: 'embed'; id: number; spec: EmbedderSpec; texts: string[]; kind: TextKind }
  | { type: 'reindex'; id: number; spec: EmbedderSpec; config: Config; options: ReindexOptions };

export type EngineReply =
  | { type: 'loaded'; id: number; modelId: string; dims: number; maxTokens: number }
  | { type: 'vectors'; id: number; vectors: Float32Array[] }
  | { type: 'progress'; id: number; progress: ReindexProgress }
  | { type: 'reindexed'; id: number; report: ReindexReport }
  | { type: 'failed'; id: number; name: string; message: string };

type Loaded = Extract<EngineReply, { type: 'loaded' }>;
type Waiter = { resolve: (reply: EngineReply) => void; reject: (error: Error) => void; onProgress?: (p: ReindexProgress) => void };
type Request = EngineRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/**
 * The main thread's handle on the model thread (see engine-worker.ts): embedding and reindexing
 * run there, so the main thread stays free for Discord's heartbeat and members' questions. One per
 * process, started on first use; it does not keep the process alive while it has nothing to do.
 */
export class Engine {
  private static current: Engine | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Waiter>();
  private failure: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.unref();
    worker.on('message', (reply: EngineReply) => this.receive(reply));
    worker.on('error', (error) => this.fail(new Error(`model thread crashed: ${error.message}`)));
    worker.on('exit', (code) => this.fail(new Error(`model thread exited (code ${code})`)));
  }

  static shared(): Engine {
    Engine.current ??= new Engine(startWorker(siblingModule('./engine-worker.ts', import.meta.url)));
    return Engine.current;
  }

  /** An embedder whose model runs on the model thread; loads the model if it is not loaded yet. */
  async embedder(spec: EmbedderSpec): Promise<Embedder> {
    const loaded = (await this.request({ type: 'load', spec })) as Loaded;
    return {
      modelId: loaded.modelId,
      dims: loaded.dims,
      maxTokens: loaded.maxTokens,
      embed: async (texts, kind) => ((await this.request({ type: 'embed', spec, texts, kind })) as Extract<EngineReply, { type: 'vectors' }>).vectors,
      close: async () => {}, // the model stays loaded for the next user
    };
  }

  async reindex(config: Config, spec: EmbedderSpec, options: ReindexOptions, onProgress?: (p: ReindexProgress) => void): Promise<ReindexReport> {
    const reply = await this.request({ type: 'reindex', spec, config, options }, onProgress);
    return (reply as Extract<EngineReply, { type: 'reindexed' }>).report;
  }

  private request(request: Request, onProgress?: (p: ReindexProgress) => void): Promise<EngineReply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      if (this.pending.size === 1) this.worker.ref(); // work in flight keeps the process alive
      this.worker.postMessage({ ...request, id } as EngineRequest);
    });
  }

  private receive(reply: EngineReply): void {
    const waiter = this.pending.get(reply.id);
    if (!waiter) return;
    if (reply.type === 'progress') {
      waiter.onProgress?.(reply.progress);
      return;
    }
    this.settle(reply.id);
    if (reply.type !== 'failed') waiter.resolve(reply);
    else if (reply.name === 'LockedError') waiter.reject(Object.assign(new LockedError(0, ''), { message: reply.message }));
    else waiter.reject(Object.assign(new Error(reply.message), { name: reply.name }));
  }

  private settle(id: number): void {
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker.unref();
  }

  private fail(error: Error): void {
    // Say it on stderr: a restarted model thread costs a model load and hides a crash otherwise.
    if (!this.failure) process.emitWarning(error.message, 'DepecheModelThread');
    this.failure ??= error;
    if (Engine.current === this) Engine.current = null; // the next request starts a new thread
    for (const [id, waiter] of this.pending) {
      this.settle(id);
      waiter.reject(error);
    }
  }
}
