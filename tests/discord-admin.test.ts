/**
 * Admins' side, end to end: the bot's own code (startBot) with the real discord.js Client against
 * the Discord test double and the offline model. Attachments are served by the double, as Discord's
 * CDN serves them, and downloaded by the bot.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_FOUND_ANSWER } from '../src/core/answer.ts';
import { BUSY, REFUSED } from '../src/discord/commands/admin/shared.ts';
import { articleName, factQuestion, generatedArticle, uniqueFact } from './support/generated-corpus.ts';
import {
  adminCommand,
  ADMIN_PERMISSIONS,
  ask,
  downloads,
  EMBEDDING_MODEL,
  isOriginalEdit,
  newUserId,
  originalEdits,
  startHarness,
  type Harness,
} from './support/discord-bot-harness.ts';
import type { RecordedRequest, SentInteraction } from './support/discord-double.ts';

const XIAOMI_TITLE = 'Le fabricant Chinois de smartphones Xiaomi signe un accord avec Microsoft';
const EDITOR_ROLE = '1100000000000000042';
const ADMIN = { memberPermissions: ADMIN_PERMISSIONS };

const QUAY_TITLE = 'Saint-Malo inaugure un quai réservé aux voiliers-cargos';
const QUAY_FACT = 'Le nouveau quai des voiliers-cargos de Saint-Malo mesure 180 mètres et peut accueillir quatre navires à la fois.';
const QUAY_QUESTION = 'Combien mesure le quai des voiliers-cargos de Saint-Malo ?';
const QUAY_ARTICLE = `---
title: "${QUAY_TITLE}"
source: Le Télégramme de test
url: https://example.org/saint-malo-quai
published: 2026-02-03
language: fr
---

Le port de Saint-Malo a inauguré mardi un équipement attendu depuis trois ans par les armateurs de la
marine marchande à voile. ${QUAY_FACT} La région a financé la moitié des travaux, qui ont duré quatorze mois.

Les premiers chargements de café et de cacao doivent arriver au printemps, selon la chambre de commerce,
qui espère attirer d'autres compagnies décidées à réduire leurs émissions.
`;

let h: Harness;
/** Corpus file names at the start of a test: what "nothing left in corpus/" is compared with. */
const corpusFiles = () => readdirSync(h.corpusDir).sort();

beforeAll(async () => {
  // The seed corpus plus 15 generated articles: enough passages for a full reindex to take a while.
  const extraCorpus = Object.fromEntries(Array.from({ length: 15 }, (_, i) => [articleName(i + 1), generatedArticle(i + 1)]));
  h = await startHarness({
    corpus: 'seed',
    extraCorpus,
    embedder: 'model',
    env: { MAX_ATTACHMENT_BYTES: '20000', ADMIN_ROLE_IDS: EDITOR_ROLE, RATE_LIMIT_PER_MINUTE: '0' },
    double: { extraRoles: [{ id: EDITOR_ROLE, name: 'Rédaction' }] },
  });
});

afterAll(async () => {
  await h?.stop();
});

const finalEdit = (s: SentInteraction, pattern: RegExp, timeoutMs = 60_000) =>
  h.double.waitForRequest((r) => isOriginalEdit(h.double, s)(r) && r.status === 200 && pattern.test(r.body?.content ?? ''), timeoutMs);
const downloadsOf = (s: SentInteraction): RecordedRequest[] => {
  const paths = s.attachments.map((a) => new URL(a.url).pathname);
  return downloads(h.double).filter((r) => paths.includes(r.rawPath));
};

