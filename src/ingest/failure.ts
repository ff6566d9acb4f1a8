/**
 * Why a page or a feed could not be taken, as data (codes with details), extending the article
 * reasons of core/failure.ts. Front ends word them in their own language; logs keep them as they are.
 */
import type { ArticleReason } from '../core/failure.ts';

/** Address ranges that are never fetched (ipaddr.js range names, plus what an address may fail as). */
export type RefusedRange =
  | 'loopback'
  | 'private'
  | 'linkLocal'
  | 'uniqueLocal'
  | 'carrierGradeNat'
  | 'unspecified'
  | 'broadcast'
  | 'multicast'
  | 'reserved'
  | 'ipv4Mapped'
  | 'rfc6052'
  | 'rfc6145'
  | '6to4'
  | 'teredo'
  /** ::a.b.c.d (::/96), deprecated IPv4-compatible IPv6. */
  | 'ipv4Compatible'
  /** Any other IPv6 address outside global unicast 2000::/3. */
  | 'notGlobalUnicast'
  | 'unparseable';

export type FetchReason =
  | { code: 'invalid-url' }
  | { code: 'unsupported-scheme'; scheme: string }
  | { code: 'credentials-in-url' }
  /** `host` is or resolves to `address`, in a refused range (FETCH_ALLOW_HOSTS lifts it). */
  | { code: 'private-address'; host: string; address: string; range: RefusedRange }
  | { code: 'unresolvable-host'; host: string; errno: string | null }
  | { code: 'no-address'; host: string }
  /** No complete answer (`phase: 'answer'`) or no connection (`'connect'`) within `seconds`. */
  | { code: 'timeout'; phase: 'connect' | 'answer'; seconds: number }
  /** `errno` e.g. ECONNREFUSED; `detail` the library's own message when there is no code. */
  | { code: 'network'; errno: string | null; detail?: string }
  | { code: 'http-status'; status: number; statusText: string }
  | { code: 'redirect-without-location'; status: number }
  | { code: 'too-many-redirects'; max: number }
  | { code: 'content-type'; got: string | null; expected: string[] }
  | { code: 'response-too-large'; limit: number }
  /** A 304 to a request that had no validators to send. */
  | { code: 'not-modified-unconditional' }
  /** The site's robots.txt disallows `path` for the bot's user agent: never fetched. */
  | { code: 'robots-disallowed'; host: string; path: string }
  /**
   * The site's robots.txt could not be read (`status` its 5xx or 429 answer, null for a network
   * failure or time-out): RFC 9309 §2.3.1.4 says assume everything disallowed; the page is tried
   * again later.
   */
  | { code: 'robots-unreachable'; host: string; status: number | null };

export type DecodeReason = { code: 'unknown-charset'; label: string } | { code: 'undecodable'; encoding: string };

/** `chars`: how much main text the page had. */
export type ExtractReason = { code: 'no-article-text'; chars: number } | { code: 'paywalled'; chars: number };

export type FeedReason =
  /** `detail`: the parser's own message, for logs. */
  | { code: 'not-a-feed'; detail: string | null }
  | { code: 'item-without-link' }
  | { code: 'item-bad-link'; link: string }
  | { code: 'item-unreadable'; detail: string | null };

export type StoreReason =
  /** Two addresses of one batch give the same article (same canonical address). */
  | { code: 'same-page'; as: string }
  /** Indexing failed: nothing was kept (`detail` is the error, for logs). */
  | { code: 'indexing-failed'; detail: string }
  /** A failure recorded before reasons were stored as codes: only its old text (`detail`) is known. */
  | { code: 'unrecorded'; detail: string };

export type IngestReason = FetchReason | DecodeReason | ExtractReason | FeedReason | StoreReason;

/** Every reason a front end may have to word. */
export type FailureReason = ArticleReason | IngestReason;
export type FailureCode = FailureReason['code'];
