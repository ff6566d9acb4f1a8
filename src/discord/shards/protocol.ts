/**
 * The messages exchanged between the manager process (which hosts the index writer) and its shard
 * processes, over the channel discord.js's ShardingManager opens (process.send / shard.send). Each
 * message carries `depeche` so the sharding messages discord.js sends on the same channel
 * (_ready, _eval, _fetchProp...) are never mistaken for ours, nor ours for theirs.
 */
import { BusyError, LockedError } from '../../app/depeche.ts';
import type { FailureReason } from '../../ingest/failure.ts';
import { FeedError } from '../../ingest/feeds/service.ts';

/** A shard asks the writer to run one method. `progress`: the caller wants progress messages. */
export interface CallMessage {
  depeche: 'call';
  id: number;
  method: string;
  args: unknown[];
  progress: boolean;
}

/** The writer received a call (sent at once: a writer that does not ack within the timeout is down). */
export interface AckMessage {
  depeche: 'ack';
  id: number;
}

export interface ProgressMessage {
  depeche: 'progress';
  id: number;
  progress: unknown;
}

export interface ResultMessage {
  depeche: 'result';
  id: number;
  ok: boolean;
  value?: unknown;
  error?: WireError;
}

/** Broadcast by the writer: what it last committed and whether it is writing now. */
export interface StateMessage {
  depeche: 'state';
  generation: number | null;
  busy: boolean;
}

export type ToWriter = CallMessage;
export type ToShard = AckMessage | ProgressMessage | ResultMessage | StateMessage;

export function isToWriter(message: unknown): message is ToWriter {
  return isOurs(message) && message.depeche === 'call';
}

export function isToShard(message: unknown): message is ToShard {
  return isOurs(message) && ['ack', 'progress', 'result', 'state'].includes(message.depeche);
}

function isOurs(message: unknown): message is { depeche: string } {
  return typeof message === 'object' && message !== null && typeof (message as { depeche?: unknown }).depeche === 'string';
}

/** An error as it crosses the channel: enough to rebuild the classes commands test with instanceof. */
export interface WireError {
  name: string;
  message: string;
  reason?: FailureReason;
  holderPid?: number;
  since?: string;
}

export function errorToWire(error: unknown): WireError {
  if (error instanceof FeedError) return { name: error.name, message: error.message, reason: error.reason };
  if (error instanceof LockedError) return { name: error.name, message: error.message, holderPid: error.holderPid, since: error.since };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** A failure the writer reported that has no class of its own here: name and message kept. */
export class WriterError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export function errorFromWire(wire: WireError): Error {
  if (wire.name === 'BusyError') return new BusyError();
  if (wire.name === 'FeedError' && wire.reason) return new FeedError(wire.reason);
  if (wire.name === 'LockedError' && wire.holderPid !== undefined && wire.since !== undefined) return new LockedError(wire.holderPid, wire.since);
  return new WriterError(wire.name, wire.message);
}

/**
 * The channel serializes as JSON (discord.js forks shards with the default serialization), where a
 * Buffer would become an array of numbers: bytes travel as base64 and come back as Buffers.
 */
export function encode(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (Array.isArray(value)) return value.map(encode);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
  return value;
}

export function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value && typeof value === 'object') {
    const bytes = (value as { $bytes?: unknown }).$bytes;
    if (typeof bytes === 'string' && Object.keys(value).length === 1) return Buffer.from(bytes, 'base64');
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
  }
  return value;
}
