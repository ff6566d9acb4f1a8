/**
 * Following RSS and Atom feeds against a local HTTP server (127.0.0.1 only): feeds that change
 * between polls, 304 answers to conditional requests, a malformed item, failing feeds with backoff,
 * item pages that fail and are retried, state kept across restarts, one reindex per poll, polls put
 * off while a reindex runs, and the scheduled poller with its notices.
 */
import { readdirSync } from 'node:fs';
import Database from 'better-sqlite3';
import iconv from 'iconv-lite';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Depeche } from '../src/app/depeche.ts';
import { DEFAULT_USER_AGENT, type IngestSettings } from '../src/ingest/config.ts';
import { closeFetchAgents } from '../src/ingest/fetch.ts';
import { FeedError, FeedService, MAX_ITEM_ATTEMPTS } from '../src/ingest/feeds/service.ts';
import { FeedStore } from '../src/ingest/feeds/store.ts';
import { parseRobots, robotsAllows, userAgentToken } from '../src/ingest/robots.ts';
import { articlePage, atomFeed, BREST, CAFE, LOUVRE, rssFeed, SNCF, VENDANGES, type FeedItem, type TestArticle } from './support/http-pages.ts';
import { body, cached, startServer, type TestServer } from './support/http-server.ts';
import { HASH_SPEC, makeWorkspace, type Workspace } from './support/workspace.ts';

const MINUTE = 60_000;
const SETTINGS: IngestSettings = {
  // Generous: a local page on a loaded machine must not time out; the time-out test sets its own.
  fetch: { allowHosts: ['127.0.0.1'], timeoutMs: 15_000, maxBytes: 500_000, maxRedirects: 3, userAgent: DEFAULT_USER_AGENT },
  feeds: { pollMinutes: 30, maxItemsPerPoll: 20 },
};

let server: TestServer;
let ws: Workspace;
let app: Depeche;
let clock: number;
let notices: string[];
const services: FeedService[] = [];

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
  clock = Date.parse('2024-10-01T10:00:00Z');
  notices = [];
});
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
  await app.close();
  ws.cleanup();
});

function open(settings: IngestSettings = SETTINGS): FeedService {
  const service = FeedService.open(app, settings, { now: () => clock, onNotice: (line) => void notices.push(line) });
  services.push(service);
  return service;
}

const canonicalOf = (a: TestArticle) => `https://ouest-matin.example/${a.slug}`;
function servePage(a: TestArticle, paragraphs?: string[]) {
  server.route(`/articles/${a.slug}`, body(articlePage(a, { canonical: canonicalOf(a), paragraphs })));
}
const itemOf = (a: TestArticle): FeedItem => ({ title: a.title, link: server.url(`/articles/${a.slug}`), published: a.published });
const corpusFiles = () => readdirSync(ws.corpusDir).sort();

