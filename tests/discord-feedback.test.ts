/**
 * Feedback buttons under answers (issue 17), end to end: button clicks as Discord sends them
 * (INTERACTION_CREATE type 3, data.custom_id, the message), votes stored in feedback.db beside the
 * index once per member, /admin feedback listing 👎 for admins only, and an admin labelling a 👎
 * answer of their own server with the right article (autocomplete included).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFUSED } from '../src/discord/commands/admin/shared.ts';
import { NO_FEEDBACK, UNKNOWN_ANSWER, UNKNOWN_ARTICLE } from '../src/discord/commands/admin/feedback.ts';
import { ALREADY, THANKS } from '../src/discord/feedback.ts';
import { FeedbackStore } from '../src/store/feedback-store.ts';
import { ADMIN_PERMISSIONS, adminCommand, ask, isCallback, newUserId, startHarness, type Harness } from './support/discord-bot-harness.ts';
import type { RecordedRequest } from './support/discord-double.ts';

const PATENTS = 'Combien de brevets Microsoft a-t-il vendus à Xiaomi ?';
let h: Harness;

const replyTo = (messageId: string) => (r: RecordedRequest) =>
  r.method === 'POST' && r.path === `/channels/${h.double.channelId}/messages` && r.body?.message_reference?.message_id === messageId;

/** Asks by mention; returns the bot's reply message (as the double stored it) and its button ids. */
async function answered(question: string) {
  const { id } = await h.double.sendMessage({ content: question, mentionBot: true, authorId: newUserId() });
  const request = await h.double.waitForRequest(replyTo(id), 20_000);
  const message = [...h.double.messages.values()].find((m) => m.message_reference?.message_id === id && m.author.id === h.double.botUserId)!;
  const buttons: any[] = (message.components ?? []).flatMap((row: any) => row.components);
  return { request, message, buttons };
}

async function click(messageId: string, customId: string, userId: string) {
  const sent = await h.double.sendButtonClick({ messageId, customId, userId });
  return h.double.waitForRequest(isCallback(sent), 10_000);
}