describe('/admin, checked at run time', () => {
  it('a member without Manage Server is refused every subcommand, whatever the client shows; the attachment is never downloaded', async () => {
    const before = corpusFiles();
    const articles = h.bot.depeche.listArticles().length;
    const { sent, callback } = await adminCommand(h.double, 'add', [], { attachments: [{ filename: 'quai.md', data: QUAY_ARTICLE, optionName: 'file' }] });
    expect(callback.body).toMatchObject({ type: 4, data: { content: REFUSED, flags: 64, allowed_mentions: { parse: [] } } });
    for (const [sub, options] of [
      ['list', []],
      ['status', []],
      ['reindex', [{ name: 'full', type: 5, value: true }]],
      ['remove', [{ name: 'article', type: 3, value: '000_a792ea779ded17df' }]],
    ] as const) {
      const refused = await adminCommand(h.double, sub, [...options], { memberPermissions: '0' });
      expect(refused.callback.body.data.content).toBe(REFUSED);
    }
    // Permissions that are not Manage Server (Administrator aside) do not count either.
    const other = await adminCommand(h.double, 'status', [], { memberPermissions: String(1 << 13) /* ManageMessages */ });
    expect(other.callback.body.data.content).toBe(REFUSED);
    // Autocomplete shows nothing to them.
    const auto = await h.double.sendAutocomplete({ name: 'admin', options: [{ name: 'remove', type: 1, options: [{ name: 'article', type: 3, value: 'xiaomi', focused: true }] }] });
    const choices = await h.double.waitForRequest((r) => r.path === `/interactions/${auto.id}/${auto.token}/callback`);
    expect(choices.body).toEqual({ type: 8, data: { choices: [] } });

    expect(downloadsOf(sent)).toEqual([]);
    expect(corpusFiles()).toEqual(before);
    expect(h.bot.depeche.listArticles()).toHaveLength(articles);
    expect(h.bot.depeche.isReindexing).toBe(false);
    expect(h.logs.some((l) => l.event === 'admin.refused' && l.requestId === sent.id)).toBe(true);
  });

  it('a member with a role listed in ADMIN_ROLE_IDS is an admin', async () => {
    const { callback } = await adminCommand(h.double, 'list', [], { roles: [EDITOR_ROLE] });
    expect(callback.body.type).toBe(4);
    expect(callback.body.data.content).toMatch(/^\*\*\d+ articles :\*\*/);
  });
});

