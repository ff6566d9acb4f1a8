/**
 * Articles by URL and feeds through Discord, end to end: `/admin add url:` (the url source of
 * /admin add), the `/admin feed` group and the bot's feed poller with its notices. The bot's own code
 * (startBot) runs with the real discord.js client against the Discord test double; pages and feeds
 * are served on 127.0.0.1 (allowed through FETCH_ALLOW_HOSTS); every check reads what the double
 * received.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerCommands } from '../src/discord/register.ts';
import { fileNameFor } from '../src/ingest/url.ts';
import {
  adminCommand,
  ADMIN_PERMISSIONS,
  ask,
  isCallback,
  isOriginalEdit,
  messagePayload,
  startHarness,
  type Harness,
} from './support/discord-bot-harness.ts';
import type { ApplicationCommandOptionPayload, RecordedRequest, SentInteraction } from './support/discord-double.ts';
import { articlePage, LOUVRE, rssFeed, SNCF } from './support/http-pages.ts';
import { body, startServer, type TestServer } from './support/http-server.ts';

const ADMIN = { memberPermissions: ADMIN_PERMISSIONS };
const NOTICE_CHANNEL = '1100000000000000004'; // the double's text channel
const CANONICAL = 'https://www.courrier-du-rail.example/economie/2024/03/12/sncf-commande-tgv-m.html';
let h: Harness;
let web: TestServer;

beforeAll(async () => {
  web = await startServer();
  h = await startHarness({
    corpus: 'seed',
    embedder: 'hash',
    env: { FETCH_ALLOW_HOSTS: '127.0.0.1', FETCH_TIMEOUT_MS: '2000', FEED_POLL_MINUTES: '30', FEED_NOTICE_CHANNEL_ID: NOTICE_CHANNEL, RATE_LIMIT_PER_MINUTE: '0' },
    // A feed added while the bot runs is due at once; the poller looks for due feeds often here.
    bot: { feedTickMs: 50 },
  });
});

afterAll(async () => {
  await h?.stop();
  await web?.close();
});

const corpusFiles = () => readdirSync(h.corpusDir).sort();
const addUrl = (url: string) => adminCommand(h.double, 'add', [{ name: 'url', type: 3, value: url }], ADMIN);
const feedCommand = (sub: string, options: ApplicationCommandOptionPayload[] = []) =>
  adminCommand(h.double, 'feed', [], { ...ADMIN, options: [{ name: 'feed', type: 2, options: [{ name: sub, type: 1, options }] }] });

/** The reply an admin ends up with: the immediate one, or the last edit of a deferred reply. */
async function finalReply(s: { sent: SentInteraction; callback: RecordedRequest }, pattern = /^(?!.*en cours)/s): Promise<any> {
  if (s.callback.body?.type === 4) return s.callback.body.data;
  expect(s.callback.body).toMatchObject({ type: 5, data: { flags: 64 } }); // deferred, private
  return messagePayload(await h.double.waitForRequest((r) => isOriginalEdit(h.double, s.sent)(r) && pattern.test(messagePayload(r)?.content ?? ''), 30_000));
}

