/**
 * A process that serves a small API over its IPC channel the way the shard manager serves the index
 * writer (src/discord/shards/rpc.ts `serve`). Forked by shard-rpc.test.ts; argument `silent`: it
 * reads calls and never answers (a writer that is stuck).
 */
import { BusyError } from '../../src/app/depeche.ts';
import { serve, type Shape } from '../../src/discord/shards/rpc.ts';
import { FeedError } from '../../src/ingest/feeds/service.ts';

export interface TestApi {
  echo(bytes: Uint8Array, label?: string): Promise<{ label: string | null; bytes: Uint8Array; length: number }>;
  count(to: number, onProgress?: (n: number) => void): Promise<number>;
  busy(): Promise<never>;
  badFeed(): Promise<never>;
  hang(): Promise<never>;
  exit(): Promise<never>;
}

export const SHAPE: Shape<TestApi> = {
  echo: { progressAt: null },
  count: { progressAt: 1 },
  busy: { progressAt: null },
  badFeed: { progressAt: null },
  hang: { progressAt: null },
  exit: { progressAt: null },
};

const api: TestApi = {
  echo: async (bytes, label) => ({ label: label ?? null, bytes, length: bytes.length }),
  count: async (to, onProgress) => {
    for (let i = 1; i <= to; i++) onProgress?.(i);
    return to;
  },
  busy: async () => {
    throw new BusyError();
  },
  badFeed: async () => {
    throw new FeedError({ code: 'invalid-url' });
  },
  hang: () => new Promise<never>(() => {}),
  exit: async () => process.exit(3),
};

if (process.send) {
  const handle = serve(api, SHAPE);
  if (process.argv[2] === 'silent') process.on('message', () => {});
  else process.on('message', (m) => handle(m, (reply) => process.send!(reply)));
  // Messages sent before a listener exists are lost: the test calls once this arrives.
  process.send({ listening: true });
}