describe('/admin add', () => {
  let quayId: string;

  it('by an admin: downloads the attachment from its URL, shows what was extracted, and the article is answerable by /ask right after', async () => {
    const before = corpusFiles();
    const started = performance.now();
    const { sent, callback } = await adminCommand(h.double, 'add', [], { ...ADMIN, attachments: [{ filename: 'quai-saint-malo.md', data: QUAY_ARTICLE, optionName: 'file' }] });
    expect(callback.body).toEqual({ type: 5, data: { flags: 64 } });
    const final = await finalEdit(sent, /Article ajouté/);
    const addMs = performance.now() - started;
    const content: string = final.body.content;
    expect(content).toContain(`Titre : ${QUAY_TITLE}`);
    expect(content).toContain('Média : Le Télégramme de test — date : 2026-02-03 — lien : <https://example.org/saint-malo-quai>');
    const figures = /Longueur : ([\d  ]+) caractères, (\d+) passages\./.exec(content);
    expect(figures).not.toBeNull();
    quayId = /Article ajouté : `([^`]+)`/.exec(content)![1]!;
    const summary = h.bot.depeche.listArticles().find((a) => a.id === quayId)!;
    expect(summary.title).toBe(QUAY_TITLE);
    expect(Number(figures![1]!.replace(/\D/g, ''))).toBe(summary.chars);
    expect(Number(figures![2])).toBe(summary.passages);
    expect(content).toContain('Début : « Le port de Saint-Malo a inauguré mardi');
    expect(final.body.allowed_mentions).toMatchObject({ parse: [] });

    // Downloaded once, from exactly the attachment's URL, and nothing else fetched.
    expect(downloadsOf(sent)).toHaveLength(1);
    expect(downloads(h.double)).toHaveLength(1);
    expect(corpusFiles()).toEqual([...before, 'quai-saint-malo.md'].sort());
    expect(readFileSync(join(h.corpusDir, 'quai-saint-malo.md'), 'utf8')).toBe(QUAY_ARTICLE);

    const asked = performance.now();
    const { edit } = await ask(h.double, QUAY_QUESTION);
    const askMs = performance.now() - asked;
    expect(edit.body.content).toContain('180 mètres');
    expect(edit.body.content).toContain(QUAY_TITLE);
    console.info(`/admin add: reply in ${Math.round(addMs)} ms; /ask about the new article answered in ${Math.round(askMs)} ms`);
  });

  it('title, outlet, date and link options override what the file says', async () => {
    const text = `Brève sans en-tête\n\nLa médiathèque de Lannion prête désormais des cannes à pêche et des instruments de musique à ses abonnés, a annoncé la mairie lundi.\n`;
    const { sent } = await adminCommand(
      h.double,
      'add',
      [
        { name: 'title', type: 3, value: 'Lannion : la médiathèque prête des cannes à pêche' },
        { name: 'outlet', type: 3, value: 'Le Trégor de test' },
        { name: 'date', type: 3, value: '2026-03-09' },
        { name: 'link', type: 3, value: 'https://example.org/lannion' },
      ],
      { ...ADMIN, attachments: [{ filename: 'lannion.txt', data: text, optionName: 'file' }] },
    );
    const content: string = (await finalEdit(sent, /Article ajouté/)).body.content;
    expect(content).toContain('Titre : Lannion : la médiathèque prête des cannes à pêche');
    expect(content).toContain('Média : Le Trégor de test — date : 2026-03-09 — lien : <https://example.org/lannion>');
    const { edit } = await ask(h.double, 'Que prête la médiathèque de Lannion à ses abonnés ?');
    expect(edit.body.content).toContain('cannes à pêche');
    expect(edit.body.content).toContain('Le Trégor de test');
  });

  it('wrong type, oversize, a bad date: refused with the reason before any download; nothing in corpus/', async () => {
    const before = corpusFiles();
    const articles = h.bot.depeche.listArticles().length;
    const cases: [string, Parameters<typeof adminCommand>[3], RegExp][] = [
      ['pdf', { attachments: [{ filename: 'rapport.pdf', contentType: 'application/pdf', data: '%PDF-1.7 …', optionName: 'file' }] }, /type de fichier non accepté \(\.pdf\)/],
      ['image as .md', { attachments: [{ filename: 'photo.md', contentType: 'image/png', data: 'x'.repeat(100), optionName: 'file' }] }, /ne correspond pas à un fichier \.md/],
      ['oversize', { attachments: [{ filename: 'enorme.md', data: `# Titre\n\n${'Une phrase de remplissage. '.repeat(1000)}`, optionName: 'file' }] }, /fichier trop gros .*0 Mo au plus/],
    ];
    for (const [label, extra, reason] of cases) {
      const { sent, callback } = await adminCommand(h.double, 'add', [], { ...ADMIN, ...extra });
      expect(callback.body.type, label).toBe(4);
      expect(callback.body.data.flags, label).toBe(64);
      expect(callback.body.data.content, label).toMatch(reason);
      expect(callback.body.data.content, label).toMatch(/^Refusé : /);
      expect(downloadsOf(sent), label).toEqual([]);
    }
    const badDate = await adminCommand(h.double, 'add', [{ name: 'date', type: 3, value: '2026-13-45' }], { ...ADMIN, attachments: [{ filename: 'ok.md', data: QUAY_ARTICLE, optionName: 'file' }] });
    expect(badDate.callback.body.data.content).toMatch(/la date doit s’écrire AAAA-MM-JJ/);
    expect(corpusFiles()).toEqual(before);
    expect(h.bot.depeche.listArticles()).toHaveLength(articles);
  });

  it('a web page (.html): the article is extracted (title, outlet, date from the page), stored as Markdown and answerable; a page without an article is refused', async () => {
    const paragraphs = [
      'La communauté de communes du Val de Rance a ouvert lundi une conserverie coopérative destinée aux maraîchers de la vallée, après deux ans de travaux.',
      'La conserverie coopérative de Dinan peut traiter 900 kilos de légumes par jour, selon la présidente de la coopérative, qui compte déjà quarante adhérents.',
      'Les producteurs y transforment leurs invendus en soupes, sauces et bocaux vendus sur les marchés de la région et dans les cantines scolaires du territoire.',
      'Le projet a reçu le soutien de la région Bretagne et de plusieurs communes, qui y voient un moyen de limiter le gaspillage et de garder la valeur ajoutée sur place.',
    ];
    const page = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Conserverie | Le Petit Rennais</title>
<meta property="og:title" content="Dinan ouvre une conserverie coopérative pour les maraîchers">
<meta property="og:site_name" content="Le Petit Rennais de test">
<meta property="article:published_time" content="2026-05-04T08:00:00+02:00"></head>
<body><nav><a href="/">Accueil</a> <a href="/sport">Sport</a></nav>
<article><h1>Dinan ouvre une conserverie coopérative pour les maraîchers</h1>${paragraphs.map((p) => `<p>${p}</p>`).join('\n')}</article>
<aside class="ad-slot">Publicité : achetez des bocaux</aside><footer>© Le Petit Rennais — mentions légales</footer></body></html>`;
    const before = corpusFiles();
    const { sent, callback } = await adminCommand(h.double, 'add', [], { ...ADMIN, attachments: [{ filename: 'conserverie.html', data: page, optionName: 'file' }] });
    expect(callback.body).toEqual({ type: 5, data: { flags: 64 } });
    const content: string = (await finalEdit(sent, /Article ajouté|Refusé/)).body.content;
    expect(content).toContain('Titre : Dinan ouvre une conserverie coopérative pour les maraîchers');
    expect(content).toContain('Média : Le Petit Rennais de test — date : 2026-05-04 — lien : (aucun)');
    expect(corpusFiles()).toEqual([...before, 'conserverie.md'].sort());
    const stored = readFileSync(join(h.corpusDir, 'conserverie.md'), 'utf8');
    expect(stored).toMatch(/^---\ntitle: "Dinan ouvre une conserverie coopérative pour les maraîchers"\n/);
    expect(stored).not.toContain('attachment.invalid');
    expect(stored).not.toContain('Publicité');
    expect(stored).not.toContain('mentions légales');
    const { edit } = await ask(h.double, 'Combien de kilos de légumes la conserverie coopérative de Dinan peut-elle traiter par jour ?');
    expect(edit.body.content).toContain('900 kilos de légumes par jour');
    expect(edit.body.content).toContain('Le Petit Rennais de test');

    const notArticle = await adminCommand(h.double, 'add', [], { ...ADMIN, attachments: [{ filename: 'menu.html', data: '<html><body><nav><a href="/">Accueil</a></nav><p>Bienvenue !</p></body></html>', optionName: 'file' }] });
    expect((await finalEdit(notArticle.sent, /Refusé/)).body.content).toBe('Refusé : aucun texte d’article dans ce document : seulement 20 caractères de texte principal (est-ce bien un article ?).');
    expect(corpusFiles()).toEqual([...before, 'conserverie.md'].sort());
  });

  it('unreadable content (binary, no text) and a duplicate: downloaded, refused or skipped with the reason; nothing half-written stays', async () => {
    const before = corpusFiles();
    const articles = h.bot.depeche.listArticles().length;
    const binary = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 1, 0, 0, 0xff, 0xfe]);
    const bin = await adminCommand(h.double, 'add', [], { ...ADMIN, attachments: [{ filename: 'notes.md', contentType: 'text/markdown', data: binary, optionName: 'file' }] });
    const binReply: string = (await finalEdit(bin.sent, /Refusé/)).body.content;
    expect(binReply).toBe('Refusé : `notes.md` : fichier binaire, ce n’est pas du texte');
    expect(downloadsOf(bin.sent)).toHaveLength(1);

    const empty = await adminCommand(h.double, 'add', [], { ...ADMIN, attachments: [{ filename: 'vide.txt', data: '\n\n   \n', optionName: 'file' }] });
    expect((await finalEdit(empty.sent, /Refusé/)).body.content).toBe('Refusé : `vide.txt` : fichier sans texte');

    const dup = await adminCommand(h.double, 'add', [], { ...ADMIN, attachments: [{ filename: 'copie.md', data: QUAY_ARTICLE, optionName: 'file' }] });
    expect((await finalEdit(dup.sent, /Ignoré/)).body.content).toMatch(/^Ignoré : `copie\.md` : même texte que l’article \S+, déjà dans le corpus$/);

    expect(corpusFiles()).toEqual(before);
    expect(h.bot.depeche.listArticles()).toHaveLength(articles);
    expect(readdirSync(h.corpusDir).some((f) => f.startsWith('.') || f.endsWith('.tmp'))).toBe(false);
  });

  it('/admin remove: autocomplete finds the article by its title (accents and case ignored); removing it takes it out of answers and corpus/', async () => {
    const auto = await h.double.sendAutocomplete({
      name: 'admin',
      options: [{ name: 'remove', type: 1, options: [{ name: 'article', type: 3, value: 'VOILIERS-CARGOS saint malo'.slice(0, 16), focused: true }] }],
      ...ADMIN,
    });
    const result = await h.double.waitForRequest((r) => r.path === `/interactions/${auto.id}/${auto.token}/callback`);
    expect(result.body.type).toBe(8);
    const choices: { name: string; value: string }[] = result.body.data.choices;
    expect(choices).toEqual([{ name: `${QUAY_TITLE} (${quayId})`, value: quayId }]);
    // An empty search lists articles (at most 25, Discord's limit), names within 100 characters.
    const all = await h.double.sendAutocomplete({ name: 'admin', options: [{ name: 'remove', type: 1, options: [{ name: 'article', type: 3, value: '', focused: true }] }], ...ADMIN });
    const listed = (await h.double.waitForRequest((r) => r.path === `/interactions/${all.id}/${all.token}/callback`)).body.data.choices;
    expect(listed).toHaveLength(Math.min(25, h.bot.depeche.listArticles().length));
    for (const c of listed) expect(c.name.length).toBeLessThanOrEqual(100);

    const { sent, callback } = await adminCommand(h.double, 'remove', [{ name: 'article', type: 3, value: quayId }], ADMIN);
    expect(callback.body).toEqual({ type: 5, data: { flags: 64 } });
    const reply: string = (await finalEdit(sent, /Article retiré/)).body.content;
    expect(reply).toContain(`Article retiré : \`${quayId}\` — ${QUAY_TITLE}.`);
    expect(reply).toMatch(/1 retirés/);
    expect(existsSync(join(h.corpusDir, 'quai-saint-malo.md'))).toBe(false);
    expect(h.bot.depeche.listArticles().some((a) => a.id === quayId)).toBe(false);
    const { edit } = await ask(h.double, QUAY_QUESTION);
    expect(edit.body.content).toContain(NOT_FOUND_ANSWER);
    expect(edit.body.content).not.toContain('180 mètres');

    const unknown = await adminCommand(h.double, 'remove', [{ name: 'article', type: 3, value: 'nimporte-quoi' }], ADMIN);
    expect(unknown.callback.body.data.content).toMatch(/Aucun article « nimporte-quoi »/);
  });
});