describe('/admin add url:', () => {
  it('replies privately with what was extracted; the same article again is recognised; refusals say why; nothing else is stored', async () => {
    web.route('/eco/sncf', body(articlePage(SNCF, { canonical: CANONICAL })));
    web.route('/boom', (_req, res) => void res.writeHead(500).end());
    const before = corpusFiles();

    const added = await finalReply(await addUrl(web.url('/eco/sncf')), /^Article ajouté/);
    expect(added.allowed_mentions).toMatchObject({ parse: [] });
    const reply: string = added.content;
    expect(reply).toContain('Article ajouté : `web-courrier-du-rail-example-');
    expect(reply).toContain(`Titre : ${SNCF.title}`);
    expect(reply).toContain(`Média : Le Courrier du Rail — date : 2024-03-12 — lien : <${CANONICAL}>`);
    expect(reply).toMatch(/Longueur : [\d\s ]+ caractères, \d+ passages\./);
    expect(reply).toContain('Début : « La SNCF a annoncé mardi la commande de 42 rames TGV M');
    expect(reply.length).toBeLessThanOrEqual(2000);
    const answer = JSON.stringify(messagePayload((await ask(h.double, 'Combien de rames TGV M la SNCF a-t-elle commandées à Alstom ?')).edit));
    expect(answer).toContain('42 rames TGV M supplémentaires');
    expect(answer).toContain(CANONICAL);

    const again = await finalReply(await addUrl(web.url('/eco/sncf')), /^Ignoré/);
    expect(again.content).toMatch(/^Ignoré : `.*` : inchangé : l’article web-courrier-du-rail-example-\S+ a déjà ce texte$/);

    expect((await finalReply(await addUrl(web.url('/boom')))).content).toBe('Refusé : le serveur a répondu 500 (erreur interne du serveur).');
    // Refused before anything is deferred or fetched.
    const ftp = await addUrl('ftp://example.org/x');
    expect(ftp.callback.body).toMatchObject({ type: 4, data: { content: 'Refusé : seules les adresses http et https peuvent être récupérées (reçu ftp:).', flags: 64 } });
    const notALink = await addUrl('not a link');
    expect(notALink.callback.body.data.content).toBe('Refusé : adresse invalide (attendu https://…).');
    // localhost is not on FETCH_ALLOW_HOSTS (only 127.0.0.1 is), so its loopback address is refused.
    expect((await finalReply(await addUrl(web.url('/eco/sncf').replace('127.0.0.1', 'localhost')))).content).toMatch(/^Refusé : localhost pointe vers (127\.0\.0\.1|::1), une adresse locale \(boucle\) \(ajoutez l’hôte à FETCH_ALLOW_HOSTS pour l’autoriser\)\.$/);
    web.route('/home', body('<html><body><p>Accueil</p></body></html>'));
    expect((await finalReply(await addUrl(web.url('/home')))).content).toMatch(/^Refusé : aucun texte d’article dans ce document : seulement \d+ caractères de texte principal \(est-ce bien un article \?\)\.$/);

    expect(corpusFiles()).toEqual([...before, fileNameFor(CANONICAL)].sort());
  });

  it('a new version of an article (same canonical link, new text) replaces the earlier one instead of adding a second file', async () => {
    const update = 'Mise à jour : Alstom confirme un premier versement dès le mois prochain.';
    web.route('/eco/sncf-v2', body(articlePage(SNCF, { canonical: CANONICAL, paragraphs: [...SNCF.paragraphs, update] })));
    const files = corpusFiles();
    const articles = h.bot.depeche.listArticles().length;
    const reply = await finalReply(await addUrl(web.url('/eco/sncf-v2')), /^Article ajouté/);
    expect(reply.content).toContain(`Titre : ${SNCF.title}`);
    expect(corpusFiles()).toEqual(files);
    expect(readFileSync(join(h.corpusDir, fileNameFor(CANONICAL)), 'utf8')).toContain(update);
    expect(h.bot.depeche.listArticles()).toHaveLength(articles);
  });
});

