/**
 * Every reason code and reindex note, worded for each front end: French on Discord with no English
 * left (not even the libraries' own `detail` messages), English on the command line. The samples are
 * typed per code, so a new code without a sample here does not compile.
 */
import { describe, expect, it } from 'vitest';
import type { ReindexNote } from '../src/app/indexer.ts';
import { describeFailure as cliFailure, describeNote as cliNote } from '../src/cli/wording.ts';
import { WriterUnavailableError } from '../src/discord/shards/rpc.ts';
import { describeFailure, describeJobError, describeNote } from '../src/discord/wording.ts';
import type { FailureReason } from '../src/ingest/failure.ts';
import { LockedError } from '../src/store/lock.ts';

type Samples<T extends { code: string }> = { [C in T['code']]: Extract<T, { code: C }>[] };

/** English the libraries write: it goes to the logs, never to a member. */
const YAML_MESSAGE = 'Flow sequence in block collection must be sufficiently indented and end with a ]';

const FAILURES: Samples<FailureReason> = {
  'unsupported-type': [{ code: 'unsupported-type', ext: '.html' }, { code: 'unsupported-type', ext: '' }],
  'file-too-large': [{ code: 'file-too-large', bytes: 3 * 1024 * 1024, limit: 2 * 1024 * 1024 }],
  binary: [{ code: 'binary' }],
  'unreadable-encoding': [{ code: 'unreadable-encoding' }],
  'no-text': [{ code: 'no-text' }],
  'only-boilerplate': [{ code: 'only-boilerplate' }],
  'front-matter-unclosed': [{ code: 'front-matter-unclosed' }],
  'front-matter-syntax': [{ code: 'front-matter-syntax', line: 3, detail: YAML_MESSAGE }, { code: 'front-matter-syntax', line: null, detail: YAML_MESSAGE }],
  'front-matter-shape': [{ code: 'front-matter-shape' }],
  'front-matter-not-text': (['list', 'date', 'mapping', 'number', 'boolean', 'other'] as const).map((got) => ({ code: 'front-matter-not-text' as const, field: 'title', got })),
  'front-matter-url': [{ code: 'front-matter-url', value: 'www.lemonde.fr' }],
  'front-matter-date': [{ code: 'front-matter-date', value: '1er juin 2016', got: null }, { code: 'front-matter-date', value: null, got: 'list' }],
  'id-clash': [{ code: 'id-clash', id: 'comte', with: 'fromages/comte.txt' }],
  'unreadable-file': [{ code: 'unreadable-file', errno: 'EACCES' }, { code: 'unreadable-file', errno: null }],
  duplicate: [{ code: 'duplicate', of: 'xiaomi-brevets' }],
  unchanged: [{ code: 'unchanged', of: 'xiaomi-brevets' }],
  'not-indexed': [{ code: 'not-indexed' }],
  'invalid-url': [{ code: 'invalid-url' }],
  'unsupported-scheme': [{ code: 'unsupported-scheme', scheme: 'ftp' }],
  'credentials-in-url': [{ code: 'credentials-in-url' }],
  'private-address': (['loopback', 'private', 'linkLocal', 'uniqueLocal', 'carrierGradeNat', 'unspecified', 'broadcast', 'multicast', 'reserved', 'ipv4Mapped', 'rfc6052', 'rfc6145', '6to4', 'teredo', 'ipv4Compatible', 'notGlobalUnicast', 'unparseable'] as const).flatMap((range) => [
    { code: 'private-address' as const, host: '10.0.0.7', address: '10.0.0.7', range },
    { code: 'private-address' as const, host: 'intranet.exemple.fr', address: '10.0.0.7', range },
  ]),
  'unresolvable-host': [{ code: 'unresolvable-host', host: 'inconnu.exemple', errno: 'ENOTFOUND' }, { code: 'unresolvable-host', host: 'inconnu.exemple', errno: null }],
  'no-address': [{ code: 'no-address', host: 'vide.exemple' }],
  timeout: [{ code: 'timeout', phase: 'answer', seconds: 1.5 }, { code: 'timeout', phase: 'connect', seconds: 15 }],
  network: [{ code: 'network', errno: 'ECONNRESET' }, { code: 'network', errno: null, detail: 'fetch failed' }],
  'http-status': [404, 410, 429, 500, 503, 418, 599].map((status) => ({ code: 'http-status' as const, status, statusText: 'Not Found' })),
  'redirect-without-location': [{ code: 'redirect-without-location', status: 302 }],
  'too-many-redirects': [{ code: 'too-many-redirects', max: 5 }],
  'content-type': [
    { code: 'content-type', got: 'application/pdf', expected: ['text/html', 'application/xhtml+xml'] },
    { code: 'content-type', got: 'text/html', expected: ['application/rss+xml', 'application/atom+xml'] },
    { code: 'content-type', got: null, expected: ['text/html'] },
  ],
  'response-too-large': [{ code: 'response-too-large', limit: 5 * 1024 * 1024 }, { code: 'response-too-large', limit: 200_000 }],
  'not-modified-unconditional': [{ code: 'not-modified-unconditional' }],
  'robots-disallowed': [{ code: 'robots-disallowed', host: 'www.exemple.fr', path: '/prive/article.html' }],
  'robots-unreachable': [{ code: 'robots-unreachable', host: 'www.exemple.fr', status: 503 }, { code: 'robots-unreachable', host: 'www.exemple.fr', status: null }],
  'unknown-charset': [{ code: 'unknown-charset', label: 'x-inconnu' }],
  undecodable: [{ code: 'undecodable', encoding: 'shift_jis' }],
  'no-article-text': [{ code: 'no-article-text', chars: 0 }, { code: 'no-article-text', chars: 120 }],
  paywalled: [{ code: 'paywalled', chars: 380 }],
  'not-a-feed': [{ code: 'not-a-feed', detail: 'Unexpected close tag' }, { code: 'not-a-feed', detail: null }],
  'item-without-link': [{ code: 'item-without-link' }],
  'item-bad-link': [{ code: 'item-bad-link', link: 'javascript:alert(1)' }],
  'item-unreadable': [{ code: 'item-unreadable', detail: 'Cannot read properties of undefined' }],
  'same-page': [{ code: 'same-page', as: 'https://exemple.fr/a' }],
  'indexing-failed': [{ code: 'indexing-failed', detail: 'the embedding worker exited' }],
  unrecorded: [{ code: 'unrecorded', detail: 'the server answered 500 Internal Server Error' }],
};