describe('/admin list and status', () => {
  it('/admin list: how many articles, each with its id, title, outlet, date and passages, in one message', async () => {
    const { callback } = await adminCommand(h.double, 'list', [], ADMIN);
    const content: string = callback.body.data.content;
    const count = h.bot.depeche.listArticles().length;
    expect(callback.body.data.flags).toBe(64);
    expect(content.startsWith(`**${count} articles :**`)).toBe(true);
    expect(content).toContain(XIAOMI_TITLE);
    expect(content).toMatch(/• `gen-001` — Dépêche de test numéro 1 — Agence Test, 2026-01-02 — \d+ passages/);
    expect(content.length).toBeLessThanOrEqual(2000);
  });

  it('/admin status: articles, passages, model, index age and size, last reindex figures', async () => {
    const s = h.bot.depeche.status();
    const { callback } = await adminCommand(h.double, 'status', [], ADMIN);
    const content: string = callback.body.data.content;
    expect(content).toContain(`**Articles :** ${s.articles.toLocaleString('fr-FR')} — **passages :** ${s.passages.toLocaleString('fr-FR')}`);
    expect(content).toContain(`**Modèle :** \`${EMBEDDING_MODEL}\``);
    expect(content).toMatch(new RegExp(`\\*\\*Index :\\*\\* génération ${s.generation}, construit il y a \\d+ (s|min) \\([^)]+\\), [\\d.,]+ (o|Kio|Mio) de vecteurs, [\\d.,]+ (o|Kio|Mio) de métadonnées`));
    expect(content).toContain('**Indexation :** aucune en cours');
    expect(content).toMatch(/\*\*Dernière indexation :\*\* terminée en [\d,]+ s : \d+ articles/);
  });
});

