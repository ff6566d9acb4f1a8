/**
 * Libraries (src/app/libraries.ts) with real folders, indexes and the hash embedder: who is answered
 * from what, and how long a server's library outlives the bot's departure.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Depeche } from '../src/app/depeche.ts';
import { Libraries } from '../src/app/libraries.ts';
import { loadConfig } from '../src/config.ts';
import type { EmbedderSpec } from '../src/embed/embedder.ts';
import { loadServerSettings } from '../src/settings/servers.ts';

const SPEC: EmbedderSpec = { kind: 'hash', dims: 32, maxTokens: 64 };
const GUILD = '1100000000000000555';
const DAY = 24 * 60 * 60 * 1000;
const article = (title: string, body: string) => `---\ntitle: "${title}"\npublished: 2026-03-02\n---\n\n${body}\n`;

let dir: string;
let now: number;
let shared: Depeche;
let libraries: Libraries;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'depeche-libraries-'));
  mkdirSync(join(dir, 'corpus'));
  writeFileSync(join(dir, 'corpus', 'pont.md'), article('Le pont', 'Le pont de Valcourt rouvrira en juin après deux ans de travaux.'));
  const env = { SERVER_DATA_RETENTION_DAYS: '30' };
  const config = loadConfig(env, dir);
  shared = await Depeche.open(config, { embedder: SPEC, inlineQueryEmbedder: true });
  await shared.reindex();
  now = Date.parse('2026-04-01T00:00:00Z');
  libraries = new Libraries(shared, { config, settings: loadServerSettings(env, dir), depeche: { embedder: SPEC, inlineQueryEmbedder: true }, now: () => now });
});

afterEach(async () => {
  await libraries.closeAll();
  await shared.close();
  rmSync(dir, { recursive: true, force: true });
});

const answerText = async (guildId: string | null, question: string) => (await (await libraries.answerer(guildId)).askTimed(question)).answer.answer;

describe('Libraries', () => {
  it('a server is answered from its library and the shared one; DMs from the shared one only', async () => {
    const own = await libraries.library(GUILD);
    await own.addArticles([{ name: 'stade.md', bytes: Buffer.from(article('Le stade', 'Le stade de Valcourt accueillera douze mille spectateurs.')) }]);
    expect(await answerText(GUILD, 'Combien de spectateurs le stade de Valcourt accueillera-t-il ?')).toContain('douze mille');
    expect(await answerText(GUILD, 'Quand le pont de Valcourt rouvrira-t-il ?')).toContain('juin');
    expect(await answerText(null, 'Combien de spectateurs le stade de Valcourt accueillera-t-il ?')).not.toContain('douze mille');
    const passages = await (await libraries.answerer(GUILD)).findPassages('stade de Valcourt spectateurs');
    expect(passages.passages[0]?.articleId).toBe('server:stade');
  });

  it('a left server is no longer served, kept for SERVER_DATA_RETENTION_DAYS, then deleted; coming back in time serves it again', async () => {
    const own = await libraries.library(GUILD);
    await own.addArticles([{ name: 'stade.md', bytes: Buffer.from(article('Le stade', 'Le stade de Valcourt accueillera douze mille spectateurs.')) }]);
    const question = 'Combien de spectateurs le stade de Valcourt accueillera-t-il ?';

    await libraries.markLeft(GUILD);
    expect(await answerText(GUILD, question)).not.toContain('douze mille');
    libraries.markPresent(GUILD);
    expect(await answerText(GUILD, question)).toContain('douze mille');

    await libraries.markLeft(GUILD);
    now += 29 * DAY;
    expect(await libraries.purgeExpired()).toEqual([]);
    expect(existsSync(join(dir, 'servers', GUILD, 'corpus', 'stade.md'))).toBe(true);
    now += 2 * DAY;
    expect(await libraries.purgeExpired()).toEqual([GUILD]);
    expect(existsSync(join(dir, 'servers', GUILD))).toBe(false);
    expect(await answerText(GUILD, 'Quand le pont de Valcourt rouvrira-t-il ?')).toContain('juin');
  });
});
