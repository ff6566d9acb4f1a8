/**
 * A small typed request/response layer over the manager↔shard channel. The manager serves an
 * object's methods (`serve`); a shard gets an object with the same signatures (`remote`) whose
 * calls travel to the manager and back. Nothing here knows what the methods do: the writer API
 * (writer-api.ts) is one use, per-library calls can be another.
 */
import { decode, encode, errorFromWire, errorToWire, isToShard, isToWriter, type CallMessage, type StateMessage, type ToShard } from './protocol.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Method = (...args: any[]) => Promise<unknown>;

/** Per method: the position of its progress callback, or null when it takes none. */
export type Shape<Api> = { readonly [K in keyof Api]: { readonly progressAt: number | null } };

/** The writer process does not answer: it exited, is restarting, or is stuck. */
export class WriterUnavailableError extends Error {
  constructor(reason: string) {
    super(`the index writer (the manager process) is not reachable: ${reason}`);
    this.name = 'WriterUnavailableError';
  }
}

/** One end of the channel as a shard sees it (its own process, forked by the ShardingManager). */
export interface ShardChannel {
  send(message: CallMessage): void;
  onMessage(listener: (message: unknown) => void): () => void;
  onDisconnect(listener: () => void): () => void;
  readonly connected: boolean;
}

/** The channel of this process to its parent, when it was forked with one. */
export function parentChannel(proc: NodeJS.Process = process): ShardChannel | null {
  if (!proc.send) return null;
  return {
    send: (message) => void proc.send!(message),
    onMessage(listener) {
      proc.on('message', listener);
      return () => proc.off('message', listener);
    },
    onDisconnect(listener) {
      proc.on('disconnect', listener);
      return () => proc.off('disconnect', listener);
    },
    get connected() {
      return proc.connected === true;
    },
  };
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  progress: ((p: unknown) => void) | null;
  ackTimer: NodeJS.Timeout | null;
}

/**
 * The shard's side: sends calls, matches answers by id. A call fails with WriterUnavailableError
 * when the writer does not acknowledge it within `ackTimeoutMs` or the channel closes; once
 * acknowledged, a call may run as long as the work takes (a full reindex takes minutes).
 */
export class RpcClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly stateListeners = new Set<(state: StateMessage) => void>();
  private readonly detach: (() => void)[];
  /** The writer's last announced state; null until it has announced one. */
  state: StateMessage | null = null;

  constructor(
    private readonly channel: ShardChannel,
    private readonly options: { ackTimeoutMs: number },
  ) {
    this.detach = [channel.onMessage((m) => this.receive(m)), channel.onDisconnect(() => this.failAll('the channel to the manager closed'))];
  }

  call(method: string, args: unknown[], progress: ((p: unknown) => void) | null = null): Promise<unknown> {
    if (!this.channel.connected) return Promise.reject(new WriterUnavailableError('the channel to the manager is closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const entry: Pending = { resolve, reject, progress, ackTimer: null };
      entry.ackTimer = setTimeout(() => {
        this.pending.delete(id);
        reject(new WriterUnavailableError(`no acknowledgement within ${this.options.ackTimeoutMs} ms`));
      }, this.options.ackTimeoutMs);
      this.pending.set(id, entry);
      try {
        this.channel.send({ depeche: 'call', id, method, args: args.map(encode), progress: progress !== null });
      } catch (error) {
        clearTimeout(entry.ackTimer);
        this.pending.delete(id);
        reject(new WriterUnavailableError(error instanceof Error ? error.message : String(error)));
      }
    });
  }

  onState(listener: (state: StateMessage) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  close(): void {
    for (const d of this.detach) d();
    this.failAll('the shard is stopping');
  }

  private receive(message: unknown): void {
    if (!isToShard(message)) return; // discord.js's own sharding messages
    if (message.depeche === 'state') {
      this.state = message;
      for (const l of this.stateListeners) l(message);
      return;
    }
    const entry = this.pending.get(message.id);
    if (!entry) return; // answered after its time-out
    if (message.depeche === 'ack') {
      if (entry.ackTimer) clearTimeout(entry.ackTimer);
      entry.ackTimer = null;
    } else if (message.depeche === 'progress') {
      entry.progress?.(decode(message.progress));
    } else {
      if (entry.ackTimer) clearTimeout(entry.ackTimer);
      this.pending.delete(message.id);
      if (message.ok) entry.resolve(decode(message.value));
      else entry.reject(errorFromWire(message.error ?? { name: 'Error', message: 'the writer failed without saying why' }));
    }
  }

  private failAll(reason: string): void {
    for (const [id, entry] of this.pending) {
      if (entry.ackTimer) clearTimeout(entry.ackTimer);
      this.pending.delete(id);
      entry.reject(new WriterUnavailableError(reason));
    }
  }
}

/** An object with `Api`'s methods, each a call through `client`. */
export function remote<Api extends { [K in keyof Api]: Method }>(client: RpcClient, shape: Shape<Api>): Api {
  const api: Record<string, Method> = {};
  for (const [name, { progressAt }] of Object.entries(shape) as [string, { progressAt: number | null }][]) {
    api[name] = (...args: unknown[]) => {
      const progress = progressAt !== null && typeof args[progressAt] === 'function' ? (args[progressAt] as (p: unknown) => void) : null;
      return client.call(name, progressAt === null ? args : args.slice(0, progressAt), progress);
    };
  }
  return api as Api;
}

/**
 * The manager's side: answers the calls one shard sends with `impl`'s methods. `reply` sends to
 * that shard; `changed` runs when a call has started and when it has settled (the manager then
 * announces whether it is busy and which generation it committed).
 */
export function serve<Api extends { [K in keyof Api]: Method }>(
  impl: Api,
  shape: Shape<Api>,
  hooks: { changed?: () => void; onError?: (method: string, error: unknown) => void } = {},
): (message: unknown, reply: (message: ToShard) => void) => boolean {
  const methods = new Set(Object.keys(shape));
  return (message, reply) => {
    if (!isToWriter(message)) return false;
    const { id, method } = message;
    reply({ depeche: 'ack', id });
    const fail = (error: unknown) => reply({ depeche: 'result', id, ok: false, error: errorToWire(error) });
    if (!methods.has(method)) {
      fail(new Error(`unknown method ${method}`));
      return true;
    }
    // JSON has no undefined: a missing argument arrives as null.
    const args = message.args.map((a) => (a === null ? undefined : decode(a)));
    const { progressAt } = shape[method as keyof Api];
    if (progressAt !== null) {
      args.length = progressAt;
      if (message.progress) args.push((p: unknown) => reply({ depeche: 'progress', id, progress: encode(p) }));
    }
    let running: Promise<unknown>;
    try {
      running = (impl[method as keyof Api] as Method).apply(impl, args);
    } catch (error) {
      running = Promise.reject(error);
    }
    hooks.changed?.();
    running
      .then(
        (value) => reply({ depeche: 'result', id, ok: true, value: encode(value) }),
        (error: unknown) => {
          hooks.onError?.(method, error);
          fail(error);
        },
      )
      .finally(() => hooks.changed?.());
    return true;
  };
}
