/**
 * Members' side, end to end: the bot's own code (startBot) with the real discord.js Client against
 * the Discord test double, answering from a copy of the seed corpus with the offline model.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseArticle } from '../src/core/article.ts';
import { NOT_FOUND_ANSWER } from '../src/core/answer.ts';
import { cleanArticleText } from '../src/core/text/clean.ts';
import { GENERIC_ERROR } from '../src/discord/respond.ts';
import { ask, contentRequests, isCallback, isOriginalEdit, messagePayload, newUserId, slash, startHarness, type Harness } from './support/discord-bot-harness.ts';
import type { RecordedRequest } from './support/discord-double.ts';

const PATENTS = 'Combien de brevets Microsoft a-t-il vendus à Xiaomi ?';
const OFF_TOPIC = 'Quel temps fera-t-il demain à Brest ?';
const XIAOMI_TITLE = 'Le fabricant Chinois de smartphones Xiaomi signe un accord avec Microsoft';

let h: Harness;
/** The stored (cleaned) text of every seed article, whitespace collapsed as the bot displays quotes. */
let storedTexts: string[];

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();
/** Quotes as displayed: Markdown escapes and zero-width spaces removed, "[…]" cuts split into parts. */
function displayedQuotes(content: string): string[] {
  return [...content.matchAll(/^« (.*) » (?:\[\d+\])+ — \*[^*]+\*$/gm)].flatMap((m) =>
    m[1]!
      .replace(/\\([\\*_~`|])/g, '$1')
      .replaceAll('\u200b', '')
      .split(' […]')
      .filter((part) => part !== ''),
  );
}

const replyTo = (h: Harness, messageId: string) => (r: RecordedRequest) =>
  r.method === 'POST' && r.path === `/channels/${h.double.channelId}/messages` && r.body?.message_reference?.message_id === messageId;

beforeAll(async () => {
  h = await startHarness({ corpus: 'seed', embedder: 'model', env: { RATE_LIMIT_PER_MINUTE: '3' } });
  storedTexts = readdirSync(h.corpusDir).map((name) => oneLine(cleanArticleText(parseArticle(name, readFileSync(join(h.corpusDir, name))).body).text));
});

afterAll(async () => {
  await h?.stop();
});

describe('members, with the offline model and the seed corpus', () => {
  it('a mention gets a reply to that message with a verbatim quote and its citation', async () => {
    const { id } = await h.double.sendMessage({ content: PATENTS, mentionBot: true, authorId: newUserId(), authorName: 'alice' });
    const reply = await h.double.waitForRequest(replyTo(h, id), 20_000);
    expect(reply.status).toBe(200);
    expect(reply.headers['authorization']).toBe(`Bot ${h.double.token}`);
    const content: string = reply.body.content;
    expect(content).toContain('1 500 brevets');
    const quotes = displayedQuotes(content);
    expect(quotes.length).toBeGreaterThan(0);
    for (const q of quotes) expect(storedTexts.some((t) => t.includes(q))).toBe(true);
    expect(content).toMatch(/» \[1\]/);
    expect(content).toContain(`[1] **`);
    expect(content).toContain(XIAOMI_TITLE);
    expect(reply.body.allowed_mentions).toEqual({ parse: [], replied_user: false });
    // The reply is a real reply in the double: it references the question and pings nobody.
    const created = [...h.double.messages.values()].find((m) => m.message_reference?.message_id === id);
    expect(created?.mentions).toEqual([]);
  });

  it('ignores messages that do not mention the bot, and messages from bots (itself included)', async () => {
    const before = h.double.requests.length;
    await h.double.sendMessage({ content: PATENTS, authorId: newUserId() });
    const own = await h.double.sendMessage({ content: `<@${h.double.botUserId}> ${PATENTS}`, authorId: h.double.botUserId });
    const { id: fence } = await h.double.sendMessage({ content: 'Xiaomi ?', mentionBot: true, authorId: newUserId() });
    await h.double.waitForRequest(replyTo(h, fence), 20_000);
    const posts = h.double.requests.slice(before).filter((r) => r.method === 'POST' && r.path === `/channels/${h.double.channelId}/messages`);
    expect(posts.map((r) => r.body.message_reference?.message_id)).toEqual([fence]);
    expect(posts.some((r) => r.body.message_reference?.message_id === own.id)).toBe(false);
  });

  it('/ask defers at once (callback type 5), then edits @original with the answer', async () => {
    const { sent, callback, edit } = await ask(h.double, PATENTS);
    expect(callback.body.type).toBe(5);
    expect(callback.body.data?.flags ?? 0).toBe(0); // public
    expect(edit.status).toBe(200);
    expect(edit.at).toBeGreaterThanOrEqual(callback.at);
    const content: string = edit.body.content;
    expect(content.startsWith(`> **Question :** ${PATENTS}`)).toBe(true);
    expect(content).toContain('1 500 brevets');
    const quotes = displayedQuotes(content);
    expect(quotes.length).toBeGreaterThan(0);
    for (const q of quotes) expect(storedTexts.some((t) => t.includes(q))).toBe(true);
    expect(content).toContain('**Sources :**');
    expect(content).toContain(XIAOMI_TITLE);
    expect(edit.body.allowed_mentions).toEqual({ parse: [], replied_user: false });
    const record = h.double.interactions.get(sent.id)!;
    expect(record.callbacks.map((c) => c.type)).toEqual([5]);
  });

  it('/ask private:true answers ephemerally', async () => {
    const { callback, edit } = await ask(h.double, PATENTS, { options: [{ name: 'question', type: 3, value: PATENTS }, { name: 'private', type: 5, value: true }] });
    expect(callback.body).toEqual({ type: 5, data: { flags: 64 } });
    expect(edit.body.content).toContain('1 500 brevets');
  });

  it('an off-topic question: says nothing was found and cites nothing', async () => {
    const { edit } = await ask(h.double, OFF_TOPIC);
    const content: string = edit.body.content;
    expect(content).toContain(NOT_FOUND_ANSWER);
    expect(content).not.toContain('«');
    expect(content).not.toContain('Sources');
    expect(content).not.toMatch(/\[\d+\]/);
  });

  it('@everyone, a role and a user mention in a question: quoted back harmlessly, no mention allowed anywhere, nobody pinged', async () => {
    const before = h.double.requests.length;
    const since = Date.now();
    const question = `@everyone <@&1100000000000000006> <@1100000000000000007> ${PATENTS}`;
    const { edit } = await ask(h.double, question);
    expect(edit.body.content).toContain('1 500 brevets');
    expect(edit.body.content).toContain('everyone');
    const { id } = await h.double.sendMessage({ content: `@here ${question}`, mentionBot: true, authorId: newUserId() });
    await h.double.waitForRequest(replyTo(h, id), 20_000);

    const sent = contentRequests(h.double, before);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    for (const r of sent) {
      const payload = messagePayload(r);
      expect(payload.allowed_mentions).toMatchObject({ parse: [] });
      expect(payload.content).not.toMatch(/@everyone|@here|<@!?\d|<@&\d/);
    }
    // Messages the bot created during this test (earlier tests fabricate a bot-authored message).
    const created = [...h.double.messages.values()].filter((m) => m.author.id === h.double.botUserId && Date.parse(m.timestamp) >= since);
    expect(created.length).toBeGreaterThan(0);
    for (const m of created) {
      expect(m.mentions).toEqual([]);
      expect(m.mention_everyone).toBe(false);
    }
  });

  it('/sources lists the matching passages and their articles, without a composed answer', async () => {
    const { sent, callback } = await slash(h.double, { name: 'sources', options: [{ name: 'question', type: 3, value: PATENTS }], userId: newUserId() });
    expect(callback.body.type).toBe(5);
    const edit = await h.double.waitForRequest(isOriginalEdit(h.double, sent), 20_000);
    const content: string = edit.body.content;
    expect(content).toContain('Passages trouvés');
    expect(content).toContain('brevets');
    expect(content).toContain(XIAOMI_TITLE);
    const quotes = displayedQuotes(content);
    expect(quotes.length).toBeGreaterThan(0);
    for (const q of quotes) expect(storedTexts.some((t) => t.includes(q))).toBe(true);
  });

  it('per-user rate limit: the 4th question within the window gets a polite private refusal; others are unaffected', async () => {
    const user = newUserId();
    for (let i = 0; i < 3; i++) {
      const { edit } = await ask(h.double, PATENTS, { userId: user });
      expect(edit.body.content).toContain('1 500 brevets');
    }
    const { callback } = await slash(h.double, { name: 'ask', options: [{ name: 'question', type: 3, value: PATENTS }], userId: user });
    expect(callback.body.type).toBe(4);
    expect(callback.body.data.flags).toBe(64);
    expect(callback.body.data.content).toMatch(/merci de patienter \d+ s/);
    expect(callback.body.data.allowed_mentions).toMatchObject({ parse: [] });
    // A mention from the same member is refused politely too.
    const { id } = await h.double.sendMessage({ content: PATENTS, mentionBot: true, authorId: user });
    expect((await h.double.waitForRequest(replyTo(h, id))).body.content).toMatch(/patienter/);
    // Another member is not limited.
    expect((await ask(h.double, PATENTS)).edit.body.content).toContain('1 500 brevets');
    expect(h.logs.some((l) => l.event === 'request.rate_limited' && l.userId === user)).toBe(true);
  });

  it('a REST 429 (retry_after in headers) on the answer edit is waited out and the answer delivered', async () => {
    h.double.failNext((m, p) => m === 'PATCH' && p.endsWith('/messages/@original'), {
      status: 429,
      body: { message: 'You are being rate limited.', retry_after: 0.4, global: false },
    });
    const { sent } = await ask(h.double, PATENTS);
    await h.double.waitForRequest((r) => isOriginalEdit(h.double, sent)(r) && r.status === 200, 20_000);
    const edits = h.double.requests.filter(isOriginalEdit(h.double, sent));
    expect(edits.map((r) => r.status)).toEqual([429, 200]);
    expect(edits[1]!.at - edits[0]!.at).toBeGreaterThanOrEqual(350);
    expect(edits[1]!.body.content).toContain('1 500 brevets');
  });

  it('a 500 on a reply is retried; when Discord keeps failing, the error is logged and the next request works', async () => {
    const path = `/channels/${h.double.channelId}/messages`;
    h.double.failNext((m, p) => m === 'POST' && p === path, { status: 500 });
    const { id } = await h.double.sendMessage({ content: PATENTS, mentionBot: true, authorId: newUserId() });
    await h.double.waitForRequest((r) => replyTo(h, id)(r) && r.status === 200, 20_000);
    expect(h.double.requests.filter(replyTo(h, id)).map((r) => r.status)).toEqual([500, 200]);

    // More failures than discord.js retries (3): the request fails, the bot logs it and tells the member.
    h.double.failNext((m, p, r) => m === 'POST' && p === path && r.body?.content !== GENERIC_ERROR, { status: 502, times: 4 });
    const user = newUserId();
    const { id: failing } = await h.double.sendMessage({ content: PATENTS, mentionBot: true, authorId: user });
    const apology = await h.double.waitForRequest((r) => replyTo(h, failing)(r) && r.status === 200, 20_000);
    expect(apology.body.content).toBe(GENERIC_ERROR);
    expect(h.double.requests.filter(replyTo(h, failing)).map((r) => r.status)).toEqual([502, 502, 502, 502, 200]);
    expect(h.logs.find((l) => l.event === 'request.failed' && l.requestId === failing)).toMatchObject({ userId: user, command: 'mention', latencyMs: expect.any(Number) });
    expect((await ask(h.double, PATENTS)).edit.body.content).toContain('1 500 brevets');
  });

  it('an error inside one request: a short message to the member, a structured log line, and the bot carries on', async () => {
    const spy = vi.spyOn(h.bot.depeche, 'askTimed').mockRejectedValueOnce(new Error('boom: index exploded'));
    try {
      const user = newUserId();
      const { sent, edit } = await ask(h.double, PATENTS, { userId: user });
      expect(edit.body.content).toBe(GENERIC_ERROR);
      const line = h.logs.find((l) => l.event === 'request.failed' && l.requestId === sent.id);
      expect(line).toMatchObject({ level: 'error', userId: user, command: 'ask', latencyMs: expect.any(Number), error: { message: 'boom: index exploded' } });
    } finally {
      spy.mockRestore();
    }
    expect((await ask(h.double, PATENTS)).edit.body.content).toContain('1 500 brevets');
  });

  it('an interaction that expired (Unknown Webhook on the edit) is logged, not retried, and does not disturb the next one', async () => {
    h.double.failNext((m, p) => m === 'PATCH' && p.endsWith('/messages/@original'), { status: 404, body: { message: 'Unknown Webhook', code: 10015 } });
    const sent = await h.double.sendSlashCommand({ name: 'ask', options: [{ name: 'question', type: 3, value: PATENTS }], userId: newUserId() });
    await h.double.waitForRequest((r) => isOriginalEdit(h.double, sent)(r) && r.status === 404, 20_000);
    await vi.waitFor(() => expect(h.logs.some((l) => l.event === 'request.failed' && l.requestId === sent.id)).toBe(true));
    expect(h.double.requests.filter(isCallback(sent))).toHaveLength(1);
    expect((await ask(h.double, PATENTS)).edit.body.content).toContain('1 500 brevets');
  });

  it('logs one JSON line per request with request id, user id, command and latency, and never the token', () => {
    const done = h.logs.filter((l) => l.event === 'request.done');
    expect(done.length).toBeGreaterThan(5);
    for (const l of done) expect(l).toMatchObject({ requestId: expect.stringMatching(/^\d+$/), userId: expect.stringMatching(/^\d+$/), command: expect.any(String), latencyMs: expect.any(Number) });
    expect(JSON.stringify(h.logs)).not.toContain(h.double.token);
    const latency = (command: string) => {
      const ms = done.filter((l) => l.command === command && l.found !== undefined).map((l) => l.latencyMs as number).sort((a, b) => a - b);
      return `${command}: ${ms.length} answered, median ${ms[Math.floor(ms.length / 2)]} ms, max ${ms.at(-1)} ms`;
    };
    console.info(`latency with the offline model, from the bot's own log lines: ${latency('ask')}; ${latency('mention')}`);
    // No request was refused by the double for its shape or size.
    expect(h.double.requests.filter((r) => r.status === 400)).toEqual([]);
  });
});
