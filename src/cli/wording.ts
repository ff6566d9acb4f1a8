/**
 * The English wording of every reason code (core/failure.ts, ingest/failure.ts) and reindex note, for
 * the command line, whose whole output is English like the README. Each switch is exhaustive: a new
 * code without its wording does not compile.
 */
import type { ReindexNote } from '../app/indexer.ts';
import type { ValueKind } from '../core/failure.ts';
import type { FailureReason, RefusedRange } from '../ingest/failure.ts';

export function describeFailure(reason: FailureReason): string {
  switch (reason.code) {
    case 'unsupported-type':
      return `unsupported file type (${reason.ext || 'no extension'}): use .md or .txt`;
    case 'file-too-large':
      return `file too large (${size(reason.bytes)}, the limit is ${size(reason.limit)})`;
    case 'binary':
      return 'binary file, not text';
    case 'unreadable-encoding':
      return 'unreadable encoding (save the file as UTF-8)';
    case 'no-text':
      return 'no text';
    case 'only-boilerplate':
      return 'no article text left once page boilerplate is removed';
    case 'front-matter-unclosed':
      return 'unclosed front matter: the first line is --- but no closing --- line follows';
    case 'front-matter-syntax':
      return `bad front matter${reason.line !== null ? ` at line ${reason.line}` : ''}: ${reason.detail}`;
    case 'front-matter-shape':
      return 'bad front matter: expected "key: value" lines (title, source, url, published, language)';
    case 'front-matter-not-text':
      return `bad front matter: ${reason.field} must be text (got ${KINDS[reason.got]})`;
    case 'front-matter-url':
      return `bad front matter: url must be an http(s) address (got "${reason.value}")`;
    case 'front-matter-date':
      return `bad front matter: published must be a date like 2024-05-31 (got ${reason.value !== null ? `"${reason.value}"` : KINDS[reason.got ?? 'other']})`;
    case 'id-clash':
      return `same article id "${reason.id}" as ${reason.with}: rename one of the two files`;
    case 'unreadable-file':
      return `unreadable file${reason.errno ? ` (${reason.errno})` : ''}`;
    case 'duplicate':
      return `same text as article ${reason.of}, already in the corpus`;
    case 'unchanged':
      return `unchanged: article ${reason.of} already has this text`;
    case 'not-indexed':
      return 'was not indexed';
    case 'invalid-url':
      return 'not a valid address (expected https://…)';
    case 'unsupported-scheme':
      return `only http and https addresses can be fetched (got ${reason.scheme}:)`;
    case 'credentials-in-url':
      return 'addresses with a user name or password are refused';
    case 'private-address': {
      const what = reason.host === reason.address ? `${reason.host} is a ${RANGES[reason.range]} address` : `${reason.host} resolves to ${reason.address}, a ${RANGES[reason.range]} address`;
      return `refused: ${what} (add the host to FETCH_ALLOW_HOSTS to allow it)`;
    }
    case 'unresolvable-host':
      return `cannot resolve ${reason.host}${reason.errno ? ` (${reason.errno})` : ''}`;
    case 'no-address':
      return `${reason.host} has no address`;
    case 'timeout':
      return reason.phase === 'connect' ? `could not connect within ${reason.seconds} s` : `no complete answer within ${reason.seconds} s (FETCH_TIMEOUT_MS)`;
    case 'network':
      return `network error (${reason.errno ?? reason.detail ?? 'unknown'})`;
    case 'http-status':
      return `the server answered ${reason.status}${reason.statusText ? ` ${reason.statusText}` : ''}`;
    case 'redirect-without-location':
      return `redirect (${reason.status}) without a Location header`;
    case 'too-many-redirects':
      return `too many redirects (more than ${reason.max})`;
    case 'content-type':
      return `unexpected content type "${reason.got ?? 'none'}" (expected ${reason.expected.join(' or ')})`;
    case 'response-too-large':
      return `the answer is larger than ${size(reason.limit)} (FETCH_MAX_BYTES)`;
    case 'not-modified-unconditional':
      return 'the server answered 304 Not Modified to an unconditional request';
    case 'robots-disallowed':
      return `${reason.host}'s robots.txt disallows ${reason.path} for the bot`;
    case 'robots-unreachable':
      return `${reason.host}'s robots.txt could not be read${reason.status === null ? '' : ` (the server answered ${reason.status})`}: nothing is fetched from the site for now, tried again later`;
    case 'unknown-charset':
      return `unknown character encoding "${reason.label}"`;
    case 'undecodable':
      return `cannot decode "${reason.encoding}"`;
    case 'no-article-text':
      return reason.chars === 0
        ? 'no article text found on the page (not an article?)'
        : `no article text found on the page: only ${reason.chars} characters of main text (not an article?)`;
    case 'paywalled':
      return `paywalled: only a teaser is readable (${reason.chars} characters), the article is for subscribers`;
    case 'not-a-feed':
      return `not an RSS or Atom feed${reason.detail ? ` (${reason.detail})` : ''}`;
    case 'item-without-link':
      return 'item without a link';
    case 'item-bad-link':
      return `item link is not an http(s) address: "${reason.link}"`;
    case 'item-unreadable':
      return `unreadable item${reason.detail ? ` (${reason.detail})` : ''}`;
    case 'same-page':
      return `same article as ${reason.as}`;
    case 'indexing-failed':
      return `indexing failed: ${reason.detail}`;
    case 'unrecorded':
      return reason.detail;
    default:
      return unreachable(reason);
  }
}

export function describeNote(note: ReindexNote): string {
  switch (note.code) {
    case 'model-changed':
      return `the index was built with model ${note.from}; re-embedding everything with ${note.to}`;
    case 'chunking-changed':
      return 'passage settings changed since the last run; cutting every article again';
    case 'kept-previous':
      return `${note.file}: kept the previously indexed version`;
    case 'index-rebuilt':
      return `${note.detail}: rebuilt it from the stored vectors`;
    default:
      return unreachable(note);
  }
}

const RANGES: Record<RefusedRange, string> = {
  loopback: 'loopback',
  private: 'private network',
  linkLocal: 'link-local',
  uniqueLocal: 'private network (unique local)',
  carrierGradeNat: 'carrier-grade NAT',
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  reserved: 'reserved',
  ipv4Mapped: 'IPv4-mapped',
  rfc6052: 'NAT64 (IPv4-embedding)',
  rfc6145: 'IPv4-translated',
  '6to4': '6to4 (IPv4-embedding)',
  teredo: 'Teredo (IPv4-embedding)',
  ipv4Compatible: 'IPv4-compatible IPv6',
  notGlobalUnicast: 'non-global IPv6',
  unparseable: 'unparseable',
};

const KINDS: Record<ValueKind, string> = { list: 'a list', date: 'a date', mapping: 'a mapping', number: 'a number', boolean: 'a boolean', other: 'another kind of value' };

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Number((bytes / 1024 / 1024).toFixed(1))} MB` : `${Math.round(bytes / 1024)} KB`;
}

/** Compile time: every code has its wording. Run time (a report stored by an older version): a neutral phrase. */
function unreachable(_value: never): string {
  return 'unknown reason';
}
