/**
 * Fetching pages and feeds from the open web, defensively: a time limit over the whole request, a
 * size limit counted while the body streams in, a content-type check, redirects followed by hand
 * (each hop is checked again) and refusal of loopback, link-local and private addresses. The address
 * check runs twice: before each request (clear reasons) and inside the connection's DNS lookup, so a
 * name that resolves to a public address first and to a private one at connect time is refused too.
 */
import { lookup as dnsLookup } from 'node:dns';
import { lookup as dnsLookupAsync } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, buildConnector, fetch as undiciFetch, type Response } from 'undici';
import { reasonText } from '../core/failure.ts';
import type { FetchSettings } from './config.ts';
import type { FetchReason, RefusedRange } from './failure.ts';

/** A fetch refused or failed, with why as a code (worded by each front end, see ingest/failure.ts). */
export class FetchError extends Error {
  constructor(
    readonly url: string,
    readonly reason: FetchReason,
  ) {
    super(`${url}: ${reasonText(reason)}`);
    this.name = 'FetchError';
  }

  /** Worth trying again later (the server or the network may recover); the rest is final. */
  get transient(): boolean {
    const r = this.reason;
    return r.code === 'timeout' || r.code === 'network' || r.code === 'robots-unreachable' || (r.code === 'http-status' && (r.status >= 500 || r.status === 429));
  }
}

/** What a fetch may accept as its answer's media type. */
export const HTML_TYPES = ['text/html', 'application/xhtml+xml'];
export const FEED_TYPES = [
  'application/rss+xml',
  'application/atom+xml',
  'application/rdf+xml',
  'application/xml',
  'text/xml',
  'application/x-rss+xml',
  'application/x-atom+xml',
];

export interface FetchRequest {
  url: string;
  /** Accepted media types (without parameters). */
  accept: readonly string[];
  /** For conditional requests. */
  etag?: string | null;
  lastModified?: string | null;
}

export interface Fetched {
  /** The address the body came from, after redirects. */
  url: string;
  status: number;
  /** True for a 304 answer to a conditional request: no body. */
  notModified: boolean;
  mediaType: string | null;
  /** The charset parameter of Content-Type, if any. */
  charset: string | null;
  etag: string | null;
  lastModified: string | null;
  bytes: Uint8Array;
  redirects: number;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Why an address may not be fetched, or null when it is a public unicast address. */
export function addressRefusal(address: string): FetchReason | null {
  const range = refusedRange(address);
  return range === null ? null : { code: 'private-address', host: address, address, range };
}

/** The range of a refused address ("loopback", "private"…), or null for public unicast. */
export function refusedRange(address: string): RefusedRange | null {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
  } catch {
    return 'unparseable';
  }
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    // ::ffff:a.b.c.d is the IPv4 address a.b.c.d itself: judged as IPv4.
    if (v6.isIPv4MappedAddress()) parsed = v6.toIPv4Address();
    else {
      // Only global unicast 2000::/3 is public. ipaddr.js calls "unicast" whatever it has no name
      // for, e.g. the IPv4-compatible ::a.b.c.d (::/96) that reaches 127.0.0.1 or 169.254.169.254.
      const first = v6.parts[0]!;
      if (first >> 13 !== 0b001) {
        const range = v6.range();
        if (range !== 'unicast') return (KNOWN_RANGES as readonly string[]).includes(range) ? (range as RefusedRange) : 'reserved';
        return v6.parts.slice(0, 6).every((p) => p === 0) ? 'ipv4Compatible' : 'notGlobalUnicast';
      }
    }
  }
  const range = parsed.range();
  // Only ordinary public unicast: loopback, private, link-local, unique-local, carrier-grade NAT,
  // multicast, reserved and the IPv6 transition ranges that embed an IPv4 address are all refused.
  if (range === 'unicast') return null;
  return (KNOWN_RANGES as readonly string[]).includes(range) ? (range as RefusedRange) : 'reserved';
}

const KNOWN_RANGES = [
  'loopback', 'private', 'linkLocal', 'uniqueLocal', 'carrierGradeNat', 'unspecified', 'broadcast', 'multicast', 'reserved',
  'ipv4Mapped', 'rfc6052', 'rfc6145', '6to4', 'teredo',
] as const satisfies readonly RefusedRange[];

