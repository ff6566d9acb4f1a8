/**
 * A dropped gateway connection, then shutdown of the running bot (what SIGINT/SIGTERM call): new requests are turned away politely,
 * the request in flight is still answered, then the index is closed and the client disconnects.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ask, isCallback, isOriginalEdit, newUserId, startHarness, type Harness } from './support/discord-bot-harness.ts';

const PATENTS = 'Combien de brevets Microsoft a-t-il vendus à Xiaomi ?';
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ corpus: 'seed', embedder: 'hash', env: { RATE_LIMIT_PER_MINUTE: '0' } });
});

afterAll(async () => {
  await h?.stop();
});

describe('connection', () => {
  it('a dropped gateway connection: discord.js resumes by itself and the bot answers again', async () => {
    const connections = h.double.gatewayConnections.length;
    h.double.closeGateway(4000);
    await vi.waitFor(() => expect(h.double.gatewayConnections.length).toBe(connections + 1), { timeout: 10_000 });
    await vi.waitFor(() => expect(h.double.openGatewayConnections).toBe(1), { timeout: 10_000 });
    const { id } = await h.double.sendMessage({ content: PATENTS, mentionBot: true, authorId: newUserId() });
    const reply = await h.double.waitForRequest((r) => r.method === 'POST' && r.body?.message_reference?.message_id === id, 10_000);
    expect(reply.body.content).toContain('1 500 brevets');
    expect(h.logs.some((l) => l.event === 'discord.disconnect' || l.event === 'discord.resume')).toBe(true);
  });
});

describe('shutdown', () => {
  it('stops taking new work, finishes the request in flight, then disconnects', async () => {
    expect((await ask(h.double, PATENTS)).edit.body.content).toContain('1 500 brevets');

    // An answer held mid-search until the test releases it: in flight when shutdown begins.
    const real = h.bot.depeche.askTimed.bind(h.bot.depeche);
    let searching!: () => void;
    const searchStarted = new Promise<void>((r) => (searching = r));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const spy = vi.spyOn(h.bot.depeche, 'askTimed').mockImplementationOnce(async (q) => {
      searching();
      await released;
      return real(q);
    });
    try {
      const slow = await h.double.sendSlashCommand({ name: 'ask', options: [{ name: 'question', type: 3, value: PATENTS }], userId: newUserId() });
      await h.double.waitForRequest(isCallback(slow));
      await searchStarted;
      const stopping = h.bot.stop();
      let stopped = false;
      void stopping.then(() => (stopped = true));

      // A new question meanwhile: a short private message, no work started.
      const late = await h.double.sendSlashCommand({ name: 'ask', options: [{ name: 'question', type: 3, value: PATENTS }], userId: newUserId() });
      const refusal = await h.double.waitForRequest(isCallback(late));
      expect(refusal.body).toMatchObject({ type: 4, data: { flags: 64, content: 'Dépêche redémarre : reposez votre question dans un instant.' } });
      const askedBefore = spy.mock.calls.length;
      expect(h.double.requests.some(isOriginalEdit(h.double, slow))).toBe(false);

      // Shutdown waits for the held answer: it has not finished when the answer is let go.
      await h.waitForLog((l) => l.event === 'shutdown.start');
      expect(stopped).toBe(false);
      release();
      await stopping;
      const answer = h.double.requests.find((r) => isOriginalEdit(h.double, slow)(r));
      expect(answer?.status).toBe(200);
      expect(answer?.body.content).toContain('1 500 brevets');
      // Discord saw: the refusal of the late question, then the held answer, then the gateway closed.
      expect(answer!.at).toBeGreaterThanOrEqual(refusal.at);
      expect(h.double.requests.indexOf(answer!)).toBeGreaterThan(h.double.requests.indexOf(refusal));
      expect(Math.max(...h.double.gatewayCloses.map((c) => c.at))).toBeGreaterThanOrEqual(answer!.at);
      expect(spy.mock.calls.length).toBe(askedBefore); // the late question was never searched
      expect(h.double.openGatewayConnections).toBe(0);
      expect(h.double.gatewayCloses.map((c) => c.code)).toContain(1000);
      const events = h.logs.map((l) => l.event);
      expect(events.indexOf('shutdown.done')).toBeGreaterThan(events.indexOf('shutdown.start'));
      expect(h.logs.find((l) => l.event === 'shutdown.start')).toMatchObject({ inFlight: 1 });
    } finally {
      spy.mockRestore();
    }
  });
});
