/**
 * A very long answer, end to end: up to ten long quotes from articles with huge titles, outlets and links.
 * Every payload the bot sends (mention reply and follow-up messages, /ask edit and follow-ups,
 * /sources) stays within Discord's limits, Discord (the double) accepts them all, and nothing of the
 * answer is lost: every quote and every source is shown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, contentRequests, isOriginalEdit, limitProblems, messagePayload, newUserId, slash, startHarness, type Harness } from './support/discord-bot-harness.ts';
import type { RecordedRequest, SentInteraction } from './support/discord-double.ts';

const QUESTION = 'Que prévoit l’accord de brevets entre Xiaomi et Microsoft ?';
const WORDS = (
  'port rivière montagne usine marché écran batterie antenne câble satellite serveur logiciel tablette ' +
  'capteur moteur voiture camion navire avion train gare quai entrepôt magasin banque bourse action ' +
  'dividende salaire emploi chantier contrat licence redevance procès tribunal juge avocat ministre ' +
  'député sénat région commune village province frontière douane impôt taxe tarif prix coût budget'
).split(' ');
const ARTICLES = 12;

/** A long sentence holding every word of the question, with words of its own so that no two are the same claim. */
function longSentence(n: number): string {
  const own = Array.from({ length: 160 }, (_, k) => `${WORDS[(n * 7 + k * (n + 3)) % WORDS.length]}${n}x${k}`);
  return `Selon la note ${n}, l'accord de brevets entre Xiaomi et Microsoft prévoit ${own.join(' ')} pour finir.`;
}

function article(n: number): string {
  const title = n === 1 ? `@everyone **Alerte** <@&1100000000000000006> ${'très '.repeat(60)}long titre` : `Titre ${n} ${'interminable '.repeat(25)}`;
  const url = `https://example.org/${'chemin/'.repeat(65)}${n}`;
  return [
    '---',
    `title: ${JSON.stringify(title)}`,
    `source: ${JSON.stringify(`Le Journal ${n} ${'des nouvelles '.repeat(8)}`)}`,
    `url: ${url}`,
    `published: 2026-04-${String(n + 1).padStart(2, '0')}`,
    '---',
    '',
    `Paragraphe d'ouverture de l'article ${n}, sans rapport avec la question posée ici.`,
    '',
    longSentence(n),
    '',
    `Dernier paragraphe de l'article ${n}, lui aussi sans rapport.`,
    '',
  ].join('\n');
}

let h: Harness;
/** What the answer holds, from the application itself: the rendering must show all of it. */
let expected: { quotes: number; sources: number };

beforeAll(async () => {
  h = await startHarness({
    corpus: Object.fromEntries(Array.from({ length: ARTICLES }, (_, i) => [`long-${i + 1}.md`, article(i + 1)])),
    embedder: 'hash',
    env: { ANSWER_MAX_QUOTES: '10', PASSAGE_MAX_TOKENS: '512', RATE_LIMIT_PER_MINUTE: '0' },
    bot: { depeche: { embedder: { kind: 'hash', dims: 64, maxTokens: 512 }, inlineQueryEmbedder: true } },
  });
});

afterAll(async () => {
  await h?.stop();
});

/** Every payload must fit, and Discord (the double) must have accepted it. */
function expectWithinLimits(requests: RecordedRequest[]): void {
  expect(requests.length).toBeGreaterThan(0);
  for (const r of requests) {
    const payload = messagePayload(r);
    expect(limitProblems(payload), `${r.method} ${r.path}`).toEqual([]);
    expect(r.status, `${r.method} ${r.path}`).toBe(200);
    expect(payload.allowed_mentions).toMatchObject({ parse: [] });
    expect(payload.content).not.toMatch(/@everyone|<@&\d/);
  }
}