export function hostAllowed(hostname: string, settings: Pick<FetchSettings, 'allowHosts'>): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return settings.allowHosts.includes(host);
}

export class AddressRefused extends Error {
  constructor(readonly reason: FetchReason) {
    super(reasonText(reason));
    this.name = 'AddressRefused';
  }
}

/** Resolves a host name and refuses it if any of its addresses is not public (unless allow-listed). */
export async function checkHost(hostname: string, settings: Pick<FetchSettings, 'allowHosts'>): Promise<void> {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (hostAllowed(host, settings)) return;
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await dnsLookupAsync(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch (error) {
      throw new AddressRefused({ code: 'unresolvable-host', host, errno: (error as NodeJS.ErrnoException).code ?? null });
    }
  }
  if (addresses.length === 0) throw new AddressRefused({ code: 'no-address', host });
  for (const address of addresses) {
    const range = refusedRange(address);
    if (range !== null) throw new AddressRefused({ code: 'private-address', host, address, range });
  }
}

/** The DNS lookup used when connecting: the same check, on the addresses actually connected to. */
export function guardedLookup(settings: Pick<FetchSettings, 'allowHosts'>): LookupFunction {
  return ((hostname: string, options: { all?: boolean } & Record<string, unknown>, callback: (...args: unknown[]) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error);
      const list = addresses as unknown as { address: string; family: number }[];
      if (!hostAllowed(hostname, settings)) {
        for (const a of list) {
          const range = refusedRange(a.address);
          if (range !== null) return callback(new AddressRefused({ code: 'private-address', host: hostname, address: a.address, range }));
        }
      }
      if (options.all) return callback(null, list);
      const first = list[0];
      if (!first) return callback(new AddressRefused({ code: 'no-address', host: hostname }));
      return callback(null, first.address, first.family);
    });
  }) as unknown as LookupFunction;
}

/**
 * The connector every request goes through. Node skips the DNS lookup for a literal address, so
 * guardedLookup never sees one: the same check runs here on the host itself before connecting.
 */
export function guardedConnector(settings: Pick<FetchSettings, 'allowHosts' | 'timeoutMs'>): buildConnector.connector {
  const connect = buildConnector({ lookup: guardedLookup(settings), timeout: settings.timeoutMs });
  return (options, callback) => {
    const host = options.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && !hostAllowed(host, settings)) {
      const range = refusedRange(host);
      if (range !== null) return callback(new AddressRefused({ code: 'private-address', host, address: host, range }), null);
    }
    return connect(options, callback);
  };
}

const agents = new Map<string, Agent>();

function agentFor(settings: FetchSettings): Agent {
  const key = settings.allowHosts.join(',');
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({ connect: guardedConnector(settings), keepAliveTimeout: 1000 });
    agents.set(key, agent);
  }
  return agent;
}

/** Closes the connection pools (tests, shutdown). */
export async function closeFetchAgents(): Promise<void> {
  const all = [...agents.values()];
  agents.clear();
  await Promise.all(all.map((a) => a.close().catch(() => undefined)));
}