describe('/admin feed', () => {
  it('is registered as a group with add, remove and list, beside the url option of /admin add', async () => {
    await registerCommands({ ...h.env, DISCORD_APPLICATION_ID: h.double.applicationId, DISCORD_GUILD_ID: h.double.guildId });
    const admin = h.double.guildCommands.get(h.double.guildId)!.find((c) => c.name === 'admin');
    const feed = admin.options.find((o: any) => o.name === 'feed');
    expect(feed.type).toBe(2);
    expect(feed.options.map((o: any) => o.name)).toEqual(['add', 'remove', 'list']);
    const add = admin.options.find((o: any) => o.name === 'add');
    expect(add.options.map((o: any) => o.name)).toEqual(expect.arrayContaining(['file', 'url']));
  });

  it('add, list, remove; the poller the bot runs stores the new item and posts a one-line notice', async () => {
    web.route(`/articles/${LOUVRE.slug}`, body(articlePage(LOUVRE, { canonical: 'https://ouest-matin.example/louvre-nocturnes' })));
    web.route('/page', body(articlePage(SNCF)));
    // The first request (the check made by /admin feed add) is answered at once; the poller's wait
    // until the test opens the gate, so the list below sees the feed before its first poll.
    const feedXml = rssFeed('Ouest Matin', web.origin, [{ title: LOUVRE.title, link: web.url(`/articles/${LOUVRE.slug}`), published: LOUVRE.published }]);
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    let served = 0;
    web.route('/rss.xml', async (req, res) => {
      if (served++ > 0) await gate;
      body(feedXml, 'application/rss+xml')(req, res);
    });

    const notFeed = await finalReply(await feedCommand('add', [{ name: 'url', type: 3, value: web.url('/page') }]));
    expect(notFeed.content).toBe('Flux refusé : type de contenu inattendu « text/html » (attendu : un flux RSS ou Atom).');

    const added = await finalReply(await feedCommand('add', [{ name: 'url', type: 3, value: web.url('/rss.xml') }]));
    expect(added.content).toMatch(/^Flux suivi \(n° 1\) : \*\*Ouest Matin\*\* <http:\/\/127\.0\.0\.1:\d+\/rss\.xml> — 1 articles annoncés\. Ils seront récupérés/);
    const list = await finalReply(await feedCommand('list'));
    expect(list.content).toMatch(/^\*\*1 flux suivis :\*\*\n• n° 1 — \*\*Ouest Matin\*\* <.*> — 0 articles — pas encore interrogé$/);

    const isNotice = (r: RecordedRequest) => r.method === 'POST' && r.path === `/channels/${NOTICE_CHANNEL}/messages`;
    expect(h.double.requests.filter(isNotice)).toEqual([]);
    openGate();
    const notice = messagePayload(await h.double.waitForRequest(isNotice, 30_000));
    expect(notice.content).toBe('Nouvel article : Le Louvre ouvrira jusqu’à 22 heures le vendredi (Ouest Matin, 2024-10-01) — https://ouest-matin.example/louvre-nocturnes');
    expect(notice.allowed_mentions).toMatchObject({ parse: [] });
    const answer = JSON.stringify(messagePayload((await ask(h.double, 'Jusqu’à quelle heure le Louvre sera-t-il ouvert le vendredi ?')).edit));
    expect(answer).toContain('jusqu’à 22 heures chaque vendredi');

    const polled = await finalReply(await feedCommand('list'));
    expect(polled.content).toMatch(/— 1 articles — à jour, prochain passage dans 30 min$/);

    // Autocomplete finds the feed by its title.
    const auto = await h.double.sendAutocomplete({ name: 'admin', options: [{ name: 'feed', type: 2, options: [{ name: 'remove', type: 1, options: [{ name: 'feed', type: 3, value: 'ouest', focused: true }] }] }], ...ADMIN });
    const choices = (await h.double.waitForRequest(isCallback(auto))).body;
    expect(choices).toEqual({ type: 8, data: { choices: [{ name: `Ouest Matin — ${web.url('/rss.xml')}`, value: '1' }] } });

    const unknown = await finalReply(await feedCommand('remove', [{ name: 'feed', type: 3, value: '42' }]));
    expect(unknown.content).toMatch(/^Aucun flux « 42 »/);
    const articles = h.bot.depeche.listArticles().length;
    const removed = await finalReply(await feedCommand('remove', [{ name: 'feed', type: 3, value: '1' }]));
    expect(removed.content).toMatch(/^Flux retiré : \*\*Ouest Matin\*\* <.*>\. Ses 1 articles restent dans le corpus/);
    expect((await finalReply(await feedCommand('list'))).content).toBe('Aucun flux suivi. Ajoutez-en un avec /admin feed add.');
    expect(h.bot.depeche.listArticles()).toHaveLength(articles);
  });
  it('a feed that starts failing: /admin feed list gives the reason in French, the log keeps its code', async () => {
    let served = 0;
    web.route('/en-panne.xml', (req, res) => {
      if (served++ === 0) return body(rssFeed('Flux en panne', web.origin, []), 'application/rss+xml')(req, res);
      res.writeHead(503, { 'content-type': 'text/plain' }).end('maintenance');
    });
    const url = web.url('/en-panne.xml');
    const added = await finalReply(await feedCommand('add', [{ name: 'url', type: 3, value: url }]));
    expect(added.content).toMatch(/^Flux suivi \(n° \d+\) : \*\*Flux en panne\*\*/);
    // The poller (every 50 ms here) polls it at once and fails: wait for that log line.
    await vi.waitFor(() => expect(h.logs.some((l) => l.event === 'feed.failed' && l.url === url)).toBe(true), { timeout: 30_000 });
    const failed = h.logs.find((l) => l.event === 'feed.failed' && l.url === url)!;
    expect(failed.reason).toEqual({ code: 'http-status', status: 503, statusText: 'Service Unavailable' });

    const list = (await finalReply(await feedCommand('list'))).content as string;
    expect(list).toMatch(/\*\*Flux en panne\*\* <.*> — 0 articles — en échec \(1 fois : le serveur a répondu 503 \(service indisponible\)\), nouvel essai dans 60 min$/m);
    expect(list).not.toMatch(/\b(the|server|answered|Service|Unavailable|failed)\b/);
    const id = /n° (\d+) — \*\*Flux en panne/.exec(list)![1]!;
    await finalReply(await feedCommand('remove', [{ name: 'feed', type: 3, value: id }]));
  });
});
