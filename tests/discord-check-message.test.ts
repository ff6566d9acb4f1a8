/**
 * "Vérifier avec Dépêche" (issue 17), end to end: a MESSAGE context-menu interaction as Discord sends
 * it (type 2, data.type 3, target_id, resolved.messages) to the bot's own code with the real
 * discord.js client, the seed corpus and the offline model.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTHING_ABOUT_IT } from '../src/app/check-claim.ts';
import { CHECK_MESSAGE } from '../src/discord/commands/check-message.ts';
import { isCallback, isOriginalEdit, newUserId, startHarness, type Harness } from './support/discord-bot-harness.ts';

let h: Harness;

/** Posts a member's message (no mention), then runs the context menu on it; returns the answer edit. */
async function check(content: string) {
  const { id } = await h.double.sendMessage({ content, authorId: newUserId() });
  const sent = await h.double.sendMessageCommand({ name: CHECK_MESSAGE, targetMessageId: id, userId: newUserId() });
  const callback = await h.double.waitForRequest(isCallback(sent), 10_000);
  const edit = await h.double.waitForRequest(isOriginalEdit(h.double, sent), 20_000);
  return { callback, edit, content: String(edit.body.content) };
}

beforeAll(async () => {
  h = await startHarness({ corpus: 'seed', embedder: 'model' });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe('Vérifier avec Dépêche', () => {
  it('a message with a wrong figure: quotes the article’s figure and says it differs, pinging nobody', async () => {
    const { callback, edit, content } = await check('Microsoft a vendu 2 000 brevets à Xiaomi, c’est énorme.');
    expect(callback.body.type).toBe(5);
    expect(content).toMatch(/Le message dit 2 000 brevets ; l’article .*\[\d+\] dit 1 500 brevets\./);
    expect(content).toMatch(/« [^»]*1 500 brevets[^»]* » \[\d+\]/); // the article's own sentence, quoted
    // No verdict beyond what the quotes say: the bot's own lines (before the quotes) judge nothing.
    // (article titles, in « », are the articles' words, not the bot's)
    const ownLines = content.slice(0, content.indexOf('\n«')).replace(/«[^»]*»/g, '« … »');
    expect(ownLines).toContain('Le message dit');
    expect(ownLines).not.toMatch(/\b(faux|fausse|vrai|exact|erron|mensong)/i);
    expect(edit.body.allowed_mentions).toEqual({ parse: [], replied_user: false });
  });

  it('a message with the article’s figure: says the article states it too', async () => {
    const { content } = await check('Xiaomi a racheté 1 500 brevets à Microsoft');
    expect(content).toMatch(/Le message dit 1 500 brevets, comme l’article/);
  });

  it('a message about something the corpus does not cover: says it has nothing on it, quotes nothing', async () => {
    const { content } = await check('Le glacier du Rhône a perdu 3 mètres d’épaisseur cet été à cause de la canicule.');
    expect(content).toContain(NOTHING_ABOUT_IT);
    expect(content).not.toContain('«');
  });

  it('a message mentioning everyone and a member is checked without pinging anyone', async () => {
    const { edit, content } = await check(`@everyone <@${newUserId()}> Microsoft a vendu 2 000 brevets à Xiaomi`);
    expect(content).toContain('dit 1 500 brevets');
    expect(content).not.toMatch(/@everyone|<@!?\d/);
    expect(edit.body.allowed_mentions).toEqual({ parse: [], replied_user: false });
  });
});
