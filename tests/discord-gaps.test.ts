/** /admin gaps (issue 17), end to end: "nothing found" recorded per server, listed for admins, retention and clear. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_GAPS } from '../src/discord/commands/admin/gaps.ts';
import { REFUSED } from '../src/discord/commands/admin/shared.ts';
import { QuestionLog } from '../src/store/question-log.ts';
import { ADMIN_PERMISSIONS, ask, newUserId, slash, startHarness, type Harness } from './support/discord-bot-harness.ts';
import type { RecordedRequest } from './support/discord-double.ts';

let h: Harness;
const gapsCommand = (sub: 'list' | 'clear', admin: boolean) =>
  slash(h.double, { name: 'admin', options: [{ name: 'gaps', type: 2, options: [{ name: sub, type: 1, options: [] }] }], userId: newUserId(), ...(admin ? { memberPermissions: ADMIN_PERMISSIONS } : {}) });
const replyTo = (messageId: string) => (r: RecordedRequest) =>
  r.method === 'POST' && r.path === `/channels/${h.double.channelId}/messages` && r.body?.message_reference?.message_id === messageId;

beforeAll(async () => {
  h = await startHarness({ corpus: 'seed', embedder: 'model', env: { QUESTION_LOG_DAYS: '7' } });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe('/admin gaps', () => {
  it('records unanswered questions (not answered ones), groups them for admins, refuses members, forgets old ones, clears', async () => {
    // An old question, written as the bot would have 8 days ago: past QUESTION_LOG_DAYS=7.
    const log = QuestionLog.open(QuestionLog.pathIn(h.env.EMBEDDINGS_DIR!), 3650);
    log.record(h.double.guildId, 'Une vieille question sur la pétanque ?', new Date(Date.now() - 8 * 86_400_000));
    log.close();

    await ask(h.double, 'Quel temps fera-t-il demain à Brest ?');
    await ask(h.double, 'Combien de brevets Microsoft a-t-il vendus à Xiaomi ?');
    const { id } = await h.double.sendMessage({ content: 'Et la météo à Brest dimanche ?', mentionBot: true, authorId: newUserId() });
    await h.double.waitForRequest(replyTo(id), 20_000);

    const refused = await gapsCommand('list', false);
    expect(refused.callback.body.data.content).toBe(REFUSED);
    const listed = await gapsCommand('list', true);
    const content: string = listed.callback.body.data.content;
    expect(listed.callback.body.data.flags).toBe(64);
    expect(content).toMatch(/\*\*Brest\*\* ×2/);
    expect(content).not.toContain('Xiaomi'); // answered: not a gap
    expect(content).not.toContain('pétanque'); // older than QUESTION_LOG_DAYS
    expect(content).toContain('gardées 7 jours');

    const cleared = await gapsCommand('clear', true);
    expect(cleared.callback.body.data.content).toBe('Questions sans réponse effacées : 2.');
    expect((await gapsCommand('list', true)).callback.body.data.content).toBe(NO_GAPS);
  });
});
