/**
 * Follow-ups on Discord (issue 17), end to end: the bot's own code with the real discord.js client
 * against the double, the seed corpus and the offline model. A Discord reply to an answer, or a
 * mention right after one's own question, carries the subject over unless it names a new one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentRequests, messagePayload, newUserId, startHarness, type Harness } from './support/discord-bot-harness.ts';
import type { RecordedRequest } from './support/discord-double.ts';

const PATENTS = 'Combien de brevets Microsoft a-t-il vendus à Xiaomi ?';
let h: Harness;

const replyTo = (messageId: string) => (r: RecordedRequest) =>
  r.method === 'POST' && r.path === `/channels/${h.double.channelId}/messages` && r.body?.message_reference?.message_id === messageId;

/** Sends a message and returns the bot's reply: its request and the message the double created. */
async function exchange(opts: Parameters<Harness['double']['sendMessage']>[0]) {
  const { id } = await h.double.sendMessage(opts);
  const request = await h.double.waitForRequest(replyTo(id), 20_000);
  const created = [...h.double.messages.values()].find((m) => m.message_reference?.message_id === id && m.author.id === h.double.botUserId);
  return { id, request, content: String(request.body.content), created };
}

beforeAll(async () => {
  h = await startHarness({ corpus: 'seed', embedder: 'model' });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe('follow-ups on Discord', () => {
  it('a reply to an answer carries its subject and says so; no mention typed, nobody pinged', async () => {
    const alice = newUserId();
    const first = await exchange({ content: PATENTS, mentionBot: true, authorId: alice });
    expect(first.content).toContain('1 500 brevets');
    expect(first.content).not.toContain('À propos');
    const before = h.double.requests.length;
    // A Discord reply: type 19, message_reference to the bot's answer, the bot pinged through `mentions` only.
    const follow = await exchange({ content: 'Et quelles applications seront préinstallées ?', replyToMessageId: first.created!.id, authorId: alice });
    expect(follow.content).toMatch(/^\*À propos de (Microsoft et Xiaomi|Xiaomi et Microsoft) :\*/);
    expect(follow.content).toMatch(/OneDrive|Word|préinstallés|pré-installé/);
    for (const r of contentRequests(h.double, before)) expect(messagePayload(r).allowed_mentions).toMatchObject({ parse: [] });
    expect(follow.created?.mentions).toEqual([]);
  });

  it('a reply naming a new subject is answered on its own words', async () => {
    const bob = newUserId();
    const first = await exchange({ content: PATENTS, mentionBot: true, authorId: bob });
    const follow = await exchange({ content: 'Et combien Alibaba a-t-il investi dans Meizu ?', replyToMessageId: first.created!.id, authorId: bob });
    expect(follow.content).not.toContain('À propos');
    expect(follow.content).toContain('590 millions');
  });

  it('a mention right after one’s own question follows it up; another member’s mention does not', async () => {
    const carol = newUserId();
    await exchange({ content: 'Combien Alibaba investit-il dans Meizu ?', mentionBot: true, authorId: carol });
    const own = await exchange({ content: 'Et en quelle année a-t-il été fondé ?', mentionBot: true, authorId: carol });
    expect(own.content).toMatch(/^\*À propos d’Alibaba et Meizu :\*/);
    expect(own.content).toContain('2003');
    const other = await exchange({ content: 'Et en quelle année a-t-il été fondé ?', mentionBot: true, authorId: newUserId() });
    expect(other.content).not.toContain('À propos');
  });

  it('a reply to a member’s message (not the bot’s) without a mention is not taken', async () => {
    const dave = newUserId();
    const { id: memberMessage } = await h.double.sendMessage({ content: 'Xiaomi, quelle histoire', authorId: dave });
    const before = h.double.requests.length;
    await h.double.sendMessage({ content: 'Et quelles applications seront préinstallées ?', replyToMessageId: memberMessage, authorId: newUserId() });
    // A fence: a later mention is answered, and nothing was posted for the reply before it.
    const fence = await exchange({ content: 'Xiaomi ?', mentionBot: true, authorId: newUserId() });
    const posts = h.double.requests.slice(before).filter((r) => r.method === 'POST' && r.path === `/channels/${h.double.channelId}/messages`);
    expect(posts.map((r) => r.body.message_reference?.message_id)).toEqual([fence.id]);
  });
});