const NOTES: Samples<ReindexNote> = {
  'model-changed': [{ code: 'model-changed', from: 'hash-64', to: 'local/use-lite-en' }],
  'chunking-changed': [{ code: 'chunking-changed' }],
  'kept-previous': [{ code: 'kept-previous', file: 'fromage.md' }],
  'index-rebuilt': [{ code: 'index-rebuilt', detail: 'index-000001.hnsw: checksum mismatch (the file is damaged)' }],
};

/** English words that must never reach a member (none of them is also a French word); letters, accented ones too, bound them. */
const ENGLISH =
  /(?<!\p{L})(the|file|found|page|not|already|is|was|with|and|must|only|address|error|refused|unknown|too|large|server|answered|expected|got|item|without|cannot|could|resolves|network|within|same|unchanged|indexed|failed|checksum|mismatch|damaged|rebuilt|sequence|Found|Unexpected|Cannot|worker)(?!\p{L})/iu;
/** At least one sign of French: an accent, an apostrophe, or a common French word. */
const FRENCH = /[éèêàâùûôîç’]|(?<!\p{L})(le|la|les|de|du|des|un|une|est|pas|aucun|trop|ou|en|sans|fichier|adresse)(?!\p{L})/iu;

const all = <T extends { code: string }>(samples: Samples<T>): T[] => (Object.values(samples) as T[][]).flat();

