/**
 * Time on Discord, end to end (real discord.js client against the double): dated quote lines in
 * /ask answers, "quoi de neuf", and /timeline — within Discord's limits, pinging nobody.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayClock } from '../src/eval/dated-set.ts';
import { commandPayloads } from '../src/discord/commands/index.ts';
import { MAX_CONTENT } from '../src/discord/render.ts';
import { ask, contentRequests, isOriginalEdit, messagePayload, newUserId, slash, startHarness, type Harness } from './support/discord-bot-harness.ts';
import { REPO_ROOT } from './support/workspace.ts';

const DATED = join(REPO_ROOT, 'tests/fixtures/dated-corpus');
const dated = Object.fromEntries(readdirSync(DATED).filter((f) => f.endsWith('.md') && f !== 'README.md').map((f) => [f, readFileSync(join(DATED, f), 'utf8')]));

/**
 * Thirty dispatches on one subject, one a day, each telling something else (different words, not
 * near-copies of one another): more than one message can hold as a timeline.
 */
const PLACES = ['les quais', 'le parc Montval', 'la gare', 'le stade Ferrand', 'la vieille ville', 'le port', 'les berges', 'la colline Saint-Roch', 'le marché couvert', 'le pont Neuf'];
const ACTS = [
  'la préfecture valide le parcours qui traverse',
  'les riverains s’inquiètent du bruit attendu près de',
  'une navette gratuite desservira',
  'les secouristes installeront un poste avancé devant',
  'les commerçants préparent des animations musicales sur',
  'la mairie ferme à la circulation',
  'un village des partenaires ouvrira ses stands à côté de',
  'les écoles organisent une course des enfants autour de',
  'la météo annonce du vent fort au-dessus de',
  'les bénévoles distribueront des ravitaillements sucrés vers',
];
const dispatches = Object.fromEntries(
  Array.from({ length: 30 }, (_, i) => {
    const day = String(i + 1).padStart(2, '0');
    const place = PLACES[i % PLACES.length]!;
    const act = ACTS[(i * 3) % ACTS.length]!;
    return [
      `marathon-${day}.md`,
      `---\ntitle: "Marathon de Corbelle : ${act} ${place}"\npublished: 2026-04-${day}\n---\n\n` +
        `Marathon de Corbelle, jour ${i + 1} avant la course : ${act} ${place}, avec ${100 + i * 7} personnes concernées. ` +
        `Le comité chiffre ce volet à ${(i + 2) * 1300} euros et promet un bilan le ${i + 3} mai.\n`,
    ];
  }),
);

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    corpus: dated,
    extraCorpus: dispatches,
    embedder: 'hash',
    bot: { depeche: { embedder: { kind: 'hash', dims: 64, maxTokens: 64 }, inlineQueryEmbedder: true, clock: () => dayClock('2026-11-30') } },
  });
});

afterAll(async () => {
  await h?.stop();
});

async function timeline(subject: string) {
  const before = h.double.requests.length;
  const { sent, callback } = await slash(h.double, { name: 'timeline', options: [{ name: 'sujet', type: 3, value: subject }], userId: newUserId() });
  await h.double.waitForRequest(isOriginalEdit(h.double, sent), 20_000);
  await h.waitForLog((l) => l.event === 'request.done' && l.requestId === sent.id);
  const payloads = contentRequests(h.double, before).map(messagePayload);
  return { callback, payloads, contents: payloads.map((p) => p.content as string) };
}

describe('time on Discord', () => {
  it('/timeline is among the commands registered, with its required sujet option', () => {
    const payload = commandPayloads().find((c) => c.name === 'timeline');
    expect(payload?.options).toEqual([expect.objectContaining({ name: 'sujet', type: 3, required: true })]);
  });

  it('/timeline lists one dated quote per article, oldest first, undated last, pinging nobody', async () => {
    const { callback, payloads, contents } = await timeline('tramway de Bourg-Lénard');
    expect(callback.body.type).toBe(5);
    const content = contents.join('\n');
    expect(content.startsWith('**Chronologie : tramway de Bourg-Lénard**')).toBe(true);
    const dates = [...content.matchAll(/^\*\*(.+?)\*\* — « /gm)].map((m) => m[1]);
    expect(dates.length).toBeGreaterThanOrEqual(3);
    expect(dates[0]).toBe('12 septembre 2019');
    expect(dates).toContain('24 novembre 2026');
    expect(dates.indexOf('12 septembre 2019')).toBeLessThan(dates.indexOf('24 novembre 2026'));
    if (dates.includes('date inconnue')) expect(dates.at(-1)).toBe('date inconnue');
    for (const p of payloads) expect(p.allowed_mentions).toEqual({ parse: [], replied_user: false });
  });

  it('/timeline of a subject with many articles stays within the limit, several messages, one date per line', async () => {
    const { contents } = await timeline('marathon de Corbelle');
    expect(contents.length).toBeGreaterThan(1);
    for (const c of contents) expect(c.length).toBeLessThanOrEqual(MAX_CONTENT);
    const all = contents.join('\n');
    const dates = [...all.matchAll(/^\*\*(\d+(?:er)? avril 2026)\*\* — « /gm)].map((m) => m[1]);
    expect(dates.length).toBe(25);
    expect(dates[0]).toMatch(/^\d+(er)? avril 2026$/);
    expect(all).toContain('autres articles sur ce sujet ne sont pas listés');
    // Chronological: the days listed only go forward.
    const days = dates.map((d) => Number.parseInt(d!, 10));
    expect([...days].sort((a, b) => a - b)).toEqual(days);
  });

  it('/timeline about something absent says so and quotes nothing', async () => {
    const { contents } = await timeline('championnat de curling sur glace');
    expect(contents).toHaveLength(1);
    expect(contents[0]).toContain('aucun article sur ce sujet');
    expect(contents[0]).not.toContain('«');
  });

  it('/ask answers "quoi de neuf" newest first, every quote line dated', async () => {
    const { edit } = await ask(h.double, 'Quoi de neuf sur le pont de la Sarre ?');
    const content: string = edit.body.content;
    const lines = content.split('\n').filter((l) => l.startsWith('« '));
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line).toMatch(/ — \*(\d{1,2}(er)? \p{L}+ \d{4}|date inconnue)\*$/u);
    expect(lines[0]).toMatch(/29 novembre 2026\*$/);
  });

  it('/ask about a period nothing was published in says so above the nearest dated quotes', async () => {
    const { edit } = await ask(h.double, 'Que disait-on du pont de la Sarre en août 2024 ?');
    const lines: string[] = edit.body.content.split('\n');
    expect(lines[1]).toBe('*Aucun article du corpus n’a été publié du 1er août 2024 au 31 août 2024 ; voici les plus proches, avec leur date.*');
    const quotes = lines.filter((l) => l.startsWith('« '));
    expect(quotes.length).toBeGreaterThan(0);
    for (const q of quotes) expect(q).toMatch(/ — \*(\d{1,2}(er)? \p{L}+ \d{4}|date inconnue)\*$/u);
  });

  it('/ask about a period with articles, none of them answering, says so and quotes nothing', async () => {
    // March 2026 has articles (the bridge's, the tram's…) but none on the marathon.
    const { edit } = await ask(h.double, 'Combien de coureurs au marathon de Corbelle en mars 2026 ?');
    expect(edit.body.content).toContain('aucun article publié du 1er mars 2026 au 31 mars 2026 qui réponde');
    expect(edit.body.content).not.toContain('«');
  });
});
