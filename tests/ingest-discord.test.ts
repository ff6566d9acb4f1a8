/**
 * The Discord handlers of issue 6 (src/discord/commands/admin-url-feed.ts), driven with minimal
 * stand-ins for discord.js interactions: /admin add url:, the url source for /admin add, the
 * /admin feed group, and the poller started and stopped with the bot, with its notices.
 */
import { SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import { readdirSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Depeche } from '../src/app/depeche.ts';
import type { BotContext } from '../src/discord/context.ts';
import { addFromUrl, feedPart, startFeedPoller, stopFeedPoller, urlSource } from '../src/discord/commands/admin-url-feed.ts';
import { DEFAULT_USER_AGENT, type IngestSettings } from '../src/ingest/config.ts';
import { closeFetchAgents } from '../src/ingest/fetch.ts';
import { fileNameFor } from '../src/ingest/url.ts';
import { silentLogger } from '../src/log.ts';
import { articlePage, LOUVRE, rssFeed, SNCF } from './support/http-pages.ts';
import { body, startServer, type TestServer } from './support/http-server.ts';
import { HASH_SPEC, makeWorkspace, type Workspace } from './support/workspace.ts';

const CANONICAL = 'https://www.courrier-du-rail.example/economie/2024/03/12/sncf-commande-tgv-m.html';
let server: TestServer;
let ws: Workspace;
let app: Depeche;
let ctx: BotContext;

beforeAll(async () => {
  // The handlers read FETCH_* and FEED_* from the environment, as the bot does.
  process.env.FETCH_ALLOW_HOSTS = '127.0.0.1';
  process.env.FETCH_TIMEOUT_MS = '2000';
  server = await startServer();
});
afterAll(async () => {
  delete process.env.FETCH_ALLOW_HOSTS;
  delete process.env.FETCH_TIMEOUT_MS;
  await closeFetchAgents();
  await server.close();
});
beforeEach(async () => {
  ws = makeWorkspace();
  app = await Depeche.open(ws.config(), { embedder: HASH_SPEC, inlineQueryEmbedder: true });
  ctx = { depeche: app, log: silentLogger } as unknown as BotContext;
});
afterEach(async () => {
  await stopFeedPoller(app);
  await app.close();
  ws.cleanup();
});

interface Fake {
  interaction: ChatInputCommandInteraction;
  /** Every content sent (reply, then edits), in order. */
  contents: string[];
  ephemeral: boolean[];
  last(): string;
}

function fake(options: Record<string, string>, sub?: string, group?: string): Fake {
  const contents: string[] = [];
  const ephemeral: boolean[] = [];
  const state = { deferred: false, replied: false };
  const interaction = {
    id: '1300000000000000001',
    user: { id: '1300000000000000002' },
    get deferred() {
      return state.deferred;
    },
    get replied() {
      return state.replied;
    },
    options: {
      getString: (name: string, required?: boolean) => {
        if (options[name] === undefined && required) throw new Error(`missing option ${name}`);
        return options[name] ?? null;
      },
      get: (name: string) => (options[name] === undefined ? null : { name, value: options[name] }),
      getSubcommand: () => sub ?? null,
      getSubcommandGroup: () => group ?? null,
    },
    reply: async (p: { content: string; flags?: number }) => {
      state.replied = true;
      contents.push(p.content);
      ephemeral.push(p.flags !== undefined);
    },
    deferReply: async (p: { flags?: number }) => {
      state.deferred = true;
      ephemeral.push(p.flags !== undefined);
    },
    editReply: async (p: { content: string }) => {
      contents.push(p.content);
    },
  } as unknown as ChatInputCommandInteraction;
  return { interaction, contents, ephemeral, last: () => contents.at(-1) ?? '' };
}

describe('/admin add url:', () => {
  it('replies with what was extracted, recognises the same article, and explains refusals', async () => {
    server.route('/eco/sncf', body(articlePage(SNCF, { canonical: CANONICAL })));
    server.route('/boom', (_req, res) => void res.writeHead(500).end());
    const first = fake({ url: server.url('/eco/sncf') });
    const fields = await addFromUrl(first.interaction, ctx);
    expect(fields).toMatchObject({ status: 'added', added: [fileNameFor(CANONICAL).replace(/\.md$/, '')] });
    expect(first.ephemeral).toEqual([true]);
    const reply = first.last();
    expect(reply).toContain('Article ajouté : `web-courrier-du-rail-example-');
    expect(reply).toContain(`Titre : ${SNCF.title}`);
    expect(reply).toContain('Média : Le Courrier du Rail — auteur : Claire Martin — date : 2024-03-12');
    expect(reply).toContain(`Lien : <${CANONICAL}>`);
    expect(reply).toMatch(/Longueur : [\d\s ]+ caractères, \d+ passages\./);
    expect(reply).toContain('Début : « La SNCF a annoncé mardi la commande de 42 rames TGV M');
    expect(reply.length).toBeLessThanOrEqual(2000);
    expect((await app.ask('Combien de rames TGV M la SNCF a-t-elle commandées à Alstom ?')).found).toBe(true);

    const again = fake({ url: server.url('/eco/sncf') });
    await addFromUrl(again.interaction, ctx);
    expect(again.last()).toMatch(/^Déjà dans le corpus, sans changement : \*\*La SNCF commande/);

    const boom = fake({ url: server.url('/boom') });
    expect(await addFromUrl(boom.interaction, ctx)).toMatchObject({ status: 'failed' });
    expect(boom.last()).toBe('Refusé : the server answered 500 Internal Server Error. Réessayez plus tard.');

    const ftp = fake({ url: 'ftp://example.org/x' });
    await addFromUrl(ftp.interaction, ctx);
    expect(ftp.contents).toEqual(['Refusé : only http and https addresses can be fetched (got ftp:).']);

    const local = fake({ url: server.url('/eco/sncf').replace('127.0.0.1', 'localhost') });
    await addFromUrl(local.interaction, ctx);
    expect(local.last()).toMatch(/^Refusé : refused: localhost resolves to .*loopback/);
    expect(readdirSync(ws.corpusDir)).toEqual([fileNameFor(CANONICAL)]);
  });

  it('url source for /admin add: registers its option, and its article replaces an earlier version', async () => {
    const sub = new SlashCommandBuilder().setName('admin').setDescription('x');
    sub.addSubcommand((s) => {
      urlSource.addOption(s.setName('add').setDescription('Ajoute un article'), false);
      return s;
    });
    expect(JSON.stringify(sub.toJSON())).toContain('"name":"url"');

    let paragraphs = SNCF.paragraphs;
    server.route('/eco/sncf-v', (_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end(articlePage(SNCF, { canonical: CANONICAL, paragraphs })));
    const run = async () => {
      const prepared = urlSource.prepare(fake({ url: server.url('/eco/sncf-v') }).interaction, ctx);
      expect(prepared.fields).toEqual({ url: server.url('/eco/sncf-v') });
      const fetched = (await prepared.fetch()) as { name: string; bytes: Uint8Array; replace?: boolean };
      expect(fetched).toMatchObject({ name: fileNameFor(CANONICAL), replace: true });
      return app.addArticles([{ name: fetched.name, bytes: fetched.bytes, replace: fetched.replace }]);
    };
    expect((await run()).added).toHaveLength(1);
    paragraphs = [...SNCF.paragraphs, 'Mise à jour : Alstom confirme un premier versement dès le mois prochain.'];
    const second = await run();
    expect(second.added).toMatchObject([{ replaced: true }]);
    expect(readdirSync(ws.corpusDir)).toEqual([fileNameFor(CANONICAL)]);

    expect(() => urlSource.prepare(fake({ url: 'not a link' }).interaction, ctx)).toThrow(/not a valid address/);
    server.route('/home', body('<html><body><p>Accueil</p></body></html>'));
    await expect(urlSource.prepare(fake({ url: server.url('/home') }).interaction, ctx).fetch()).rejects.toThrow(/no article text found/);
  });
});

describe('/admin feed', () => {
  it('registers as a subcommand group with add, remove and list', () => {
    const admin = new SlashCommandBuilder().setName('admin').setDescription('x');
    feedPart.register(admin);
    const json = admin.toJSON();
    const group = json.options?.find((o) => o.name === 'feed') as { options: { name: string }[] } | undefined;
    expect(group?.options.map((o) => o.name)).toEqual(['add', 'remove', 'list']);
  });

  it('add, list, remove; the poller started with the bot stores new items and posts one-line notices', async () => {
    server.route(`/articles/${LOUVRE.slug}`, body(articlePage(LOUVRE, { canonical: 'https://ouest-matin.example/louvre-nocturnes' })));
    server.route('/rss.xml', body(rssFeed('Ouest Matin', server.origin, [{ title: LOUVRE.title, link: server.url(`/articles/${LOUVRE.slug}`), published: LOUVRE.published }]), 'application/rss+xml'));
    server.route('/page', body(articlePage(SNCF)));

    const notFeed = fake({ url: server.url('/page') }, 'add', 'feed');
    expect(await feedPart.execute(notFeed.interaction, ctx)).toMatchObject({ refused: expect.stringMatching(/unexpected content type/) });
    expect(notFeed.last()).toMatch(/^Flux refusé : unexpected content type "text\/html"/);

    const add = fake({ url: server.url('/rss.xml') }, 'add', 'feed');
    await feedPart.execute(add.interaction, ctx);
    expect(add.last()).toMatch(/^Flux suivi \(n° 1\) : \*\*Ouest Matin\*\* <http:\/\/127\.0\.0\.1:\d+\/rss\.xml> — 1 articles annoncés\. Ils seront récupérés/);
    const list = fake({}, 'list', 'feed');
    await feedPart.execute(list.interaction, ctx);
    expect(list.last()).toMatch(/^\*\*1 flux suivis :\*\*\n• n° 1 — \*\*Ouest Matin\*\* <.*> — 0 articles — pas encore interrogé$/);

    const notices: string[] = [];
    const settings: IngestSettings = {
      fetch: { allowHosts: ['127.0.0.1'], timeoutMs: 2000, maxBytes: 1_000_000, maxRedirects: 3, userAgent: DEFAULT_USER_AGENT },
      feeds: { pollMinutes: 30, maxItemsPerPoll: 20, noticeChannelId: null },
    };
    await stopFeedPoller(app); // the command opened the service; the bot starts its own poller
    startFeedPoller(ctx, { settings, tickMs: 50, post: async (line) => void notices.push(line) });
    await vi.waitFor(() => expect(notices).toHaveLength(1), { timeout: 10_000, interval: 50 });
    expect(notices[0]).toBe('Nouvel article : Le Louvre ouvrira jusqu’à 22 heures le vendredi (Ouest Matin, 2024-10-01) — https://ouest-matin.example/louvre-nocturnes');
    expect((await app.ask('Jusqu’à quelle heure le Louvre sera-t-il ouvert le vendredi ?')).found).toBe(true);

    const list2 = fake({}, 'list', 'feed');
    await feedPart.execute(list2.interaction, ctx);
    expect(list2.last()).toMatch(/— 1 articles — à jour, prochain passage dans 30 min$/);

    const unknown = fake({ feed: '42' }, 'remove', 'feed');
    await feedPart.execute(unknown.interaction, ctx);
    expect(unknown.last()).toMatch(/^Aucun flux « 42 »/);
    const remove = fake({ feed: '1' }, 'remove', 'feed');
    await feedPart.execute(remove.interaction, ctx);
    expect(remove.last()).toMatch(/^Flux retiré : \*\*Ouest Matin\*\* <.*>\. Ses 1 articles restent dans le corpus/);
    expect(app.listArticles()).toHaveLength(1);
  });
});
