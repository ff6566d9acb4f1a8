/**
 * News in through Discord, end to end: `/admin add url:` and `/admin feed`, with the bot's own code
 * (startBot) and the real discord.js client against the Discord test double; article pages and
 * feeds are served on 127.0.0.1 (allowed through FETCH_ALLOW_HOSTS).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCommand, ADMIN_PERMISSIONS, ask, isOriginalEdit, messagePayload, startHarness, type Harness } from './support/discord-bot-harness.ts';
import { articlePage, BREST, rssFeed, SNCF, VENDANGES } from './support/http-pages.ts';
import { body, startServer, type TestServer } from './support/http-server.ts';

const ADMIN = { memberPermissions: ADMIN_PERMISSIONS };
const NOTICE_CHANNEL = '1100000000000000004'; // the double's text channel
let h: Harness;
let web: TestServer;

beforeAll(async () => {
  web = await startServer();
  h = await startHarness({
    corpus: 'seed',
    embedder: 'hash',
    env: { FETCH_ALLOW_HOSTS: '127.0.0.1', FEED_POLL_MINUTES: '0.05', FEED_NOTICE_CHANNEL_ID: NOTICE_CHANNEL, RATE_LIMIT_PER_MINUTE: '0' },
  });
});

afterAll(async () => {
  await h?.stop();
  await web?.close();
});

const finalEdit = (sent: Parameters<typeof isOriginalEdit>[1], pattern: RegExp) =>
  h.double.waitForRequest((r) => isOriginalEdit(h.double, sent)(r) && pattern.test(messagePayload(r)?.content ?? ''), 30_000);

describe('/admin add url:', () => {
  it('fetches the page, shows what was extracted, and the article answers /ask with its link', async () => {
    web.route(`/${SNCF.slug}`, body(articlePage(SNCF)));
    const { sent } = await adminCommand(h.double, 'add', [{ name: 'url', type: 3, value: web.url(`/${SNCF.slug}`) }], ADMIN);
    const reply = messagePayload(await finalEdit(sent, /TGV M/));
    expect(reply.content).toContain(SNCF.title);
    expect(reply.content).toMatch(/passages?/);
    expect(reply.allowed_mentions).toMatchObject({ parse: [] });

    const { edit } = await ask(h.double, 'Combien de rames TGV M la SNCF a-t-elle commandées à Alstom ?');
    const answer = messagePayload(edit);
    const text = JSON.stringify(answer);
    expect(text).toContain('42 rames TGV M supplémentaires');
    expect(text).toContain(web.url(`/${SNCF.slug}`));
  });

  it('a private address not in FETCH_ALLOW_HOSTS is refused with the reason, and nothing is stored', async () => {
    const before = h.bot.depeche.listArticles().length;
    const { sent, callback } = await adminCommand(h.double, 'add', [{ name: 'url', type: 3, value: 'http://10.0.0.7/article' }], ADMIN);
    const reply = messagePayload(callback)?.content ?? messagePayload(await finalEdit(sent, /./)).content;
    expect(reply).toBe('Refusé : 10.0.0.7 est une adresse de réseau privé (ajoutez l’hôte à FETCH_ALLOW_HOSTS pour l’autoriser).');
    expect(h.bot.depeche.listArticles()).toHaveLength(before);
  });
});

describe('/admin feed', () => {
  it('follows a feed: its articles are fetched by the poller, become answerable, and a notice is posted', async () => {
    const items = [BREST, VENDANGES].map((a) => ({ title: a.title, link: web.url(`/${a.slug}`), published: a.published }));
    for (const a of [BREST, VENDANGES]) web.route(`/${a.slug}`, body(articlePage(a)));
    web.route('/rss.xml', body(rssFeed('Ouest Matin', web.origin, items), 'application/rss+xml; charset=utf-8'));

    const { sent } = await adminCommand(h.double, 'feed', [], { ...ADMIN, options: [{ name: 'feed', type: 2, options: [{ name: 'add', type: 1, options: [{ name: 'url', type: 3, value: web.url('/rss.xml') }] }] }] });
    expect(messagePayload(await finalEdit(sent, /Flux suivi/)).content).toContain('2 articles');

    // The poller (every 3 s here) fetches both pages, indexes them once, and announces them.
    const notice = await h.double.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${NOTICE_CHANNEL}/messages` && /Brest/.test(JSON.stringify(r.body)), 30_000);
    expect(messagePayload(notice).allowed_mentions).toMatchObject({ parse: [] });
    const { edit } = await ask(h.double, 'Combien a coûté le chantier du terminal de Brest ?');
    expect(JSON.stringify(messagePayload(edit)), JSON.stringify(messagePayload(edit))).toContain('220 millions d’euros');

    const list = await adminCommand(h.double, 'feed', [], { ...ADMIN, options: [{ name: 'feed', type: 2, options: [{ name: 'list', type: 1, options: [] }] }] });
    expect(messagePayload(list.callback).content).toContain(web.url('/rss.xml'));
  });
});
