/**
 * Several servers, end to end (the real discord.js client against the double, the hash embedder):
 * each server's admins manage their own library; a server's members are answered from it and the
 * operator's shared library; nothing an admin of server B does reaches server A's members.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_REFUSED } from '../src/discord/wording.ts';
import { adminCommand, ADMIN_PERMISSIONS, ask, isOriginalEdit, newUserId, slash, startHarness, type Harness } from './support/discord-bot-harness.ts';
import type { ApplicationCommandOptionPayload, SentInteraction } from './support/discord-double.ts';
import { articlePage, LOUVRE, rssFeed } from './support/http-pages.ts';
import { body, startServer, type TestServer } from './support/http-server.ts';
import { joinServer, leaveServer } from './support/several-servers.ts';

const B = '1100000000000000777';
const ADMIN = { memberPermissions: ADMIN_PERMISSIONS };

const article = (title: string, body: string) => `---\ntitle: "${title}"\nsource: Le Courrier de test\npublished: 2026-03-02\nlanguage: fr\n---\n\n${body}\n`;

const SHARED_FACT = 'Le tramway de Bourg-Lénard a coûté 412 millions d’euros, selon la métropole.';
const A_FACT = 'La piscine olympique de Valcourt ouvrira ses bassins le 3 mars, a annoncé la mairie.';
const B_FAKE = 'La piscine olympique de Valcourt a été fermée pour une fraude géante aux subventions, selon une source anonyme.';
const POOL_QUESTION = 'Quand la piscine olympique de Valcourt ouvrira-t-elle ?';
const LIFT_FACT = 'Le téléphérique de Montferrand transportera six mille voyageurs par jour dès l’été.';
const LIFT_QUESTION = 'Combien de voyageurs le téléphérique de Montferrand transportera-t-il ?';

let h: Harness;
let web: TestServer;
let A: string;
let operatorId: string;

beforeAll(async () => {
  web = await startServer();
  h = await startHarness({
    corpus: { 'tramway.md': article('Le tramway de Bourg-Lénard', `Les travaux ont duré quatre ans. ${SHARED_FACT} La ligne compte douze stations.`) },
    embedder: 'hash',
    // No home server: every server, the double's own included, has a library of its own.
    env: {
      HOME_GUILD_ID: '',
      RATE_LIMIT_PER_MINUTE: '0',
      SERVER_MAX_ARTICLES: '2',
      SERVER_DATA_RETENTION_DAYS: '0',
      FETCH_ALLOW_HOSTS: '127.0.0.1',
      FEED_POLL_MINUTES: '30',
      FEED_NOTICE_CHANNEL_ID: '1100000000000000004', // the shared library's notices: a channel of server A
    },
    bot: { feedTickMs: 50 },
  });
  A = h.double.guildId;
  // The operator is the application's owner, as the API reports it.
  const app = await fetch(`${h.double.restUrl}/v10/applications/@me`, { headers: { Authorization: `Bot ${h.double.token}` } });
  operatorId = ((await app.json()) as { owner: { id: string } }).owner.id;
});

afterAll(async () => {
  await h?.stop();
  await web?.close();
});

/** The final edit of a deferred reply (an answer, or an /admin add result). */
const finalEdit = (s: SentInteraction) => h.double.waitForRequest((r) => isOriginalEdit(h.double, s)(r) && r.status === 200 && !/en cours|…$/.test(r.body?.content ?? ''), 30_000);

async function addFile(guildId: string, filename: string, content: string, extra: Record<string, unknown> = ADMIN, options: ApplicationCommandOptionPayload[] = []) {
  const { sent, callback } = await adminCommand(h.double, 'add', options, { ...extra, guildId, attachments: [{ filename, data: content, optionName: 'file' }] });
  if (callback.body.type === 4) return callback.body.data.content as string; // refused at once
  return (await finalEdit(sent)).body.content as string;
}

async function answerIn(guildId: string, question: string): Promise<string> {
  const { edit } = await ask(h.double, question, { guildId });
  return edit.body.content as string;
}

async function sourcesIn(guildId: string, question: string): Promise<string> {
  const { sent } = await slash(h.double, { name: 'sources', options: [{ name: 'question', type: 3, value: question }], userId: newUserId(), guildId });
  return (await finalEdit(sent)).body.content as string;
}

async function removeChoices(guildId: string): Promise<{ name: string; value: string }[]> {
  const auto = await h.double.sendAutocomplete({
    name: 'admin',
    options: [{ name: 'remove', type: 1, options: [{ name: 'article', type: 3, value: '', focused: true }] }],
    userId: newUserId(),
    guildId,
    ...ADMIN,
  });
  const result = await h.double.waitForRequest((r) => r.path === `/interactions/${auto.id}/${auto.token}/callback`);
  return result.body.data.choices;
}