describe('following a feed', () => {
  it('takes the feed item’s date as the publication date when the page states none, and never the day it was added', async () => {
    const undated = { ...BREST, slug: 'brest-sans-date', published: '' };
    servePage(undated);
    const item = { ...itemOf(undated), published: '2024-05-03T06:30:00Z' };
    server.route('/dated.xml', body(rssFeed('Ouest Matin', server.origin, [item]), 'application/rss+xml; charset=utf-8'));
    const service = open();
    await service.addFeed(server.url('/dated.xml'));
    const polled = await service.poll();
    expect(polled.pages.map((p) => p.status)).toEqual(['added']);
    const stored = app.listArticles();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.published).toBe('2024-05-03');
    expect(stored[0]!.addedAt.slice(0, 10)).not.toBe('2024-05-03');
  });

  it('RSS: stores the items, answers from them, uses ETag (304), then picks up a new item', async () => {
    for (const a of [BREST, VENDANGES, LOUVRE]) servePage(a);
    let doc = { body: rssFeed('Ouest Matin — À la une', server.origin, [itemOf(BREST), itemOf(VENDANGES)]), etag: '"v1"', lastModified: 'Tue, 01 Oct 2024 08:00:00 GMT' };
    server.route('/rss.xml', cached(() => doc, 'application/rss+xml; charset=utf-8'));
    const service = open();
    const added = await service.addFeed(server.url('/rss.xml'));
    expect(added).toMatchObject({ created: true, items: 2, rejected: 0 });
    expect(added.feed.title).toBe('Ouest Matin — À la une');
    expect((await service.addFeed(server.url('/rss.xml'))).created).toBe(false);

    const reindex = vi.spyOn(app, 'reindex');
    const first = await service.poll();
    expect(first.busy).toBe(false);
    expect(first.feeds).toMatchObject([{ status: 'ok', items: 2 }]);
    expect(first.pages.map((p) => p.status)).toEqual(['added', 'added']);
    expect(reindex).toHaveBeenCalledTimes(1); // one reindex for the whole poll
    expect(corpusFiles()).toHaveLength(2);
    expect(notices).toHaveLength(2);
    expect(notices.join('\n')).toContain(`Nouvel article : ${BREST.title} (Ouest Matin, 2024-05-02) — ${canonicalOf(BREST)}`);
    const brest = await app.ask('Combien a coûté le chantier du terminal de Brest ?');
    expect(brest.found).toBe(true);
    expect(brest.citations[0]).toMatchObject({ url: canonicalOf(BREST), source: 'Ouest Matin' });
    expect(brest.citations.map((c) => c.quote).join(' ')).toContain('Le chantier a coûté 220 millions d’euros');

    // Not due yet: nothing is fetched.
    const feedHits = server.hits('/rss.xml');
    expect((await service.poll()).feeds).toEqual([]);
    expect(server.hits('/rss.xml')).toBe(feedHits);

    // Due again, unchanged: a conditional request, answered 304.
    clock += 31 * MINUTE;
    const second = await service.poll();
    expect(second.feeds).toMatchObject([{ status: 'not-modified', items: 0 }]);
    const last = server.requests.filter((r) => r.path === '/rss.xml').at(-1)!;
    expect(last.headers['if-none-match']).toBe('"v1"');
    expect(last.headers['if-modified-since']).toBe('Tue, 01 Oct 2024 08:00:00 GMT');
    expect(reindex).toHaveBeenCalledTimes(1);

    // The feed gains an item.
    doc = { body: rssFeed('Ouest Matin — À la une', server.origin, [itemOf(LOUVRE), itemOf(BREST), itemOf(VENDANGES)]), etag: '"v2"', lastModified: 'Tue, 01 Oct 2024 09:00:00 GMT' };
    const brestHits = server.hits(`/articles/${BREST.slug}`);
    clock += 31 * MINUTE;
    const third = await service.poll();
    expect(third.feeds).toMatchObject([{ status: 'ok', items: 1 }]);
    expect(third.pages).toMatchObject([{ status: 'added', url: server.url(`/articles/${LOUVRE.slug}`) }]);
    expect(server.hits(`/articles/${BREST.slug}`)).toBe(brestHits); // seen items are not fetched again
    expect(reindex).toHaveBeenCalledTimes(2);
    expect(corpusFiles()).toHaveLength(3);
    expect(notices).toHaveLength(3);
    const louvre = await app.ask('Jusqu’à quelle heure le Louvre sera-t-il ouvert le vendredi ?');
    expect(louvre.found).toBe(true);
    expect(louvre.citations[0]!.quote).toContain('22 heures');
    expect(service.listFeeds()).toMatchObject([{ items: 3, articles: 3, errorCount: 0, etag: '"v2"' }]);
  });

  it('Atom with Last-Modified only: 304 through If-Modified-Since; an entry already stored by URL is not stored twice', async () => {
    for (const a of [BREST, VENDANGES]) servePage(a);
    const doc = { body: atomFeed('Ouest Matin (Atom)', server.origin, [itemOf(BREST), itemOf(VENDANGES)]), etag: '', lastModified: 'Tue, 01 Oct 2024 08:00:00 GMT' };
    server.route('/atom.xml', (req, res) => {
      if (req.headers['if-modified-since'] === doc.lastModified) return void res.writeHead(304).end();
      res.writeHead(200, { 'content-type': 'application/atom+xml', 'last-modified': doc.lastModified }).end(doc.body);
    });
    const service = open();
    await service.addFeed(server.url('/atom.xml'));
    // Brest was already added by hand from another address of the same article.
    server.route('/share/brest', body(articlePage(BREST, { canonical: canonicalOf(BREST) })));
    const { addArticleFromUrl } = await import('../src/ingest/url.ts');
    expect((await addArticleFromUrl(app, server.url('/share/brest'), SETTINGS.fetch)).status).toBe('added');

    const first = await service.poll();
    expect(first.feeds).toMatchObject([{ status: 'ok', items: 2 }]);
    expect(first.pages.map((p) => p.status).sort()).toEqual(['added', 'unchanged']);
    expect(corpusFiles()).toHaveLength(2);
    expect(notices).toHaveLength(1);
    clock += 31 * MINUTE;
    const second = await service.poll();
    expect(second.feeds).toMatchObject([{ status: 'not-modified' }]);
    expect(server.requests.filter((r) => r.path === '/atom.xml').at(-1)!.headers['if-modified-since']).toBe(doc.lastModified);
    const answer = await app.ask('De combien la récolte des vignerons de Bourgogne va-t-elle baisser cette année ?');
    expect(answer.found).toBe(true);
    expect(answer.citations[0]!.quote).toContain('30 %');
  });

  it('leaves out a malformed item and stores the others', async () => {
    servePage(SNCF);
    servePage(BREST);
    const broken = `<item><title>Sans lien</title><description>Un élément sans lien</description></item>
<item><title>Lien piégé</title><link>javascript:alert(1)</link></item>`;
    server.route('/broken-item.xml', body(rssFeed('Flux mal formé', server.origin, [itemOf(SNCF), itemOf(BREST)], broken), 'text/xml; charset=utf-8'));
    const service = open();
    await service.addFeed(server.url('/broken-item.xml'));
    const report = await service.poll();
    expect(report.rejectedItems.map((r) => r.reason)).toEqual([{ code: 'item-without-link' }, { code: 'item-bad-link', link: 'javascript:alert(1)' }]);
    expect(report.pages.map((p) => p.status)).toEqual(['added', 'added']);
    expect(corpusFiles()).toHaveLength(2);
  });

  it('takes at most FEED_MAX_ITEMS_PER_POLL items per poll, and the rest at the next one despite the ETag', async () => {
    for (const a of [BREST, VENDANGES, LOUVRE]) servePage(a);
    const doc = { body: rssFeed('Ouest Matin', server.origin, [itemOf(LOUVRE), itemOf(VENDANGES), itemOf(BREST)]), etag: '"full"', lastModified: 'Tue, 01 Oct 2024 08:00:00 GMT' };
    server.route('/capped.xml', cached(() => doc, 'application/rss+xml'));
    const service = open({ ...SETTINGS, feeds: { ...SETTINGS.feeds, maxItemsPerPoll: 2 } });
    await service.addFeed(server.url('/capped.xml'));
    expect((await service.poll()).pages).toHaveLength(2);
    expect(service.listFeeds()[0]!.etag).toBeNull(); // items left: no validator that would hide them behind a 304
    clock += 31 * MINUTE;
    const second = await service.poll();
    expect(second.feeds).toMatchObject([{ status: 'ok', items: 1 }]);
    expect(second.pages).toMatchObject([{ status: 'added' }]);
    expect(service.listFeeds()[0]!.etag).toBe('"full"');
    clock += 31 * MINUTE;
    expect((await service.poll()).feeds).toMatchObject([{ status: 'not-modified' }]);
    expect(corpusFiles()).toHaveLength(3);
  });

  it('a library at its quota takes no more feed items than it has room for; the rest wait for room', async () => {
    for (const a of [BREST, VENDANGES, LOUVRE]) servePage(a);
    server.route('/quota.xml', body(rssFeed('Ouest Matin', server.origin, [itemOf(LOUVRE), itemOf(VENDANGES), itemOf(BREST)]), 'application/rss+xml'));
    let room = 1; // a server's library one article below its SERVER_MAX_ARTICLES
    const service = FeedService.open(app, SETTINGS, { now: () => clock, room: () => room });
    services.push(service);
    await service.addFeed(server.url('/quota.xml'));
    expect((await service.poll()).pages).toMatchObject([{ status: 'added' }]);
    expect(corpusFiles()).toHaveLength(1);
    clock += 31 * MINUTE;
    room = 0; // full: nothing is fetched, nothing is lost
    expect((await service.poll()).pages).toHaveLength(0);
    expect(corpusFiles()).toHaveLength(1);
    clock += 31 * MINUTE;
    room = 5; // an admin removed articles
    expect((await service.poll()).pages).toHaveLength(2);
    expect(corpusFiles()).toHaveLength(3);
  });

  it('reads a feed in ISO-8859-1 (XML declaration) and items whose titles use accents', async () => {
    servePage(VENDANGES);
    const xml = rssFeed('Actualités régionales', server.origin, [itemOf(VENDANGES)]).replace('encoding="UTF-8"', 'encoding="ISO-8859-1"');
    server.route('/latin1.xml', body(iconv.encode(xml, 'latin1'), 'application/xml'));
    const service = open();
    const { feed } = await service.addFeed(server.url('/latin1.xml'));
    expect(feed.title).toBe('Actualités régionales');
    const report = await service.poll();
    expect(report.pages).toMatchObject([{ status: 'added', article: { title: VENDANGES.title } }]);
  });

  it('an item with broken markup costs only itself: the items after it are still read', async () => {
    servePage(SNCF);
    servePage(LOUVRE);
    const xml = rssFeed('Flux cassé', server.origin, [itemOf(SNCF), itemOf(LOUVRE)]).replace(
      '</item>',
      '</item>\n<item><title>Cassé & non échappé <b>gras</title><link>https://ouest-matin.example/casse</link><pubDate>pas une date</pubDate></item>',
    );
    server.route('/broken-markup.xml', body(xml, 'application/rss+xml'));
    const service = open();
    expect((await service.addFeed(server.url('/broken-markup.xml'))).items).toBe(2);
    const report = await service.poll();
    expect(report.rejectedItems).toHaveLength(1);
    expect(report.pages.map((p) => [p.status, p.url])).toEqual([
      ['added', itemOf(SNCF).link],
      ['added', itemOf(LOUVRE).link],
    ]);
  });

  it('refuses to follow what is not a feed', async () => {
    server.route('/page.html', body(articlePage(SNCF)));
    server.route('/not-xml.xml', body('{"this": "is json"}', 'application/xml'));
    server.route('/broken.xml', body('<?xml version="1.0"?><rss><channel><title>Coupé', 'application/rss+xml'));
    const service = open();
    const refusal = (url: string) => service.addFeed(url).then(() => null, (error: unknown) => (error instanceof FeedError ? error.reason : error));
    expect(await refusal(server.url('/page.html'))).toMatchObject({ code: 'content-type', got: 'text/html' });
    expect(await refusal(server.url('/not-xml.xml'))).toMatchObject({ code: 'not-a-feed' });
    expect(await refusal(server.url('/broken.xml'))).toMatchObject({ code: 'not-a-feed' });
    expect(await refusal('http://127.0.0.1:1/nothing.xml')).toMatchObject({ code: 'network' });
    expect(await refusal(server.url('/rss.xml').replace('127.0.0.1', 'localhost'))).toMatchObject({ code: 'private-address', host: 'localhost', range: 'loopback' });
    expect(service.listFeeds()).toEqual([]);
  });

  it('backs off exponentially while a feed fails (500, time-out), and recovers', async () => {
    servePage(BREST);
    let mode: 'error' | 'slow' | 'ok' = 'ok';
    server.route('/flaky.xml', (_req, res) => {
      if (mode === 'error') return void res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal error');
      if (mode === 'slow') return void res.writeHead(200, { 'content-type': 'application/rss+xml' }).write('<?xml version="1.0"?>'); // and never ends
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed('Flaky', server.origin, [itemOf(BREST)]));
    });
    const service = open({ ...SETTINGS, fetch: { ...SETTINGS.fetch, timeoutMs: 1500 } });
    const { feed } = await service.addFeed(server.url('/flaky.xml'));
    mode = 'error';
    const r1 = await service.poll();
    expect(r1.feeds).toMatchObject([{ status: 'failed', error: { code: 'http-status', status: 500 } }]);
    expect(r1.feeds[0]!.nextPollAt - clock).toBe(2 * 30 * MINUTE);
    clock = r1.feeds[0]!.nextPollAt;
    mode = 'slow';
    const r2 = await service.poll();
    expect(r2.feeds[0]!.error).toEqual({ code: 'timeout', phase: 'answer', seconds: 1.5 });
    expect(r2.feeds[0]!.nextPollAt - clock).toBe(4 * 30 * MINUTE);
    expect(service.store.byId(feed.id)).toMatchObject({ errorCount: 2, lastError: { code: 'timeout', phase: 'answer', seconds: 1.5 } });
    clock += 60 * MINUTE; // not due yet: backoff holds
    expect((await service.poll()).feeds).toEqual([]);
    clock = r2.feeds[0]!.nextPollAt;
    mode = 'ok';
    const r3 = await service.poll();
    expect(r3.feeds).toMatchObject([{ status: 'ok', items: 1 }]);
    expect(service.store.byId(feed.id)).toMatchObject({ errorCount: 0, lastError: null, nextPollAt: clock + 30 * MINUTE });
    expect(corpusFiles()).toHaveLength(1);
  });

  it('retries an item page that failed for a passing reason, and gives up on a final one', async () => {
    servePage(VENDANGES);
    let pageDown = true;
    server.route(`/articles/${BREST.slug}`, (_req, res) => {
      if (pageDown) return void res.writeHead(503, { 'content-type': 'text/html' }).end('<h1>Maintenance</h1>');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(articlePage(BREST, { canonical: canonicalOf(BREST) }));
    });
    const gone = { title: 'Page disparue', link: server.url('/articles/disparue'), published: BREST.published };
    server.route('/feed.xml', body(rssFeed('Ouest Matin', server.origin, [itemOf(BREST), itemOf(VENDANGES), gone]), 'application/rss+xml', { etag: '"same"' }));
    const service = open();
    await service.addFeed(server.url('/feed.xml'));
    const base = { brest: server.hits(`/articles/${BREST.slug}`), gone: server.hits('/articles/disparue') };
    const first = await service.poll();
    expect(first.pages.map((p) => [p.url.split('/').pop(), p.status]).sort()).toEqual([
      [BREST.slug, 'failed'],
      ['disparue', 'failed'],
      [VENDANGES.slug, 'added'],
    ]);
    const attempts = () => server.hits(`/articles/${BREST.slug}`) - base.brest;
    expect(attempts()).toBe(1);
    clock += 31 * MINUTE;
    await service.poll(); // 503 again: second attempt
    expect(attempts()).toBe(2);
    expect(server.hits('/articles/disparue') - base.gone).toBe(1); // a 404 is final: not fetched again
    pageDown = false;
    clock += 31 * MINUTE;
    const third = await service.poll();
    expect(third.pages).toMatchObject([{ status: 'added', url: server.url(`/articles/${BREST.slug}`) }]);
    expect(attempts()).toBe(3);
    expect(corpusFiles()).toHaveLength(2);
    expect(MAX_ITEM_ATTEMPTS).toBe(3);
  });

  it('keeps subscriptions and seen items across restarts; removing a feed keeps its articles', async () => {
    for (const a of [BREST, VENDANGES]) servePage(a);
    server.route('/rss.xml', body(rssFeed('Ouest Matin', server.origin, [itemOf(BREST), itemOf(VENDANGES)]), 'application/rss+xml'));
    const service = open();
    const { feed } = await service.addFeed(server.url('/rss.xml'));
    await service.poll();
    await service.close();
    services.splice(services.indexOf(service), 1);
    await app.close();

    app = await Depeche.open(ws.config(), { embedder: HASH_SPEC, inlineQueryEmbedder: true });
    const again = open();
    expect(again.listFeeds()).toMatchObject([{ id: feed.id, url: server.url('/rss.xml'), title: 'Ouest Matin', items: 2, articles: 2 }]);
    clock += 31 * MINUTE;
    const pageHits = server.hits(`/articles/${BREST.slug}`);
    const report = await again.poll();
    expect(report.feeds).toMatchObject([{ status: 'ok', items: 0 }]);
    expect(report.pages).toEqual([]);
    expect(server.hits(`/articles/${BREST.slug}`)).toBe(pageHits);

    expect(again.removeFeed('999')).toBeNull();
    expect(again.removeFeed(String(feed.id))?.url).toBe(server.url('/rss.xml'));
    expect(again.listFeeds()).toEqual([]);
    expect(app.listArticles()).toHaveLength(2);
  });

  it('does nothing while a reindex runs, and catches up at the next tick', async () => {
    servePage(BREST);
    server.route('/rss.xml', body(rssFeed('Ouest Matin', server.origin, [itemOf(BREST)]), 'application/rss+xml', { etag: '"e"' }));
    const service = open();
    await service.addFeed(server.url('/rss.xml'));
    const feedHits = server.hits('/rss.xml');
    ws.write('deja.md', '---\ntitle: "Déjà là"\n---\n\nUn article déjà présent dans le corpus, pour que la réindexation ait du travail à faire.\n');
    const running = app.reindex();
    const busy = await service.poll();
    expect(busy.busy).toBe(true);
    expect(server.hits('/rss.xml')).toBe(feedHits); // not even fetched
    await running;
    const report = await service.poll();
    expect(report.busy).toBe(false);
    expect(report.pages).toMatchObject([{ status: 'added' }]);
    expect(app.listArticles()).toHaveLength(2);
  });

  it('polls on a schedule once started, posts notices, and stops', async () => {
    servePage(LOUVRE);
    server.route('/rss.xml', body(rssFeed('Ouest Matin', server.origin, [itemOf(LOUVRE)]), 'application/rss+xml'));
    const TICK_MS = 50;
    // Every scheduled poll starts by reading the clock: counting the reads counts the ticks.
    let ticks = 0;
    const now = () => (ticks++, Date.now());
    const service = FeedService.open(app, { ...SETTINGS, feeds: { ...SETTINGS.feeds, pollMinutes: 0.05 } }, { tickMs: TICK_MS, now, onNotice: (line) => void notices.push(line) });
    services.push(service);
    await service.addFeed(server.url('/rss.xml'));
    const beforeStart = ticks;
    service.start();
    await vi.waitFor(() => expect(notices).toHaveLength(1), { timeout: 10_000, interval: 50 });
    expect(notices[0]).toMatch(/^Nouvel article : Le Louvre ouvrira jusqu’à 22 heures le vendredi \(Ouest Matin, 2024-10-01\) — https:\/\/ouest-matin\.example\/louvre-nocturnes$/);
    // The schedule is live: it keeps ticking after the first poll.
    await vi.waitFor(() => expect(ticks).toBeGreaterThanOrEqual(beforeStart + 3), { timeout: 10_000, interval: 10 });

    await service.stop();
    const ticksAtStop = ticks;
    const hits = server.hits('/rss.xml');
    // A tick still scheduled would be due within TICK_MS; Node runs timers in order of expiry (and
    // equal ones in order of creation), so it would fire before this one, however slow the machine.
    await new Promise((r) => setTimeout(r, 2 * TICK_MS));
    expect(ticks).toBe(ticksAtStop);
    expect(server.hits('/rss.xml')).toBe(hits);
  });
});