describe('a very long answer', () => {
  it('the answer data is far beyond one message: long quotes, long sources', async () => {
    const answer = await h.bot.depeche.ask(QUESTION);
    expect(answer.found).toBe(true);
    expected = { quotes: answer.answer.split('\n').filter((l) => l.startsWith('« ')).length, sources: new Set(answer.citations.map((c) => c.articleId)).size };
    expect(expected.quotes).toBeGreaterThanOrEqual(5);
    const chars = answer.citations.reduce((n, c) => n + c.quote.length + (c.title ?? '').length + (c.source ?? '').length + (c.url ?? '').length, 0);
    expect(chars).toBeGreaterThan(3 * 2000);
  });

  it('/ask: the deferred reply is edited and the rest follows, every payload within limits, every quote and source shown', async () => {
    const before = h.double.requests.length;
    const { sent, edit } = await ask(h.double, QUESTION);
    const followUps = await waitForFollowUps(before, sent);
    const all = [edit, ...followUps];
    expectWithinLimits(all);
    expect(all.length).toBeGreaterThan(1);
    const text = all.map((r) => messagePayload(r).content as string).join('\n');
    for (let n = 1; n <= expected.sources; n++) expect(text).toContain(`[${n}] **`);
    expect(text.match(/^« .* » (\[\d+\])+ — \*[^*]+\*$/gm)).toHaveLength(expected.quotes);
    expect(text).toContain('[…]'); // quotes were shortened, at word boundaries, to fit
    for (const r of all) expect(messagePayload(r).content.length).toBeLessThanOrEqual(2000);
    console.info(`/ask long answer: ${all.length} messages of ${all.map((r) => messagePayload(r).content.length).join(', ')} characters`);
  });

  it('a mention: a reply, then the rest in the channel, every payload within limits', async () => {
    const before = h.double.requests.length;
    const { id } = await h.double.sendMessage({ content: QUESTION, mentionBot: true, authorId: newUserId() });
    await h.double.waitForRequest((r) => r.method === 'POST' && r.body?.message_reference?.message_id === id, 20_000);
    const sources = await h.double.waitForRequest(
      (r) => h.double.requests.indexOf(r) >= before && r.method === 'POST' && /\*\*Sources :\*\*|^\[\d+\] /m.test(r.body?.content ?? '') && !r.body?.message_reference,
      20_000,
    );
    // The bot logs request.done once its last message was accepted: everything it sent is recorded.
    await h.waitForLog((l) => l.event === 'request.done' && l.requestId === id);
    const sent = contentRequests(h.double, before);
    expect(sent.length).toBeGreaterThan(1);
    expect(sent.at(-1)!.at).toBeGreaterThanOrEqual(sources.at);
    expectWithinLimits(sent);
    const text = sent.map((r) => messagePayload(r).content as string).join('\n');
    expect(text.match(/^« .* » (\[\d+\])+ — \*[^*]+\*$/gm)).toHaveLength(expected.quotes);
    for (let n = 1; n <= expected.sources; n++) expect(text).toContain(`[${n}] **`);
  });

  it('/sources: the passages, within limits', async () => {
    const before = h.double.requests.length;
    const { sent } = await slash(h.double, { name: 'sources', options: [{ name: 'question', type: 3, value: QUESTION }], userId: newUserId() });
    const edit = await h.double.waitForRequest(isOriginalEdit(h.double, sent), 20_000);
    const followUps = await waitForFollowUps(before, sent);
    expectWithinLimits([edit, ...followUps]);
    expect([edit, ...followUps].map((r) => messagePayload(r).content).join('\n')).toContain('Passages trouvés (5)');
  });

  it('Discord (the double) refused nothing', () => {
    expect(h.double.requests.filter((r) => (r.status ?? 0) >= 400)).toEqual([]);
  });
});

/** Follow-ups of an interaction (POST /webhooks/{app}/{token}), once the last one has arrived. */
async function waitForFollowUps(since: number, sent: SentInteraction): Promise<RecordedRequest[]> {
  const isFollowUp = (r: RecordedRequest) => r.method === 'POST' && r.path === `/webhooks/${h.double.applicationId}/${sent.token}`;
  // The bot logs request.done once its last follow-up was accepted: by then every one is recorded.
  await h.waitForLog((l) => l.event === 'request.done' && l.requestId === sent.id);
  return h.double.requests.slice(since).filter(isFollowUp);
}
