/** "Plus de sources" under an answer (issue 17): the next passages, a page at a time, within limits, privately. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MORE_PAGE, MORE_PAGES } from '../src/discord/more-sources.ts';
import { isCallback, isOriginalEdit, newUserId, startHarness, type Harness } from './support/discord-bot-harness.ts';
import type { RecordedRequest } from './support/discord-double.ts';

let h: Harness;
const replyTo = (messageId: string) => (r: RecordedRequest) =>
  r.method === 'POST' && r.path === `/channels/${h.double.channelId}/messages` && r.body?.message_reference?.message_id === messageId;
const moreButton = (components: any[] | undefined) =>
  (components ?? []).flatMap((row: any) => row.components).find((c: any) => c.label === 'Plus de sources');

beforeAll(async () => {
  h = await startHarness({ corpus: 'seed', embedder: 'model' });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe('Plus de sources', () => {
  it('pages through the next passages privately, at most MORE_PAGE a page and MORE_PAGES pages, never repeating one', async () => {
    const { id } = await h.double.sendMessage({ content: 'Combien de brevets Microsoft a-t-il vendus à Xiaomi ?', mentionBot: true, authorId: newUserId() });
    await h.double.waitForRequest(replyTo(id), 20_000);
    // The buttons are under the answer's last message (a long answer takes several).
    const answerMessage = [...h.double.messages.values()].filter((m) => m.author.id === h.double.botUserId && moreButton(m.components)).at(-1)!;
    expect(answerMessage).toBeDefined();
    let button = moreButton(answerMessage.components);
    let messageId: string = answerMessage.id;
    const seen: string[] = [];
    let pages = 0;
    while (button) {
      const sent = await h.double.sendButtonClick({ messageId, customId: button.custom_id, userId: newUserId() });
      const callback = await h.double.waitForRequest(isCallback(sent), 10_000);
      expect(callback.body).toEqual({ type: 5, data: { flags: 64 } }); // private
      const edit = await h.double.waitForRequest(isOriginalEdit(h.double, sent), 20_000);
      pages++;
      const content: string = edit.body.content;
      expect(edit.body.allowed_mentions).toEqual({ parse: [], replied_user: false });
      const passages = [...content.matchAll(/^« (.*) » \[\d+\]/gm)].map((m) => m[1]!);
      expect(passages.length).toBeGreaterThan(0);
      expect(passages.length).toBeLessThanOrEqual(MORE_PAGE);
      for (const p of passages) expect(seen).not.toContain(p);
      seen.push(...passages);
      button = moreButton(edit.body.components);
      messageId = h.double.interactions.get(sent.id)!.originalMessageId!;
    }
    expect(pages).toBeGreaterThanOrEqual(2); // the seed corpus has more than two pages of passages on the deal
    expect(pages).toBeLessThanOrEqual(MORE_PAGES);
  });
});