describe('politeness towards the sites feeds point at', () => {
  const ROBOTS = ['# the bot has its own group: the "*" one does not apply to it', 'User-agent: *', 'Disallow: /', '', 'User-agent: depechebot', 'Disallow: /prive/', 'Allow: /prive/public-$', ''].join('\n');
  const feedOf = (path: string, articles: TestArticle[]) => server.route(path, body(rssFeed('Ouest Matin', server.origin, articles.map(itemOf)), 'application/rss+xml; charset=utf-8'));

  it('never fetches a page robots.txt disallows for its user agent token, and says why; reads robots.txt once a day', async () => {
    server.route('/robots.txt', body(ROBOTS, 'text/plain; charset=utf-8'));
    const secret = { ...SNCF, slug: '../prive/sncf-interne' };
    const open1 = { ...BREST, slug: 'brest-public' };
    servePage(secret);
    servePage(open1);
    feedOf('/polite.xml', [secret, open1]);
    const robotsBefore = server.hits('/robots.txt');
    const service = open();
    await service.addFeed(server.url('/polite.xml'));
    const first = await service.poll();
    const byPath = Object.fromEntries(first.pages.map((p) => [new URL(p.url).pathname, p]));
    expect(byPath['/prive/sncf-interne']).toMatchObject({ status: 'failed', reason: { code: 'robots-disallowed', host: new URL(server.origin).host, path: '/prive/sncf-interne' }, transient: false });
    expect(byPath['/articles/brest-public']?.status).toBe('added');
    expect(server.hits('/prive/sncf-interne')).toBe(0);
    expect(server.hits('/robots.txt') - robotsBefore).toBe(1);

    // A new item an hour later: robots.txt is not asked again; a day later it is.
    const later = { ...VENDANGES, slug: 'vendanges-public' };
    servePage(later);
    feedOf('/polite.xml', [secret, open1, later]);
    clock += 60 * MINUTE;
    await service.poll({ all: true });
    expect(server.hits('/robots.txt') - robotsBefore).toBe(1);
    const dayAfter = { ...LOUVRE, slug: 'louvre-public' };
    servePage(dayAfter);
    feedOf('/polite.xml', [secret, open1, later, dayAfter]);
    clock += 24 * 60 * MINUTE;
    const third = await service.poll({ all: true });
    expect(third.pages.map((p) => p.status)).toEqual(['added']);
    expect(server.hits('/robots.txt') - robotsBefore).toBe(2);
  });

  it('fetches no page while robots.txt cannot be read (503), retries at the next poll, and a missing one (404) allows all', async () => {
    let robotsDown = true;
    server.route('/robots.txt', (_req, res) => {
      if (robotsDown) return void res.writeHead(503, { 'content-type': 'text/plain' }).end('Maintenance');
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
    });
    const pages = [CAFE, SNCF].map((a) => ({ ...a, slug: `robots-ko-${a.slug}` }));
    for (const a of pages) servePage(a);
    feedOf('/robots-ko.xml', pages);
    const pageHits = () => pages.reduce((n, a) => n + server.hits(`/articles/${a.slug}`), 0);
    const robotsBefore = server.hits('/robots.txt');
    const service = open();
    await service.addFeed(server.url('/robots-ko.xml'));
    const first = await service.poll();
    const host = new URL(server.origin).host;
    expect(first.pages).toHaveLength(2);
    for (const p of first.pages) expect(p).toMatchObject({ status: 'failed', reason: { code: 'robots-unreachable', host, status: 503 }, transient: true });
    expect(pageHits()).toBe(0);
    const robotsAfterFirst = server.hits('/robots.txt');
    expect(robotsAfterFirst - robotsBefore).toBeGreaterThanOrEqual(1);
    expect(corpusFiles()).toHaveLength(0);

    // Next poll: robots.txt is asked again (an unreachable one is not kept for a day), now a 404.
    robotsDown = false;
    clock += 31 * MINUTE;
    const second = await service.poll();
    expect(second.pages.map((p) => p.status)).toEqual(['added', 'added']);
    expect(server.hits('/robots.txt')).toBeGreaterThan(robotsAfterFirst);
    expect(pageHits()).toBe(2);
    expect(corpusFiles()).toHaveLength(2);
  });

  it('reads robots.txt as crawlers do: the group of its product token, longest rule first, Allow on a tie, * and $', () => {
    const rules = parseRobots(ROBOTS + ['User-agent: OtherBot', 'User-agent: DepecheBot', 'Disallow: /*.pdf$', 'Allow: /prive/ouvert', 'Disallow: /prive/ouvert'].join('\n'));
    const token = userAgentToken(DEFAULT_USER_AGENT);
    expect(token).toBe('depechebot');
    expect(robotsAllows(rules, token, '/articles/x')).toBe(true);
    expect(robotsAllows(rules, token, '/prive/x')).toBe(false);
    expect(robotsAllows(rules, token, '/prive/public-')).toBe(true);
    expect(robotsAllows(rules, token, '/prive/public-x')).toBe(false);
    expect(robotsAllows(rules, token, '/prive/ouvert')).toBe(true);
    expect(robotsAllows(rules, token, '/doc/a.pdf')).toBe(false);
    expect(robotsAllows(rules, token, '/doc/a.pdf?x=1')).toBe(true);
    expect(robotsAllows(rules, 'otherbot', '/doc/a.pdf')).toBe(false);
    expect(robotsAllows(rules, 'somebot', '/articles/x')).toBe(false);
  });

  it('fetches one page at a time per host, FETCH_HOST_DELAY_MS apart (as the server saw them)', async () => {
    const DELAY = 250;
    const events: { what: 'start' | 'end'; path: string; at: number }[] = [];
    const pages = [SNCF, BREST, CAFE].map((a) => ({ ...a, slug: `lent-${a.slug}` }));
    for (const a of pages) {
      const html = articlePage(a, { canonical: canonicalOf(a) });
      server.route(`/articles/${a.slug}`, async (req, res) => {
        events.push({ what: 'start', path: req.url!, at: performance.now() });
        // A slow answer: concurrent requests would overlap here.
        await new Promise((resolve) => setTimeout(resolve, 40));
        events.push({ what: 'end', path: req.url!, at: performance.now() });
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      });
    }
    feedOf('/lent.xml', pages);
    const service = open({ ...SETTINGS, fetch: { ...SETTINGS.fetch, hostDelayMs: DELAY } });
    await service.addFeed(server.url('/lent.xml'));
    const report = await service.poll();
    expect(report.pages.map((p) => p.status)).toEqual(['added', 'added', 'added']);
    expect(events.map((e) => e.what)).toEqual(['start', 'end', 'start', 'end', 'start', 'end']);
    for (let i = 2; i < events.length; i += 2) {
      expect(events[i]!.path).not.toBe(events[i - 2]!.path);
      expect(events[i]!.at - events[i - 1]!.at, `pause before ${events[i]!.path}`).toBeGreaterThanOrEqual(DELAY - 5);
    }
  });
});

describe('feed state written by an older version', () => {
  it('reads a last error stored as an English sentence as an unrecorded reason (its text kept only as detail), and new errors as codes', () => {
    const service = open();
    const feed = service.store.add('https://exemple.fr/flux.xml', 'Ancien flux', clock);
    const path = FeedStore.pathIn(app.config.embeddingsDir);
    const db = new Database(path);
    db.prepare('UPDATE feeds SET error_count = 1, last_error = ? WHERE id = ?').run('the server answered 500 Internal Server Error', feed.id);
    db.close();
    expect(service.store.byId(feed.id)!.lastError).toEqual({ code: 'unrecorded', detail: 'the server answered 500 Internal Server Error' });
    service.store.recordFailure(feed.id, { code: 'http-status', status: 503, statusText: 'Service Unavailable' }, clock + MINUTE, clock);
    expect(service.store.byId(feed.id)).toMatchObject({ errorCount: 2, lastError: { code: 'http-status', status: 503, statusText: 'Service Unavailable' } });
  });
});