beforeAll(async () => {
  h = await startHarness({ corpus: 'seed', embedder: 'model' });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe('feedback buttons', () => {
  it('an answer carries 👍 and "👎 pas la bonne réponse"; nothing found carries none', async () => {
    const { request, buttons } = await answered(PATENTS);
    expect(request.body.allowed_mentions).toEqual({ parse: [], replied_user: false });
    expect(buttons.map((b) => [b.type, b.emoji?.name ?? null, b.label ?? null])).toEqual([
      [2, '👍', null],
      [2, '👎', 'pas la bonne réponse'],
      [2, null, 'Plus de sources'],
    ]);
    const off = await answered('Quel temps fera-t-il demain à Brest ?');
    expect(off.buttons).toEqual([]);
  });

  it('a vote is stored once per member, with the question, answer and citations; /admin feedback lists 👎 for admins only', async () => {
    const { message, buttons } = await answered(PATENTS);
    const down = buttons.find((b) => b.emoji?.name === '👎').custom_id;
    const up = buttons.find((b) => b.emoji?.name === '👍').custom_id;
    const alice = newUserId();
    const first = await click(message.id, down, alice);
    expect(first.body).toMatchObject({ type: 4, data: { content: THANKS, flags: 64, allowed_mentions: { parse: [] } } });
    const again = await click(message.id, up, alice); // a change of mind is still a second vote
    expect(again.body.data.content).toBe(ALREADY);
    expect((await click(message.id, down, newUserId())).body.data.content).toBe(THANKS);

    const store = FeedbackStore.open(FeedbackStore.pathIn(h.env.EMBEDDINGS_DIR!));
    try {
      const [row] = store.recentDownVoted(h.double.guildId, 10);
      expect(row).toMatchObject({ question: PATENTS, downs: 2 });
      expect(row!.answer).toContain('1 500 brevets');
      expect(row!.citations.map((c) => c.title)).toContain('Le fabricant Chinois de smartphones Xiaomi signe un accord avec Microsoft');
    } finally {
      store.close();
    }

    const refused = await adminCommand(h.double, 'feedback');
    expect(refused.callback.body.data.content).toBe(REFUSED);
    const listed = await adminCommand(h.double, 'feedback', [], { memberPermissions: ADMIN_PERMISSIONS });
    const content: string = listed.callback.body.data.content;
    expect(listed.callback.body.data.flags).toBe(64);
    expect(content).toContain('👎 ×2');
    expect(content).toContain('vendus à Xiaomi ?');
    expect(content).toContain('Le fabricant Chinois de smartphones Xiaomi');
    expect(content).not.toContain(NO_FEEDBACK);
  });

  it('/ask answers carry the buttons too', async () => {
    const { edit } = await ask(h.double, PATENTS);
    const ids = (edit.body.components ?? []).flatMap((row: any) => row.components).map((c: any) => c.emoji?.name ?? c.label);
    expect(ids).toEqual(['👍', '👎', 'Plus de sources']);
  });

  it('an admin labels a 👎 answer of their own server with the right article; other servers\' answers and non-admins are refused', async () => {
    const ADMIN = { memberPermissions: ADMIN_PERMISSIONS };
    const { message, buttons } = await answered(PATENTS);
    const down: string = buttons.find((b) => b.emoji?.name === '👎').custom_id;
    expect((await click(message.id, down, newUserId())).body.data.content).toBe(THANKS);
    const shortId = down.split(':')[2]!.slice(0, 8);
    const xiaomi = h.bot.depeche.listArticles().find((a) => a.title?.includes('Xiaomi'))!;

    const listed: string = (await adminCommand(h.double, 'feedback', [], ADMIN)).callback.body.data.content;
    expect(listed).toContain(`\`${shortId}\``);

    const autoAnswer = await h.double.sendAutocomplete({ name: 'admin', options: [{ name: 'feedback', type: 1, options: [{ name: 'answer', type: 3, value: shortId, focused: true }] }], ...ADMIN });
    const answerChoices = (await h.double.waitForRequest(isCallback(autoAnswer))).body.data.choices;
    expect(answerChoices.map((c: any) => c.value)).toEqual([shortId]);
    const autoArticle = await h.double.sendAutocomplete({
      name: 'admin',
      options: [{ name: 'feedback', type: 1, options: [{ name: 'answer', type: 3, value: shortId }, { name: 'article', type: 3, value: 'xiaomi', focused: true }] }],
      ...ADMIN,
    });
    const articleChoices = (await h.double.waitForRequest(isCallback(autoArticle))).body.data.choices;
    expect(articleChoices.map((c: any) => c.value)).toContain(xiaomi.id);
    const autoRefused = await h.double.sendAutocomplete({ name: 'admin', options: [{ name: 'feedback', type: 1, options: [{ name: 'answer', type: 3, value: '', focused: true }] }] });
    expect((await h.double.waitForRequest(isCallback(autoRefused))).body).toEqual({ type: 8, data: { choices: [] } });

    const store = FeedbackStore.open(FeedbackStore.pathIn(h.env.EMBEDDINGS_DIR!));
    try {
      // Another server's 👎 answer: this server's admin cannot reach it, even with its id.
      const OTHER = '1100000000000000999';
      const theirs = store.recordAnswer({ guildId: OTHER, question: 'Question d’un autre serveur ?', answer: '…', citations: [] });
      store.vote(theirs, 'someone', 'down');
      const label = (answer: string, article: string, extra: { memberPermissions?: string } = ADMIN) =>
        adminCommand(h.double, 'feedback', [{ name: 'answer', type: 3, value: answer }, { name: 'article', type: 3, value: article }], extra);

      expect((await label(shortId, xiaomi.id, {})).callback.body.data.content).toBe(REFUSED);
      expect((await label(theirs.slice(0, 8), xiaomi.id)).callback.body.data.content).toBe(UNKNOWN_ANSWER);
      expect((await label(theirs, xiaomi.id)).callback.body.data.content).toBe(UNKNOWN_ANSWER);
      expect((await label(shortId, 'no-such-article')).callback.body.data.content).toBe(UNKNOWN_ARTICLE);
      expect((store.findDownVoted(OTHER, theirs.slice(0, 8)) as any).label).toBeNull();
      expect((store.findDownVoted(h.double.guildId, shortId) as any).label).toBeNull();

      const done = await label(shortId, xiaomi.id);
      expect(done.callback.body.data).toMatchObject({ flags: 64, allowed_mentions: { parse: [] } });
      expect(done.callback.body.data.content).toContain('Noté');
      expect((store.findDownVoted(h.double.guildId, shortId) as any).label).toMatchObject({ articleId: xiaomi.id, library: null });
      const after: string = (await adminCommand(h.double, 'feedback', [], ADMIN)).callback.body.data.content;
      expect(after).toContain(`bon article : \`${xiaomi.id}\``);
    } finally {
      store.close();
    }
  });
});
