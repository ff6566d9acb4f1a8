/**
 * The manager↔shard request/response layer (src/discord/shards/rpc.ts) over a real IPC channel: a
 * forked child process serves a small API the way the manager serves the writer; this process
 * calls it through `remote`, as a shard does. What a shard's command would notice: results and
 * bytes arrive intact, progress arrives before the result, the writer's errors keep their class
 * (commands test them with instanceof), and a writer that is down or dies fails the call clearly.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BusyError } from '../src/app/depeche.ts';
import { FeedError } from '../src/ingest/feeds/service.ts';
import { remote, RpcClient, WriterUnavailableError, type ShardChannel } from '../src/discord/shards/rpc.ts';
import { projectRoot } from './support/discord-bot-harness.ts';
import { SHAPE, type TestApi } from './support/rpc-writer.ts';

const serverFile = join(projectRoot, 'tests/support/rpc-writer.ts');

/** A forked child and the channel to it, seen from this side as a shard sees its manager. */
async function writerProcess(mode: 'serve' | 'silent' = 'serve'): Promise<{ child: ChildProcess; channel: ShardChannel }> {
  const child = fork(serverFile, [mode], { cwd: projectRoot, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise<void>((resolve, reject) => {
    child.on('message', (m: { listening?: boolean }) => m.listening && resolve());
    child.once('exit', (code) => reject(new Error(`the writer process exited (${code}) before listening`)));
  });
  const channel: ShardChannel = {
    send: (m) => void child.send(m),
    onMessage(l) {
      child.on('message', l);
      return () => child.off('message', l);
    },
    onDisconnect(l) {
      child.on('disconnect', l);
      return () => child.off('disconnect', l);
    },
    get connected() {
      return child.connected;
    },
  };
  return { child, channel };
}

describe('shard ↔ writer calls', () => {
  it('results, bytes and progress come back; the writer’s errors keep their class', async () => {
    const { child, channel } = await writerProcess();
    const client = new RpcClient(channel, { ackTimeoutMs: 10_000 });
    const api = remote<TestApi>(client, SHAPE);
    try {
      const bytes = new Uint8Array([0, 1, 2, 250, 255, 10]);
      const echoed = await api.echo(bytes);
      expect(echoed.label).toBeNull(); // a missing argument stays missing
      expect(echoed.length).toBe(6);
      expect([...echoed.bytes]).toEqual([...bytes]);
      expect((await api.echo(Buffer.from('é'), 'x')).label).toBe('x');

      const seen: number[] = [];
      expect(await api.count(4, (n) => seen.push(n))).toBe(4);
      expect(seen).toEqual([1, 2, 3, 4]); // every progress message before the result
      expect(await api.count(2)).toBe(2);

      await expect(api.busy()).rejects.toBeInstanceOf(BusyError);
      const feedError = await api.badFeed().catch((e: unknown) => e);
      expect(feedError).toBeInstanceOf(FeedError);
      expect((feedError as FeedError).reason).toEqual({ code: 'invalid-url' });
    } finally {
      client.close();
      child.kill();
    }
  }, 30_000);

  it('a writer that never acknowledges fails the call with WriterUnavailableError after the time-out', async () => {
    const { child, channel } = await writerProcess('silent');
    const client = new RpcClient(channel, { ackTimeoutMs: 300 });
    try {
      const failure = await remote<TestApi>(client, SHAPE)
        .echo(new Uint8Array([1]))
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(WriterUnavailableError);
      expect(String((failure as Error).message)).toMatch(/not reachable: no acknowledgement within 300 ms/);
    } finally {
      client.close();
      child.kill();
    }
  }, 30_000);

  it('a call in progress when the writer dies fails at once; later calls are refused', async () => {
    const { child, channel } = await writerProcess();
    const client = new RpcClient(channel, { ackTimeoutMs: 10_000 });
    const api = remote<TestApi>(client, SHAPE);
    try {
      await api.count(1); // the writer is up and answering
      const hanging = api.hang().catch((e: unknown) => e);
      const dying = api.exit().catch((e: unknown) => e);
      const [code] = (await once(child, 'exit')) as [number];
      expect(code).toBe(3);
      for (const failure of [await hanging, await dying]) {
        expect(failure).toBeInstanceOf(WriterUnavailableError);
        expect((failure as Error).message).toMatch(/channel to the manager closed/);
      }
      await expect(api.count(1)).rejects.toThrow(/channel to the manager is closed/);
    } finally {
      client.close();
    }
  }, 30_000);
});