describe('/admin reindex', () => {
  it('runs in the background: the reply shows progress then the final figures; a second reindex is refused; members still get answers meanwhile', async () => {
    const generation = h.bot.depeche.status().generation!;
    const started = performance.now();
    const { sent, callback } = await adminCommand(h.double, 'reindex', [{ name: 'full', type: 5, value: true }], ADMIN);
    const replyMs = performance.now() - started;
    expect(callback.body).toMatchObject({ type: 4, data: { flags: 64, content: 'Réindexation complète lancée : tout est relu et recalculé.' } });
    expect(h.bot.depeche.isReindexing).toBe(true);

    const second = await adminCommand(h.double, 'reindex', [], ADMIN);
    expect(second.callback.body.data).toMatchObject({ content: BUSY, flags: 64 });
    const add = await adminCommand(h.double, 'add', [], { ...ADMIN, attachments: [{ filename: 'pendant.md', data: QUAY_ARTICLE, optionName: 'file' }] });
    expect(add.callback.body.data.content).toBe(BUSY);
    const statusDuring = await adminCommand(h.double, 'status', [], ADMIN);
    expect(statusDuring.callback.body.data.content).toContain('**Indexation en cours.**');

    // A member's question while the model thread re-embeds everything: answered from the current index.
    const asked = performance.now();
    const during = await ask(h.double, factQuestion(3), { userId: newUserId() });
    const askMs = performance.now() - asked;
    expect(during.edit.body.content).toContain(uniqueFact(3));

    const final = await finalEdit(sent, /^Indexation terminée/, 120_000);
    const totalMs = performance.now() - started;
    const figures = /^Indexation terminée en [\d,]+ s : (\d+) articles \((\d+) nouveaux, (\d+) modifiés, (\d+) retirés, (\d+) refusés\), ([\d  ]+) passages, ([\d  ]+) vecteurs calculés, ([\d  ]+) réutilisés\./.exec(final.body.content);
    expect(figures, final.body.content).not.toBeNull();
    const [articles, added, updated, removed, failed, passages, embedded] = figures!.slice(1).map((s) => Number(s.replace(/\D/g, '')));
    const after = h.bot.depeche.status();
    expect(articles).toBe(after.articles);
    expect([added, removed, failed]).toEqual([0, 0, 0]);
    expect(updated).toBe(after.articles); // full: every article read again
    expect(passages).toBe(after.passages);
    expect(embedded).toBeGreaterThan(0); // full: vectors computed again (identical passages share one)
    expect(after.generation).toBe(generation + 1);

    const progress = originalEdits(h.double, sent).filter((r) => /^Indexation en cours : /.test(r.body?.content ?? ''));
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]!.body.content).toMatch(/^Indexation en cours : (lecture des articles|calcul des vecteurs|construction de l’index|enregistrement) [\d  ]+\/[\d  ]+ \(\d+ %\)…$/);
    expect(progress.every((r) => r.at < final.at)).toBe(true);
    // In the order Discord saw it: reindex acknowledged, then the member's answer, then the final figures;
    // and in the bot's own log, the answer was done between the reindex's start and its end.
    expect(callback.at).toBeLessThanOrEqual(during.callback.at);
    expect(during.edit.at).toBeLessThan(final.at);
    const reindexStart = h.logs.findLastIndex((l) => l.event === 'reindex.start' && l.full === true);
    const answerDone = h.logs.findIndex((l) => l.event === 'request.done' && l.requestId === during.sent.id);
    const reindexDone = h.logs.findIndex((l, i) => i > reindexStart && l.event === 'reindex.done');
    expect(reindexStart).toBeGreaterThanOrEqual(0);
    expect(answerDone).toBeGreaterThan(reindexStart);
    expect(reindexDone).toBeGreaterThan(answerDone);
    console.info(
      `/admin reindex full: acknowledged in ${Math.round(replyMs)} ms, finished in ${Math.round(totalMs)} ms (${after.passages} passages), ` +
        `${progress.length} progress edits; a member's /ask meanwhile answered in ${Math.round(askMs)} ms`,
    );

    // Afterwards, a new reindex is accepted again.
    const again = await adminCommand(h.double, 'reindex', [], ADMIN);
    expect(again.callback.body.data.content).toMatch(/^Indexation lancée/);
    await finalEdit(again.sent, /^Indexation terminée/, 60_000);
  }, 240_000);

  it('every admin reply pinged nobody and stayed within Discord limits; no request was refused by the double', () => {
    const admin = h.double.requests.filter((r) => /^\/(interactions|webhooks)\//.test(r.path) && r.method !== 'GET');
    const withContent = admin.map((r) => ({ r, payload: r.path.endsWith('/callback') ? r.body?.data : r.body })).filter(({ payload }) => typeof payload?.content === 'string');
    expect(withContent.length).toBeGreaterThan(10);
    for (const { r, payload } of withContent) {
      expect(payload.allowed_mentions, r.path).toMatchObject({ parse: [] });
      expect(payload.content.length).toBeLessThanOrEqual(2000);
    }
    expect(h.double.requests.filter((r) => r.status !== undefined && r.status >= 400)).toEqual([]);
    expect(JSON.stringify(h.logs)).not.toContain(h.double.token);
  });
});