async function adminReply(guildId: string, sub: string, options: ApplicationCommandOptionPayload[] = [], extra: Record<string, unknown> = ADMIN): Promise<string> {
  const { sent, callback } = await adminCommand(h.double, sub, options, { ...extra, guildId });
  if (callback.body.type === 4) return callback.body.data.content as string;
  return (await finalEdit(sent)).body.content as string;
}

describe('a library per server', () => {
  it('what an admin of server B adds, removes or reindexes never changes what server A’s members get', async () => {
    // Both servers store a file of the same name: the same article id in two libraries.
    expect(await addFile(A, 'piscine.md', article('Piscine de Valcourt', `${A_FACT} Le chantier a coûté cher.`))).toContain('Article ajouté : `piscine`');
    expect(await addFile(B, 'piscine.md', article('Scandale à Valcourt', `${B_FAKE} La mairie dément.`))).toContain('Article ajouté : `piscine`');

    const inA = await answerIn(A, POOL_QUESTION);
    expect(inA).toContain('3 mars');
    expect(inA).not.toContain('fraude');
    expect(await answerIn(B, POOL_QUESTION)).toContain('fraude');
    // Both servers still get the shared library, merged with their own.
    expect(await answerIn(A, 'Combien a coûté le tramway de Bourg-Lénard ?')).toContain('412 millions');
    expect(await answerIn(B, 'Combien a coûté le tramway de Bourg-Lénard ?')).toContain('412 millions');

    expect(await sourcesIn(A, 'fraude aux subventions de la piscine de Valcourt')).not.toContain('fraude géante');
    expect(await sourcesIn(B, 'fraude aux subventions de la piscine de Valcourt')).toContain('fraude géante');

    expect((await removeChoices(A)).map((c) => c.name)).toEqual(['Piscine de Valcourt (piscine)']);
    expect((await removeChoices(B)).map((c) => c.name)).toEqual(['Scandale à Valcourt (piscine)']);
    const listA = await adminReply(A, 'list');
    expect(listA).toContain('Piscine de Valcourt');
    expect(listA).not.toContain('Scandale');
    expect(listA).not.toContain('tramway'); // the shared library is the operator's, not listed to server admins

    // B reindexes everything, then removes "piscine" (the id A's article has too): only B's goes.
    await adminReply(B, 'reindex', [{ name: 'full', type: 5, value: true }]);
    await h.waitForLog((l) => l.event === 'admin.reindex.done');
    expect(await adminReply(B, 'remove', [{ name: 'article', type: 3, value: 'piscine' }])).toContain('Article retiré');
    expect(await answerIn(B, POOL_QUESTION)).not.toContain('fraude');
    const stillA = await answerIn(A, POOL_QUESTION);
    expect(stillA).toContain('3 mars');
    expect(existsSync(join(h.dir, 'servers', A, 'corpus', 'piscine.md'))).toBe(true);
    expect(existsSync(join(h.dir, 'servers', B, 'corpus', 'piscine.md'))).toBe(false);
  });

  it('the shared library: the operator’s change reaches both servers; anyone else’s library:shared is refused', async () => {
    const shared: ApplicationCommandOptionPayload = { name: 'library', type: 3, value: 'shared' };
    const refused = await addFile(B, 'telepherique.md', article('Téléphérique', LIFT_FACT), ADMIN, [shared]);
    expect(refused).toBe(SHARED_REFUSED);
    expect(await answerIn(A, LIFT_QUESTION)).not.toContain('six mille');
    expect(await adminReply(B, 'list', [shared])).toBe(SHARED_REFUSED);

    // The operator needs no Manage Server permission for the shared library.
    const added = await addFile(B, 'telepherique.md', article('Téléphérique', LIFT_FACT), { userId: operatorId }, [shared]);
    expect(added).toContain('Article ajouté : `telepherique`');
    expect(await answerIn(A, LIFT_QUESTION)).toContain('six mille');
    expect(await answerIn(B, LIFT_QUESTION)).toContain('six mille');
    expect(existsSync(join(h.corpusDir, 'telepherique.md'))).toBe(true);
  });

  it('quotas: a server over its article quota is refused, in French, and /admin status shows its usage', async () => {
    // B removed its only article above: two fit (SERVER_MAX_ARTICLES=2), not a third.
    expect(await addFile(B, 'deux.md', article('Deuxième', 'Le marché de Valcourt rouvrira en avril après les travaux de voirie.'))).toContain('Article ajouté');
    expect(await addFile(B, 'trois.md', article('Troisième', 'Le musée de Valcourt prolonge son exposition.'))).toContain('Article ajouté');
    const refused = await addFile(B, 'quatre.md', article('Quatrième', 'Le stade de Valcourt change de pelouse.'));
    expect(refused).toContain('Refusé : ce serveur a déjà 2 articles, le maximum est 2');
    expect(existsSync(join(h.dir, 'servers', B, 'corpus', 'quatre.md'))).toBe(false);
    expect(await adminReply(B, 'status')).toMatch(/Utilisation :\*\* 2\/2 articles/);
  });

  it('a server can turn the shared library off', async () => {
    expect(await adminReply(A, 'shared', [{ name: 'enabled', type: 5, value: false }])).toContain('désactivée');
    expect(await answerIn(A, 'Combien a coûté le tramway de Bourg-Lénard ?')).not.toContain('412 millions');
    expect(await answerIn(A, POOL_QUESTION)).toContain('3 mars');
    expect(await answerIn(B, 'Combien a coûté le tramway de Bourg-Lénard ?')).toContain('412 millions');
    await adminReply(A, 'shared', [{ name: 'enabled', type: 5, value: true }]);
    expect(await answerIn(A, 'Combien a coûté le tramway de Bourg-Lénard ?')).toContain('412 millions');
  });

  it('leaving: the library of a server the bot was removed from is deleted (SERVER_DATA_RETENTION_DAYS=0); /admin purge needs its confirmation', async () => {
    joinServer(h.double, B);
    leaveServer(h.double, B);
    await h.waitForLog((l) => l.event === 'servers.purged' && l.guildIds.includes(B));
    expect(existsSync(join(h.dir, 'servers', B))).toBe(false);

    expect(await adminReply(A, 'purge', [{ name: 'confirmation', type: 3, value: 'oui' }])).toContain('Rien n’a été supprimé');
    expect(await answerIn(A, POOL_QUESTION)).toContain('3 mars');
    expect(await adminReply(A, 'purge', [{ name: 'confirmation', type: 3, value: 'SUPPRIMER' }])).toContain('Bibliothèque de ce serveur supprimée (1 articles');
    expect(existsSync(join(h.dir, 'servers', A))).toBe(false);
    expect(await answerIn(A, POOL_QUESTION)).not.toContain('3 mars');
    expect(await answerIn(A, 'Combien a coûté le tramway de Bourg-Lénard ?')).toContain('412 millions');
  });

  it('feeds: a feed followed in server C is listed, stored, answered and announced in C only', async () => {
    const C = '1100000000000000888';
    const C_CHANNEL = '1100000000000000889';
    web.route(`/articles/${LOUVRE.slug}`, body(articlePage(LOUVRE, { canonical: 'https://ouest-matin.example/louvre-nocturnes' })));
    web.route('/rss.xml', body(rssFeed('Ouest Matin', web.origin, [{ title: LOUVRE.title, link: web.url(`/articles/${LOUVRE.slug}`), published: LOUVRE.published }]), 'application/rss+xml'));
    const feed = (guildId: string, sub: string, options: ApplicationCommandOptionPayload[] = [], channelId?: string) =>
      adminReply(guildId, 'feed', [], { ...ADMIN, ...(channelId ? { channelId } : {}), options: [{ name: 'feed', type: 2, options: [{ name: sub, type: 1, options }] }] });
    const since = h.double.requests.length;

    expect(await feed(C, 'add', [{ name: 'url', type: 3, value: web.url('/rss.xml') }], C_CHANNEL)).toMatch(/^Flux suivi \(n° 1\)/);
    // The poll stores the article in C's library, then the notice goes to C's channel only.
    const notice = await h.waitForLog((l) => (l.event === 'feed.notice.failed' || l.event === 'feed.notice.channel_unusable') && l.guildId === C);
    expect(notice.channelId).toBe(C_CHANNEL);
    const posted = h.double.requests.slice(since).filter((r) => r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path));
    expect(posted).toEqual([]);

    expect(await feed(A, 'list')).toBe('Aucun flux suivi. Ajoutez-en un avec /admin feed add.');
    expect(await feed(C, 'list')).toMatch(/^\*\*1 flux suivis :\*\*/);
    const question = 'Jusqu’à quelle heure le Louvre sera-t-il ouvert le vendredi ?';
    expect(await answerIn(C, question)).toContain('22 heures');
    expect(await answerIn(A, question)).not.toContain('22 heures');
  });
});