/** Fetches one URL with every safety rule applied. Throws FetchError with a reason code. */
export async function safeFetch(request: FetchRequest, settings: FetchSettings): Promise<Fetched> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), settings.timeoutMs);
  let current = request.url;
  try {
    for (let redirects = 0; ; redirects++) {
      const url = parseHttpUrl(current);
      try {
        await checkHost(url.hostname, settings);
      } catch (error) {
        if (error instanceof AddressRefused) throw new FetchError(current, error.reason);
        throw error;
      }
      const headers: Record<string, string> = {
        'user-agent': settings.userAgent,
        accept: `${request.accept.join(', ')}, */*;q=0.1`,
        'accept-language': 'fr, en;q=0.5',
      };
      if (request.etag) headers['if-none-match'] = request.etag;
      if (request.lastModified) headers['if-modified-since'] = request.lastModified;
      let response: Response;
      try {
        response = await undiciFetch(url, { headers, redirect: 'manual', signal: controller.signal, dispatcher: agentFor(settings) });
      } catch (error) {
        throw toFetchError(current, error, controller.signal, settings);
      }
      if (REDIRECT_STATUSES.has(response.status)) {
        await response.body?.cancel().catch(() => undefined);
        const location = response.headers.get('location');
        if (!location) throw new FetchError(current, { code: 'redirect-without-location', status: response.status });
        if (redirects >= settings.maxRedirects) {
          throw new FetchError(request.url, { code: 'too-many-redirects', max: settings.maxRedirects });
        }
        current = new URL(location, url).toString();
        continue;
      }
      const common = {
        url: current,
        status: response.status,
        etag: response.headers.get('etag'),
        lastModified: response.headers.get('last-modified'),
        redirects,
      };
      if (response.status === 304) {
        await response.body?.cancel().catch(() => undefined);
        return { ...common, notModified: true, mediaType: null, charset: null, bytes: new Uint8Array() };
      }
      if (response.status < 200 || response.status > 299) {
        await response.body?.cancel().catch(() => undefined);
        throw new FetchError(current, { code: 'http-status', status: response.status, statusText: response.statusText ?? '' });
      }
      const { mediaType, charset } = parseContentType(response.headers.get('content-type'));
      if (mediaType === null || !request.accept.includes(mediaType)) {
        await response.body?.cancel().catch(() => undefined);
        throw new FetchError(current, { code: 'content-type', got: mediaType, expected: [...request.accept] });
      }
      const declared = Number(response.headers.get('content-length') ?? NaN);
      if (Number.isFinite(declared) && declared > settings.maxBytes && !response.headers.get('content-encoding')) {
        await response.body?.cancel().catch(() => undefined);
        throw new FetchError(current, { code: 'response-too-large', limit: settings.maxBytes });
      }
      const bytes = await readLimited(response, current, settings, controller);
      return { ...common, notModified: false, mediaType, charset, bytes };
    }
  } finally {
    clearTimeout(timer);
  }
}

async function readLimited(response: Response, url: string, settings: FetchSettings, controller: AbortController): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > settings.maxBytes) {
        controller.abort();
        throw new FetchError(url, { code: 'response-too-large', limit: settings.maxBytes });
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof FetchError) throw error;
    throw toFetchError(url, error, controller.signal, settings);
  } finally {
    reader.releaseLock?.();
  }
  return Buffer.concat(chunks);
}

function toFetchError(url: string, error: unknown, signal: AbortSignal, settings: FetchSettings): FetchError {
  if (error instanceof FetchError) return error;
  const seconds = settings.timeoutMs / 1000;
  if (signal.aborted) return new FetchError(url, { code: 'timeout', phase: 'answer', seconds });
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if (e instanceof AddressRefused) return new FetchError(url, e.reason);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'UND_ERR_CONNECT_TIMEOUT') return new FetchError(url, { code: 'timeout', phase: 'connect', seconds });
    if (typeof code === 'string' && code !== 'UND_ERR' && (code.startsWith('E') || code.startsWith('UND_'))) {
      return new FetchError(url, { code: 'network', errno: code });
    }
  }
  // No error code: the innermost cause says most (undici's own message is "fetch failed").
  let inner: unknown = error;
  while ((inner as { cause?: unknown }).cause) inner = (inner as { cause?: unknown }).cause;
  return new FetchError(url, { code: 'network', errno: null, detail: inner instanceof Error ? inner.message : String(inner) });
}

export function parseHttpUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new FetchError(raw, { code: 'invalid-url' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new FetchError(raw, { code: 'unsupported-scheme', scheme: url.protocol.replace(/:$/, '') });
  if (url.username || url.password) throw new FetchError(raw, { code: 'credentials-in-url' });
  url.hash = '';
  return url;
}

export function parseContentType(header: string | null): { mediaType: string | null; charset: string | null } {
  if (!header) return { mediaType: null, charset: null };
  const [type, ...params] = header.split(';');
  let charset: string | null = null;
  for (const p of params) {
    const m = /^\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(p);
    if (m) charset = m[1]!.toLowerCase();
  }
  return { mediaType: type!.trim().toLowerCase() || null, charset };
}