describe('Discord wording (French)', () => {
  it.each(all(FAILURES).map((r) => [r.code, r] as const))('%s reads in French, with no English left', (_code, reason) => {
    const text = describeFailure(reason);
    expect(text.trim()).not.toBe('');
    expect(text).toMatch(FRENCH);
    expect(text, text).not.toMatch(ENGLISH);
    expect(text).not.toMatch(/\.$/); // callers end the sentence
  });

  it.each(all(NOTES).map((n) => [n.code, n] as const))('note %s reads in French, with no English left', (_code, note) => {
    const text = describeNote(note);
    expect(text).toMatch(FRENCH);
    expect(text, text).not.toMatch(ENGLISH);
  });

  it('keeps the details a member needs: the extension, the article, the host, the status, the limit', () => {
    expect(describeFailure({ code: 'unsupported-type', ext: '.html' })).toBe('type de fichier non pris en charge (.html) : utilisez .md ou .txt');
    expect(describeFailure({ code: 'duplicate', of: 'xiaomi-brevets' })).toBe('même texte que l’article xiaomi-brevets, déjà dans le corpus');
    expect(describeFailure({ code: 'private-address', host: 'intranet.exemple.fr', address: '10.0.0.7', range: 'private' })).toBe(
      'intranet.exemple.fr pointe vers 10.0.0.7, une adresse de réseau privé (ajoutez l’hôte à FETCH_ALLOW_HOSTS pour l’autoriser)',
    );
    expect(describeFailure({ code: 'http-status', status: 404, statusText: 'Not Found' })).toBe('le serveur a répondu 404 (introuvable)');
    expect(describeFailure({ code: 'file-too-large', bytes: 3 * 1024 * 1024, limit: 2 * 1024 * 1024 })).toBe('fichier trop gros (3 Mo, la limite est de 2 Mo)');
    expect(describeFailure({ code: 'timeout', phase: 'answer', seconds: 1.5 })).toBe('pas de réponse complète en 1,5 s (FETCH_TIMEOUT_MS)');
  });

  it('words a reindex that could not take the lock, and hides other errors’ English behind a pointer to the log', () => {
    expect(describeJobError(new LockedError(4242, '2026-01-01T10:00:00Z'))).toBe(
      'une indexation est déjà en cours dans un autre processus (n° 4242, depuis 2026-01-01T10:00:00Z) : réessayez quand elle sera terminée',
    );
    // In a shard, the manager process that writes may be restarting: the member is told, not "erreur interne".
    expect(describeJobError(new WriterUnavailableError('the channel closed'))).toBe(
      'le processus qui écrit l’index ne répond pas (il redémarre peut-être) : réessayez dans un instant, puis vérifiez avec /admin list',
    );
    const hidden = describeJobError(new Error('SQLITE_BUSY: database is locked'));
    expect(hidden).not.toMatch(ENGLISH);
    expect(hidden).not.toContain('SQLITE');
  });

  it('words a reason stored by an older version (no known code) neutrally instead of failing', () => {
    expect(describeFailure({ code: 'gone-code' } as unknown as FailureReason)).toBe('raison inconnue');
  });
});

describe('CLI wording (English)', () => {
  it.each(all(FAILURES).map((r) => [r.code, r] as const))('%s has an English wording', (_code, reason) => {
    const text = cliFailure(reason);
    expect(text.trim()).not.toBe('');
    expect(text).not.toMatch(/[éèàù’]/);
  });

  it('words every note', () => {
    for (const note of all(NOTES)) expect(cliNote(note).trim()).not.toBe('');
  });

  it('keeps the wording the CLI printed before reasons became codes', () => {
    expect(cliFailure({ code: 'private-address', host: '127.0.0.1', address: '127.0.0.1', range: 'loopback' })).toBe(
      'refused: 127.0.0.1 is a loopback address (add the host to FETCH_ALLOW_HOSTS to allow it)',
    );
    expect(cliFailure({ code: 'unchanged', of: 'web-a' })).toBe('unchanged: article web-a already has this text');
  });
});

it('has at least one sample of every code (the type lists every code; an empty list would skip one)', () => {
  for (const [code, samples] of [...Object.entries(FAILURES), ...Object.entries(NOTES)]) expect(samples.length, code).toBeGreaterThan(0);
});
