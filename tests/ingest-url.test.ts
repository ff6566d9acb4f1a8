/**
 * Articles by URL against a local HTTP server (127.0.0.1 only): real French pages with boilerplate,
 * redirects, time-outs, oversized answers, errors, legacy encodings and the private-address refusal.
 * Asserts what lands in corpus/ and what becomes answerable.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Depeche } from '../src/app/depeche.ts';
import { parseArticle } from '../src/core/article.ts';
import { DEFAULT_USER_AGENT, type FetchSettings } from '../src/ingest/config.ts';
import type { FailureReason } from '../src/ingest/failure.ts';
import { gzipSync } from 'node:zlib';
import { addressRefusal, closeFetchAgents, guardedConnector, guardedLookup, safeFetch, HTML_TYPES } from '../src/ingest/fetch.ts';
import { addArticleFromUrl, escapeMarkdown, fileNameFor, type PageOutcome } from '../src/ingest/url.ts';
import { articlePage, BREST, CAFE, homePage, paywallPage, SNCF, type TestArticle } from './support/http-pages.ts';
import { body, redirect, startServer, type TestServer } from './support/http-server.ts';
import { HASH_SPEC, makeWorkspace, type Workspace } from './support/workspace.ts';

const SETTINGS: FetchSettings = { allowHosts: ['127.0.0.1'], timeoutMs: 1500, maxBytes: 200_000, maxRedirects: 3, userAgent: DEFAULT_USER_AGENT };
const SNCF_QUESTION = 'Combien de rames TGV M la SNCF a-t-elle commandées à Alstom ?';
const CANONICAL = 'https://www.courrier-du-rail.example/economie/2024/03/12/sncf-commande-tgv-m.html';

let server: TestServer;
let ws: Workspace;
let app: Depeche;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await closeFetchAgents();
  await server.close();
});
beforeEach(async () => {
  ws = makeWorkspace();
  app = await Depeche.open(ws.config(), { embedder: HASH_SPEC, inlineQueryEmbedder: true });
});
afterEach(async () => {
  await app.close();
  ws.cleanup();
});

const corpusFiles = () => readdirSync(ws.corpusDir).sort();
const readCorpus = (name: string) => readFileSync(join(ws.corpusDir, name), 'utf8');
const add = (path: string, settings = SETTINGS) => addArticleFromUrl(app, server.url(path), settings);

function expectStored(o: PageOutcome): asserts o is Extract<PageOutcome, { status: 'added' | 'updated' }> {
  expect(o.status === 'added' || o.status === 'updated', JSON.stringify(o)).toBe(true);
}
function expectFailed(o: PageOutcome, reason: Partial<FailureReason>): void {
  expect(o.status).toBe('failed');
  expect((o as Extract<PageOutcome, { status: 'failed' }>).reason).toMatchObject(reason);
}

function serve(path: string, article: TestArticle, options: Parameters<typeof articlePage>[1] = {}) {
  server.route(path, body(articlePage(article, options)));
}

describe('adding an article by URL', () => {
  it('extracts the article from a page full of boilerplate, stores Markdown with front matter and answers from it', async () => {
    serve('/eco/sncf', SNCF, { canonical: CANONICAL });
    const outcome = await add('/eco/sncf?utm_source=newsletter');
    expectStored(outcome);
    expect(outcome.status).toBe('added');
    expect(outcome.article).toMatchObject({ title: SNCF.title, source: SNCF.outlet, published: '2024-03-12', url: CANONICAL });
    expect(outcome.article.passages).toBeGreaterThan(0);
    expect(outcome.article.opening).toMatch(/^La SNCF a annoncé mardi la commande de 42 rames/);

    const files = corpusFiles();
    expect(files).toEqual([fileNameFor(CANONICAL)]);
    expect(files[0]).toMatch(/^web-courrier-du-rail-example-economie-2024-03-12-sncf-commande-tgv-m-[0-9a-f]{8}\.md$/);
    const stored = readCorpus(files[0]!);
    expect(stored).toContain(`title: "${SNCF.title}"`);
    expect(stored).toContain(`source: "${SNCF.outlet}"`);
    expect(stored).toContain(`author: "${SNCF.author}"`);
    expect(stored).toContain(`url: "${CANONICAL}"`);
    expect(stored).toContain('published: "2024-03-12"');
    expect(stored).toContain('language: "fr"');
    for (const p of SNCF.paragraphs) expect(stored).toContain(p);
    // Navigation, ads, related links, share buttons, comments, cookie banner, sidebar, footer: gone.
    for (const noise of ['Publicité', 'mutuelle', 'crédit à taux réduit', 'À lire aussi', 'immobilier', 'Partager', 'Commentaires', 'jeanmi75', 'N’importe quoi', 'cookies', 'Les plus lus', 'Suivez-nous', 'Tous droits réservés', 'injected by a script', 'Politique']) {
      expect(stored, noise).not.toContain(noise);
    }
    // The stored file reads back as exactly the article's paragraphs.
    expect(parseArticle(files[0]!, Buffer.from(stored)).body.trim()).toBe(SNCF.paragraphs.join('\n\n'));

    const answer = await app.ask(SNCF_QUESTION);
    expect(answer.found).toBe(true);
    expect(answer.citations[0]).toMatchObject({ title: SNCF.title, source: SNCF.outlet, url: CANONICAL, published: '2024-03-12' });
    expect(answer.citations[0]!.quote).toContain('42 rames TGV M');
  });

  it('without JSON-LD or a canonical link: date from <time>, author from meta, address without tracking parameters', async () => {
    serve('/breve', BREST, { noJsonLd: true });
    const outcome = await add('/breve?utm_source=x&utm_medium=y&id=7#commentaires');
    expectStored(outcome);
    expect(outcome.article).toMatchObject({ title: BREST.title, source: BREST.outlet, published: '2024-05-02', url: server.url('/breve?id=7') });
    expect(outcome.extracted.author).toBe(BREST.author);
    expect(outcome.extracted.language).toBe('fr');
  });

  it('recognises the same URL, another URL of the same canonical article, and the same text elsewhere', async () => {
    serve('/eco/sncf', SNCF, { canonical: CANONICAL });
    serve('/amp/sncf', SNCF, { canonical: CANONICAL });
    serve('/copie/sncf', SNCF, { canonical: 'https://agregateur.example/copie-sncf' });
    expectStored(await add('/eco/sncf'));
    const again = await add('/eco/sncf');
    expect(again.status).toBe('unchanged');
    const viaAmp = await add('/amp/sncf');
    expect(viaAmp.status).toBe('unchanged');
    const copy = await add('/copie/sncf');
    expect(copy.status).toBe('duplicate');
    expect(copy).toMatchObject({ reason: { code: 'duplicate', of: expect.stringMatching(/^web-courrier-du-rail/) } });
    expect(corpusFiles()).toEqual([fileNameFor(CANONICAL)]);
    expect(app.listArticles()).toHaveLength(1);
  });

  it('replaces an updated article (same canonical URL, new text) in the same file', async () => {
    let version = 1;
    const updated = [...SNCF.paragraphs.slice(0, 3), 'Mise à jour : la commande a finalement été portée à 50 rames, selon un communiqué publié mercredi soir par Alstom.', ...SNCF.paragraphs.slice(4)];
    server.route('/eco/sncf', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(articlePage(SNCF, { canonical: CANONICAL, paragraphs: version === 1 ? SNCF.paragraphs : updated }));
    });
    const first = await add('/eco/sncf');
    expectStored(first);
    version = 2;
    const second = await add('/eco/sncf');
    expectStored(second);
    expect(second.status).toBe('updated');
    expect(second.article.id).toBe(first.article.id);
    expect(corpusFiles()).toEqual([fileNameFor(CANONICAL)]);
    expect(readCorpus(corpusFiles()[0]!)).toContain('portée à 50 rames');
    expect(readCorpus(corpusFiles()[0]!)).not.toContain('Cette commande porte à 157');
    expect(app.listArticles()).toHaveLength(1);
    const answer = await app.ask('À combien de rames la commande a-t-elle été portée selon le communiqué d’Alstom ?');
    expect(answer.found).toBe(true);
    expect(answer.citations[0]!.quote).toContain('50 rames');
    // The old version's sentence is gone from the index.
    const old = await app.ask('Combien de rames TGV M sont attendues d’ici à 2031 ?');
    for (const c of old.citations) expect(c.quote).not.toContain('157');
  });

  it('decodes a Windows-1252 page declared in the header (iso-8859-1) or only in a meta tag', async () => {
    const html = articlePage(CAFE, { charset: null });
    const latin = iconv.encode(html.replace('<head>', '<head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'), 'windows-1252');
    expect(latin.includes(0x80)).toBe(true); // € is one byte in Windows-1252
    server.route('/cafe-meta', body(latin, 'text/html'));
    server.route('/cafe-header', body(iconv.encode(html, 'windows-1252'), 'text/html; charset=ISO-8859-1'));
    const viaMeta = await add('/cafe-meta');
    expectStored(viaMeta);
    expect(viaMeta.article.title).toBe(CAFE.title);
    const stored = readCorpus(corpusFiles()[0]!);
    for (const p of CAFE.paragraphs) expect(stored).toContain(p);
    expect(stored).toContain('4,80 € le kilo');
    expect(stored).toContain('Au cœur de cette flambée');
    expect(stored).toContain('« C’est l’œuvre d’une spéculation');
    // The same page from another address with the charset in the header: same text, recognised.
    const viaHeader = await add('/cafe-header');
    expect(viaHeader.status).toBe('duplicate');
    const answer = await app.ask('Quel est le prix du café vert au kilo sur les marchés ?');
    expect(answer.found).toBe(true);
    expect(answer.citations[0]!.quote).toContain('4,80 €');
  });

  it('follows a few redirects, checking each hop, and refuses too many', async () => {
    serve('/final', SNCF, { canonical: CANONICAL });
    server.route('/r1', redirect('/r2', 301));
    server.route('/r2', redirect(server.url('/final'), 302));
    const ok = await add('/r1');
    expectStored(ok);
    expect(ok.article.url).toBe(CANONICAL);

    server.route('/loop-a', redirect('/loop-b'));
    server.route('/loop-b', redirect('/loop-a'));
    expectFailed(await add('/loop-a'), { code: 'too-many-redirects', max: 3 });
    // A hop to another host is checked again: "localhost" is not on the allow-list.
    server.route('/to-localhost', redirect(server.url('/final').replace('127.0.0.1', 'localhost')));
    const before = server.hits('/final');
    expectFailed(await add('/to-localhost'), { code: 'private-address', host: 'localhost', range: 'loopback' });
    expect(server.hits('/final')).toBe(before);
    expect(corpusFiles()).toHaveLength(1);
  });

  it('gives up on a slow server after the time limit', async () => {
    server.route('/slow', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.write('<!DOCTYPE html><html><body><p>Début…');
      const timer = setTimeout(() => res.end(articlePage(SNCF)), 5000);
      res.on('close', () => clearTimeout(timer));
    });
    const started = Date.now();
    expectFailed(await add('/slow'), { code: 'timeout', phase: 'answer', seconds: 1.5 });
    expect(Date.now() - started).toBeLessThan(4000);
    expect(corpusFiles()).toEqual([]);
  });

  it('refuses oversized answers, declared or streamed', async () => {
    const big = articlePage(SNCF).replace('</body>', `<div>${'x'.repeat(300_000)}</div></body>`);
    server.route('/big', body(big));
    server.route('/big-stream', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }); // chunked: no Content-Length
      let sent = 0;
      const push = () => {
        while (sent < 1_000_000) {
          sent += 16_384;
          if (!res.write('y'.repeat(16_384))) return void res.once('drain', push);
        }
        res.end();
      };
      push();
    });
    // A small compressed answer that inflates past the limit is stopped while it inflates.
    const bomb = gzipSync(Buffer.from(articlePage(SNCF).replace('</body>', `<p>${'0'.repeat(5_000_000)}</p></body>`)));
    expect(bomb.length).toBeLessThan(SETTINGS.maxBytes);
    server.route('/bomb', body(bomb, 'text/html; charset=utf-8', { 'content-encoding': 'gzip' }));
    expectFailed(await add('/big'), { code: 'response-too-large', limit: 200_000 });
    expectFailed(await add('/bomb'), { code: 'response-too-large', limit: 200_000 });
    expectFailed(await add('/big-stream'), { code: 'response-too-large', limit: 200_000 });
    expect(corpusFiles()).toEqual([]);
  });

  it('reports server errors, wrong content types, pages that are not articles and paywalls', async () => {
    server.route('/boom', (_req, res) => void res.writeHead(500, { 'content-type': 'text/html' }).end('<h1>Erreur interne</h1>'));
    server.route('/doc.pdf', body('%PDF-1.4', 'application/pdf'));
    server.route('/home', body(homePage()));
    server.route('/abonnes', body(paywallPage()));
    expectFailed(await add('/boom'), { code: 'http-status', status: 500, statusText: 'Internal Server Error' });
    expectFailed(await add('/missing'), { code: 'http-status', status: 404 });
    expectFailed(await add('/doc.pdf'), { code: 'content-type', got: 'application/pdf' });
    expectFailed(await add('/home'), { code: 'no-article-text' });
    expectFailed(await add('/abonnes'), { code: 'paywalled' });
    const bad = await addArticleFromUrl(app, 'ftp://127.0.0.1/file', SETTINGS);
    expectFailed(bad, { code: 'unsupported-scheme', scheme: 'ftp' });
    expect(corpusFiles()).toEqual([]);
    expect(app.listArticles()).toEqual([]);
  });

  it('refuses loopback addresses unless the host is on FETCH_ALLOW_HOSTS, without sending a request', async () => {
    serve('/eco/sncf', SNCF, { canonical: CANONICAL });
    const before = server.requests.length;
    expectFailed(await add('/eco/sncf', { ...SETTINGS, allowHosts: [] }), { code: 'private-address', host: '127.0.0.1', address: '127.0.0.1', range: 'loopback' });
    const viaName = await addArticleFromUrl(app, server.url('/eco/sncf').replace('127.0.0.1', 'localhost'), { ...SETTINGS, allowHosts: [] });
    expectFailed(viaName, { code: 'private-address', host: 'localhost', address: expect.stringMatching(/^(127\.0\.0\.1|::1)$/), range: 'loopback' });
    expect(server.requests.length).toBe(before);
    await expect(safeFetch({ url: server.url('/eco/sncf'), accept: HTML_TYPES }, { ...SETTINGS, allowHosts: ['localhost'] })).rejects.toThrow(/loopback/);
    const v6 = await addArticleFromUrl(app, server.url('/eco/sncf').replace('127.0.0.1', '[::1]'), SETTINGS);
    expectFailed(v6, { code: 'private-address', host: '::1', range: 'loopback' });
    const mapped = await addArticleFromUrl(app, server.url('/eco/sncf').replace('127.0.0.1', '[::ffff:127.0.0.1]'), SETTINGS);
    expectFailed(mapped, { code: 'private-address', host: expect.stringMatching(/^::ffff:(127\.0\.0\.1|7f00:1)$/), range: 'loopback' });
    expect(server.requests.length).toBe(before);
    expect(corpusFiles()).toEqual([]);
  });
});

describe('address policy', () => {
  it('checks the addresses again at connect time (a name that turns private after the first check)', async () => {
    const lookup = guardedLookup({ allowHosts: [] }) as unknown as (h: string, o: object, cb: (e: Error | null, a?: unknown) => void) => void;
    const refused = await new Promise<Error | null>((resolve) => lookup('localhost', { all: true }, (e) => resolve(e)));
    expect(refused).toMatchObject({ reason: { code: 'private-address', host: 'localhost', range: 'loopback' } });
    const allowed = guardedLookup({ allowHosts: ['localhost'] }) as unknown as typeof lookup;
    const addresses = await new Promise<unknown>((resolve, reject) => allowed('localhost', { all: true }, (e, a) => (e ? reject(e) : resolve(a))));
    expect(addresses).toEqual(expect.arrayContaining([expect.objectContaining({ address: expect.stringMatching(/^(127\.0\.0\.1|::1)$/) })]));
  });

  it('refuses loopback, private, link-local, unique-local, CGNAT, IPv4-mapped and IPv4-embedding addresses', () => {
    for (const address of ['127.0.0.1', '127.8.9.10', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '::ffff:169.254.169.254', '64:ff9b::a00:1', '2002:a00:1::1', 'ff02::1']) {
      expect(addressRefusal(address), address).not.toBeNull();
    }
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8']) expect(addressRefusal(address), address).toBeNull();
  });

  it('refuses IPv4-compatible IPv6 (::/96) and every IPv6 address outside global unicast 2000::/3, as URLs write them', async () => {
    for (const [url, range] of [
      ['http://[::127.0.0.1]/', 'ipv4Compatible'],
      ['http://[::10.0.0.1]/', 'ipv4Compatible'],
      ['http://[::169.254.169.254]/latest/meta-data/', 'ipv4Compatible'],
      ['http://[4000::1]/', 'notGlobalUnicast'],
      ['http://[100::1]/', 'reserved'],
    ] as const) {
      const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
      expect(addressRefusal(host), url).toMatchObject({ code: 'private-address', range });
      const outcome = await addArticleFromUrl(app, url, { ...SETTINGS, allowHosts: [] });
      expectFailed(outcome, { code: 'private-address', range });
    }
    expect(addressRefusal('2a01:e0a:1::1')).toBeNull();
  });

  it('checks a literal address at connect time too (Node does no lookup for it), unless allowed', async () => {
    const connections: string[] = [];
    const listener = (s: import('node:net').Socket) => connections.push(String(s.remotePort));
    const { createServer } = await import('node:net');
    const probe = createServer(listener);
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const probePort = (probe.address() as import('node:net').AddressInfo).port;
    const at = (allowHosts: string[]) =>
      new Promise<{ error: Error | null }>((resolve) =>
        guardedConnector({ allowHosts, timeoutMs: 1000 })({ hostname: '127.0.0.1', host: '127.0.0.1', protocol: 'http:', port: String(probePort), servername: undefined } as never, (error, socket) => {
          socket?.destroy();
          resolve({ error });
        }),
      );
    const refused = await at([]);
    expect(refused.error).toMatchObject({ reason: { code: 'private-address', address: '127.0.0.1', range: 'loopback' } });
    expect(connections).toEqual([]);
    const allowed = await at(['127.0.0.1']);
    expect(allowed.error).toBeNull();
    await new Promise<void>((r) => probe.close(() => r()));
    expect(connections.length).toBe(1);
  });
});

describe('Markdown escaping', () => {
  it('keeps text that looks like Markdown verbatim', () => {
    const tricky = ['# pas un titre', '> pas une citation', '- pas une liste', '*** trois étoiles', 'un [lien](http://x) et `code` et *gras* et _souligné_ et <!-- commentaire -->', '=====', '```', '[ref]: http://x'];
    const md = `---\ntitle: "t"\n---\n\n${tricky.map(escapeMarkdown).join('\n\n')}\n`;
    expect(parseArticle('x.md', Buffer.from(md)).body.trim()).toBe(tricky.join('\n\n'));
  });
});
