/** Pure parts of the Discord adapter: rendering within limits, configuration, rate limit, permissions, mentions, attachments. */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import dotenv from 'dotenv';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { PermissionFlagsBits, PermissionsBitField } from 'discord.js';
import { answerText, NOT_FOUND_ANSWER, notFound } from '../src/core/answer.ts';
import type { Answer, Citation } from '../src/core/types.ts';
import { ConfigError } from '../src/config.ts';
import { allowedAttachmentOrigins, AttachmentError, checkAttachment, downloadAttachment } from '../src/discord/attachments.ts';
import { commandPayloads } from '../src/discord/commands/index.ts';
import { loadDiscordConfig } from '../src/discord/config.ts';
import { mentionQuestion } from '../src/discord/events/message-create.ts';
import { InFlight } from '../src/discord/in-flight.ts';
import { isAdmin } from '../src/discord/permissions.ts';
import { questionText } from '../src/discord/question.ts';
import { RateLimiter } from '../src/discord/rate-limit.ts';
import { renderArticleList, renderReindexReport, renderStatus } from '../src/discord/render-admin.ts';
import { allocate, ELLIPSIS, escapeText, fitOne, MAX_CONTENT, pack, renderAnswer, renderPassages, shortenQuote } from '../src/discord/render.ts';

const TOKEN = 'MTEwMDAwMDAwMDAwMDAwMDAwMg.DoUbLe.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx';

function citation(i: number, quote: string, over: Partial<Citation> = {}): Citation {
  return { articleId: `a${i}`, title: `Titre ${i}`, source: 'Le Monde', url: `https://example.org/${i}`, published: '2016-05-10', quote, score: 1, ...over };
}

/** A found answer quoting each citation once, in order. */
function answerOf(citations: Citation[], question = 'Combien de brevets ?'): Answer {
  const quotes = citations.map((c, i) => ({ quote: c.quote, citations: [i], published: c.published }));
  return { question, found: true, answer: answerText(quotes, citations), quotes, citations };
}

/** The quoted texts of a rendered message, unescaped, with the "[…]" marks removed. */
function quotedParts(content: string): string[] {
  return [...content.matchAll(/« (.*?) » \[/g)].map((m) => m[1]!.replace(/\\([\\*_~`|])/g, '$1').replaceAll('\u200b', ''));
}

const longSentence = (n: number, word = 'brevets') => Array.from({ length: n }, (_, i) => `${word}${i % 7 === 0 ? ',' : ''} microsoft xiaomi accord${i}`).join(' ') + '.';

describe('render: answers', () => {
  it('renders quotes with their markers and a de-duplicated sources list with titles, outlet, date and <link>', () => {
    const a: Answer = {
      question: 'q',
      found: true,
      answer: '« Q1 est vraie. » [1][2]\n« Q2 aussi. » [3]\n\nSources :\n[1] x\n[2] y\n[3] z',
      quotes: [
        { quote: 'Q1 est vraie.', citations: [0, 1], published: '2016-05-10' },
        { quote: 'Q2 aussi.', citations: [2], published: '2016-05-10' },
      ],
      citations: [citation(1, 'Q1 est vraie.'), citation(2, 'Q1 bis.'), citation(1, 'Q2 aussi.')],
    };
    const [content, ...rest] = renderAnswer(a, { showQuestion: false });
    expect(rest).toEqual([]);
    expect(content).toContain('« Q1 est vraie. » [1][2]');
    expect(content).toContain('« Q2 aussi. » [1]');
    expect(content).toContain('[1] **Titre 1** — Le Monde — 2016-05-10 — <https://example.org/1>');
    expect(content).toContain('[2] **Titre 2**');
    expect(content!.match(/Titre 1/g)).toHaveLength(1);
  });

  it('renders from the quote groups, never from the answer text', () => {
    // The text says nothing of the quotes: only the structure can give the grouping and the numbers.
    const a: Answer = {
      question: 'Combien de brevets ?',
      found: true,
      answer: 'Un texte pour le terminal, sans aucune citation.',
      quotes: [
        { quote: 'Microsoft vend 1 500 brevets à Xiaomi.', citations: [0, 1], published: '2016-06-01' },
        { quote: 'Xiaomi vise l’Europe.', citations: [2], published: '2016-05-10' },
      ],
      citations: [
        citation(1, 'Microsoft vend 1 500 brevets à Xiaomi.'),
        citation(2, 'Xiaomi acquiert environ 1 500 brevets.'),
        citation(1, 'Xiaomi vise l’Europe.'),
      ],
    };
    const [content, ...rest] = renderAnswer(a, { showQuestion: false });
    expect(rest).toEqual([]);
    expect(content!.split('\n').filter((l) => l.startsWith('«'))).toEqual([
      '« Microsoft vend 1 500 brevets à Xiaomi. » [1][2] — *1er juin 2016*',
      '« Xiaomi vise l’Europe. » [1] — *10 mai 2016*',
    ]);
    // The corroborating citation is a source, not a quote of its own.
    expect(content).not.toContain('Xiaomi acquiert');
    expect(content).not.toContain('sans aucune citation');
    expect(content).toContain('[2] **Titre 2**');
    expect(content).not.toContain('[3]');
  });

  it('not found: the plain message, no citation, no sources', () => {
    const [content, ...rest] = renderAnswer(notFound('Quel temps ?'), { showQuestion: false });
    expect(rest).toEqual([]);
    expect(content).toBe(NOT_FOUND_ANSWER);
  });

  it('very long quotes are shortened at a word boundary with […]; every message fits and the sources are kept', () => {
    const citations = Array.from({ length: 10 }, (_, i) => citation(i, longSentence(300 + i)));
    const messages = renderAnswer(answerOf(citations), { showQuestion: true });
    expect(messages.length).toBeGreaterThanOrEqual(1);
    for (const m of messages) expect(m.length).toBeLessThanOrEqual(MAX_CONTENT);
    const all = messages.join('\n');
    for (let i = 0; i < 10; i++) expect(all).toContain(`**Titre ${i}**`);
    const parts = quotedParts(all);
    expect(parts).toHaveLength(10);
    for (const [i, part] of parts.entries()) {
      expect(part.endsWith(` ${ELLIPSIS}`)).toBe(true);
      const kept = part.slice(0, -ELLIPSIS.length - 1);
      // Verbatim prefix of the full quote, cut just before a space: never in the middle of a word.
      expect(citations[i]!.quote.startsWith(kept)).toBe(true);
      expect(citations[i]!.quote[kept.length]).toMatch(/[\s,]/);
    }
    // The full verbatim quotes stay in the answer data.
    expect(citations[0]!.quote.length).toBeGreaterThan(2000);
  });

  it('short and long quotes share the room: short ones stay whole', () => {
    const citations = [citation(1, 'Microsoft vient de vendre 1 500 brevets au chinois Xiaomi.'), citation(2, longSentence(400))];
    const [content] = renderAnswer(answerOf(citations), { showQuestion: false });
    expect(content!.length).toBeLessThanOrEqual(MAX_CONTENT);
    expect(content).toContain('« Microsoft vient de vendre 1 500 brevets au chinois Xiaomi. » [1]');
    expect(content).toContain(ELLIPSIS);
  });

  it('huge titles, outlets and links stay bounded; overlong or odd links are left out', () => {
    const citations = Array.from({ length: 12 }, (_, i) =>
      citation(i, 'Une phrase courte et vraie.', { title: 'T'.repeat(5000), source: 'S'.repeat(3000), url: i % 2 ? `https://e.org/${'x'.repeat(3000)}` : 'javascript:alert(1)' }),
    );
    const messages = renderAnswer(answerOf(citations), { showQuestion: true });
    for (const m of messages) expect(m.length).toBeLessThanOrEqual(MAX_CONTENT);
    expect(messages.join('')).not.toContain('javascript:');
    expect(messages.join('')).not.toContain('https://e.org/');
  });

  it('a question with @everyone, user and role mentions is quoted back harmlessly', () => {
    const question = '@everyone @here <@123456789012345678> <@!123456789012345678> <@&456789012345678901> qui a gagné ?';
    const [content] = renderAnswer(notFound(question), { showQuestion: true });
    expect(content).not.toMatch(/@everyone|@here|<@!?\d|<@&\d/);
    expect(content).toContain('everyone');
    expect(content).toContain('456789012345678901');
  });

  it('Markdown in quotes is escaped, so the text displays as itself', () => {
    expect(escapeText('a *b* _c_ `d` ~~e~~ |f| \\g')).toBe('a \\*b\\* \\_c\\_ \\`d\\` \\~\\~e\\~\\~ \\|f\\| \\\\g');
  });

  it('renders /sources passages, one source per article', () => {
    const passages = [
      { articleId: 'a', title: 'A', source: null, url: null, published: null, text: 'Premier passage.', score: 1 },
      { articleId: 'b', title: 'B', source: '01net', url: null, published: null, text: 'Deuxième passage.', score: 0.9 },
      { articleId: 'a', title: 'A', source: null, url: null, published: null, text: 'Troisième passage.', score: 0.8 },
    ];
    const [content] = renderPassages('q', { found: true, message: null, passages }, { showQuestion: true });
    expect(content).toContain('« Premier passage. » [1]');
    expect(content).toContain('« Troisième passage. » [1]');
    expect(content).toContain('« Deuxième passage. » [2]');
    expect(content).toContain('[2] **B** — 01net');
    expect(renderPassages('q', { found: false, message: NOT_FOUND_ANSWER, passages: [] }, { showQuestion: false })).toEqual([NOT_FOUND_ANSWER]);
  });
});

describe('render: helpers', () => {
  it('shortenQuote never cuts a word', () => {
    expect(shortenQuote('un deux trois quatre', 100)).toBe('un deux trois quatre');
    expect(shortenQuote('un deux trois quatre', 14)).toBe('un deux […]');
    expect(shortenQuote('anticonstitutionnellement', 10)).toBe(ELLIPSIS);
    for (let max = 4; max < 40; max++) expect(shortenQuote('Le géant chinois, veut rattraper son retard', max).length).toBeLessThanOrEqual(max);
  });

  it('allocate gives short texts what they need and splits the rest', () => {
    expect(allocate([10, 1000, 1000], 1010)).toEqual([10, 500, 500]);
    expect(allocate([10, 20], 1000)).toEqual([10, 20]);
    expect(allocate([100], -5)).toEqual([0]);
  });

  it('pack and fitOne never exceed the limit', () => {
    const lines = Array.from({ length: 50 }, (_, i) => `${i} ${'x'.repeat(90)}`);
    for (const m of pack(lines, 500)) expect(m.length).toBeLessThanOrEqual(500);
    expect(pack(lines, 500).join('\n')).toBe(lines.join('\n'));
    const one = fitOne(lines, (n) => `… et ${n} autres`, 500);
    expect(one.length).toBeLessThanOrEqual(500);
    expect(one).toMatch(/… et \d+ autres$/);
    expect(fitOne(['a', 'b'], () => 'x', 500)).toBe('a\nb');
  });

  it('admin renderings fit one message whatever the corpus size', () => {
    const articles = Array.from({ length: 500 }, (_, i) => ({ id: `article-${i}`, path: `${i}.md`, title: `Titre ${'long '.repeat(40)}${i}`, source: 'Le Monde', published: '2016-01-01', url: null, addedAt: '2026-01-01T00:00:00Z', chars: 100, passages: 2 }));
    const list = renderArticleList(articles);
    expect(list.length).toBeLessThanOrEqual(MAX_CONTENT);
    expect(list).toMatch(/… et \d+ autres/);
    const report = { model: 'm', generation: 2, full: false, rebuiltIndex: false, articles: 3, added: 1, updated: 0, removed: 0, unchanged: 2, failed: Array.from({ length: 100 }, (_, i) => ({ file: `f${i}.md`, reason: { code: 'binary' as const } })), passages: 10, embedded: 3, reusedVectors: 7, durationMs: 1234, embedMs: 100, embedRate: 30, finishedAt: '2026-01-01T00:00:00Z', notes: [] };
    const rendered = renderReindexReport(report);
    expect(rendered.length).toBeLessThanOrEqual(MAX_CONTENT);
    expect(rendered).toContain('Refusé : `f0.md` : fichier binaire, ce n’est pas du texte');
    const status = renderStatus({ articles: 3, passages: 10, model: 'm', indexModel: 'm', generation: 2, builtAt: new Date(Date.now() - 3_600_000).toISOString(), indexBytes: 2048, databaseBytes: 4096, reindexing: false, lastReindex: report });
    expect(status).toContain('**Articles :** 3');
    expect(status).toMatch(/il y a 1 h/);
    expect(status).toContain('Dernière indexation');
  });
});

describe('configuration', () => {
  it('every Discord setting is documented in .env.example, whose values are valid defaults', () => {
    const source = readFileSync(new URL('../src/discord/config.ts', import.meta.url), 'utf8');
    const read = [...source.matchAll(/read\.\w+\('([A-Z_]+)'/g)].map((m) => m[1]!);
    expect(read).toEqual(expect.arrayContaining(['DISCORD_TOKEN', 'DISCORD_APPLICATION_ID', 'DISCORD_GUILD_ID', 'ADMIN_ROLE_IDS', 'DISCORD_REST_API', 'RATE_LIMIT_PER_MINUTE', 'MAX_ATTACHMENT_BYTES', 'FEED_NOTICE_CHANNEL_ID']));
    const example = dotenv.parse(readFileSync(new URL('../.env.example', import.meta.url)));
    for (const name of read) expect(Object.keys(example), name).toContain(name);
    const c = loadDiscordConfig({ ...example, DISCORD_TOKEN: TOKEN }, 'start');
    expect(c).toMatchObject({ applicationId: null, guildId: null, adminRoleIds: [], restApi: null, maxAttachmentBytes: 2 * 1024 * 1024, rateLimit: { perWindow: 6, windowMs: 60_000 } });
    expect(() => loadDiscordConfig(example, 'start')).toThrow(/DISCORD_TOKEN/);
  });

  it('reads the Discord settings with defaults', () => {
    const c = loadDiscordConfig({ DISCORD_TOKEN: TOKEN }, 'start');
    expect(c).toMatchObject({ applicationId: null, guildId: null, adminRoleIds: [], restApi: null, maxAttachmentBytes: 2 * 1024 * 1024 });
    expect(c.rateLimit).toEqual({ perWindow: 6, windowMs: 60_000 });
    const full = loadDiscordConfig(
      {
        DISCORD_TOKEN: TOKEN,
        DISCORD_APPLICATION_ID: '1100000000000000001',
        DISCORD_GUILD_ID: '1100000000000000003',
        ADMIN_ROLE_IDS: '1100000000000000008, 1100000000000000009',
        RATE_LIMIT_PER_MINUTE: '3',
        RATE_LIMIT_WINDOW_SECONDS: '30',
        DISCORD_REST_API: 'http://127.0.0.1:1234/api/',
        MAX_ATTACHMENT_BYTES: '1000',
      },
      'register',
    );
    expect(full).toMatchObject({ guildId: '1100000000000000003', adminRoleIds: ['1100000000000000008', '1100000000000000009'], restApi: 'http://127.0.0.1:1234/api', maxAttachmentBytes: 1000, rateLimit: { perWindow: 3, windowMs: 30_000 } });
  });

  it.each([
    [{}, 'start', 'DISCORD_TOKEN'],
    [{ DISCORD_TOKEN: 'not a token' }, 'start', 'DISCORD_TOKEN'],
    [{ DISCORD_TOKEN: TOKEN }, 'register', 'DISCORD_APPLICATION_ID'],
    [{ DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: '12' }, 'start', 'DISCORD_APPLICATION_ID'],
    [{ DISCORD_TOKEN: TOKEN, DISCORD_GUILD_ID: 'abc' }, 'start', 'DISCORD_GUILD_ID'],
    [{ DISCORD_TOKEN: TOKEN, ADMIN_ROLE_IDS: '1100000000000000008,admins' }, 'start', 'ADMIN_ROLE_IDS'],
    [{ DISCORD_TOKEN: TOKEN, RATE_LIMIT_PER_MINUTE: 'six' }, 'start', 'RATE_LIMIT_PER_MINUTE'],
    [{ DISCORD_TOKEN: TOKEN, RATE_LIMIT_WINDOW_SECONDS: '0' }, 'start', 'RATE_LIMIT_WINDOW_SECONDS'],
    [{ DISCORD_TOKEN: TOKEN, DISCORD_REST_API: 'ftp://x' }, 'start', 'DISCORD_REST_API'],
    [{ DISCORD_TOKEN: TOKEN, MAX_ATTACHMENT_BYTES: '-1' }, 'start', 'MAX_ATTACHMENT_BYTES'],
  ] as const)('%o (%s) -> one clear error naming %s, never the token', (env, purpose, variable) => {
    let error: unknown;
    try {
      loadDiscordConfig(env, purpose);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as Error).message.startsWith(`${variable}: `)).toBe(true);
    expect((error as Error).message).not.toContain('DoUbLe');
  });

  it('a malformed token is refused without echoing it', () => {
    const secret = 'secret value with spaces';
    expect(() => loadDiscordConfig({ DISCORD_TOKEN: secret }, 'start')).toThrow(/DISCORD_TOKEN/);
    try {
      loadDiscordConfig({ DISCORD_TOKEN: secret }, 'start');
    } catch (e) {
      expect(String(e)).not.toContain(secret);
    }
  });
});

describe('commands', () => {
  it('/admin requires Manage Server by default and is guild-only; questions are bounded', () => {
    const payloads = commandPayloads();
    expect(payloads.map((p) => p.name)).toEqual(['ask', 'sources', 'timeline', 'admin']);
    const adminCmd = payloads.find((p) => p.name === 'admin')!;
    expect(adminCmd.default_member_permissions).toBe(PermissionFlagsBits.ManageGuild.toString());
    expect(adminCmd.contexts).toEqual([0]);
    expect(adminCmd.options!.map((o) => o.name)).toEqual(['add', 'remove', 'list', 'reindex', 'status', 'feed', 'shared', 'purge', 'feedback', 'gaps']);
    const addCmd = adminCmd.options!.find((o) => o.name === 'add') as any;
    // Two sources (an attached file or a link): each optional, exactly one checked at run time.
    // `library` (this server's, or the operator's shared one) closes every subcommand's options.
    expect(addCmd.options.map((o: any) => [o.name, o.required ?? false])).toEqual([['file', false], ['url', false], ['title', false], ['outlet', false], ['date', false], ['link', false], ['library', false]]);
    const feedGroup = adminCmd.options!.find((o) => o.name === 'feed') as any;
    expect(feedGroup.options.map((o: any) => o.name)).toEqual(['add', 'remove', 'list']);
    const askCmd = payloads.find((p) => p.name === 'ask')!;
    expect(askCmd.options![0]).toMatchObject({ name: 'question', required: true, max_length: 1000 });
  });
});

describe('rate limit, in-flight requests', () => {
  it('allows N requests per window per user, then says when to come back', () => {
    let now = 0;
    const limiter = new RateLimiter(2, 60_000, () => now);
    expect(limiter.take('u').ok).toBe(true);
    now = 10_000;
    expect(limiter.take('u').ok).toBe(true);
    expect(limiter.take('v').ok).toBe(true);
    expect(limiter.take('u')).toEqual({ ok: false, retryAfterMs: 50_000 });
    now = 60_001;
    expect(limiter.take('u').ok).toBe(true);
    expect(new RateLimiter(0, 1000).take('u').ok).toBe(true);
  });

  it('drain stops new work and waits for running work, bounded', async () => {
    const inFlight = new InFlight();
    let finished = false;
    inFlight.run(() => new Promise((r) => setTimeout(() => r((finished = true)), 50)));
    inFlight.run(() => Promise.reject(new Error('handled elsewhere')));
    expect(await inFlight.drain(2000)).toBe(true);
    expect(finished).toBe(true);
    expect(inFlight.run(async () => undefined)).toBe(false);
    const slow = new InFlight();
    slow.run(() => new Promise((r) => setTimeout(r, 5000).unref()));
    expect(await slow.drain(20)).toBe(false);
  });
});

describe('admin permission, checked at run time', () => {
  const none = new PermissionsBitField(0n);
  const manage = new PermissionsBitField(PermissionFlagsBits.ManageGuild);
  it('Manage Server, or a configured role; never outside a server', () => {
    expect(isAdmin(true, manage, { roles: [] }, [])).toBe(true);
    expect(isAdmin(true, none, { roles: [] }, [])).toBe(false);
    expect(isAdmin(true, none, { roles: ['1100000000000000008'] }, ['1100000000000000008'])).toBe(true);
    expect(isAdmin(true, none, { roles: { cache: new Map([['1100000000000000008', {}]]) } }, ['1100000000000000008'])).toBe(true);
    expect(isAdmin(true, none, { roles: ['1100000000000000009'] }, ['1100000000000000008'])).toBe(false);
    expect(isAdmin(false, manage, null, [])).toBe(false);
    expect(isAdmin(true, null, null, ['1100000000000000008'])).toBe(false);
  });
});

describe('mentions', () => {
  const bot = '1100000000000000002';
  it('answers explicit mentions of the bot (user or managed role) only, never bots', () => {
    expect(mentionQuestion(`<@${bot}> Qui a gagné ?`, false, bot, null)).toBe('Qui a gagné ?');
    expect(mentionQuestion(`Dis-moi <@!${bot}>, qui a gagné ? <@${bot}>`, false, bot, null)).toBe('Dis-moi , qui a gagné ?');
    expect(mentionQuestion('<@&1100000000000000006> qui ?', false, bot, '1100000000000000006')).toBe('qui ?');
    expect(mentionQuestion('qui a gagné ?', false, bot, null)).toBeNull();
    expect(mentionQuestion(`<@${bot}> hello`, true, bot, null)).toBeNull();
    expect(mentionQuestion('<@1100000000000000099> qui ?', false, bot, null)).toBeNull();
    expect(mentionQuestion(`<@${bot}>`, false, bot, null)).toBe('');
  });

  it('mention syntax is not searched for', () => {
    expect(questionText('@everyone <@123456789012345678> <@&456789012345678901> Combien de brevets ? @here')).toBe('Combien de brevets ?');
  });
});

describe('attachments', () => {
  const ok = { name: 'article.md', url: 'http://x', size: 100, contentType: 'text/markdown; charset=utf-8' };
  it('accepts .md and .txt with a text content type, refuses the rest with a reason', () => {
    expect(() => checkAttachment(ok, 1000)).not.toThrow();
    expect(() => checkAttachment({ ...ok, name: 'a.txt', contentType: null }, 1000)).not.toThrow();
    const reason = (a: typeof ok) => {
      try {
        checkAttachment(a, 1000);
        return null;
      } catch (e) {
        return (e as AttachmentError).reason;
      }
    };
    expect(reason({ ...ok, name: 'page.html', contentType: 'text/html; charset=utf-8' })).toBeNull();
    expect(reason({ ...ok, name: 'page.html', contentType: 'application/pdf' })).toMatch(/ne correspond pas/);
    expect(reason({ ...ok, name: 'image.png', contentType: 'image/png' })).toMatch(/non accepté/);
    expect(reason({ ...ok, contentType: 'image/png' })).toMatch(/ne correspond pas/);
    expect(reason({ ...ok, size: 1001 })).toMatch(/trop gros/);
    expect(reason({ ...ok, size: 0 })).toMatch(/vide/);
  });

  it('downloads only from the attachment URL (allowed origin, no redirect), with a size cap and one timeout for the whole download', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2000);
      if (req.url === '/drip') {
        // Headers at once, then a byte every 50 ms: only a timeout on the whole download stops it.
        res.writeHead(200, { 'content-type': 'text/plain' });
        const timer = setInterval(() => res.write('x'), 50);
        res.on('close', () => clearInterval(timer));
        return;
      }
      if (req.url === '/missing') return void res.writeHead(404).end();
      if (req.url === '/redirect') return void res.writeHead(302, { location: '/small' }).end();
      res.end('x'.repeat(req.url === '/big' ? 5000 : 10));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const hits: string[] = [];
    server.on('request', (req) => hits.push(req.url!));
    try {
      const get = (url: string, timeoutMs = 1000) =>
        downloadAttachment({ ...ok, url: url.startsWith('/') ? `${base}${url}` : url }, { maxBytes: 1000, timeoutMs, allowedOrigins: [base] }).catch((e: AttachmentError) => e);
      expect(Buffer.from((await get('/small')) as Uint8Array).toString()).toBe('x'.repeat(10));
      expect(((await get('/big')) as AttachmentError).reason).toMatch(/trop gros/);
      expect(((await get('/missing')) as AttachmentError).reason).toMatch(/404/);
      expect(((await get('/slow', 100)) as AttachmentError).reason).toMatch(/trop de temps/);
      const started = Date.now();
      expect(((await get('/drip', 300)) as AttachmentError).reason).toMatch(/trop de temps/);
      expect(Date.now() - started).toBeLessThan(1500);
      hits.length = 0;
      expect(((await get('/redirect')) as AttachmentError).reason).toMatch(/redirige/);
      expect(hits).toEqual(['/redirect']); // the redirect was not followed
      // Another origin (another port on the same machine, or any other host) is never contacted.
      const other = `http://127.0.0.1:${(server.address() as AddressInfo).port + 1}/small`;
      expect(((await get(other)) as AttachmentError).reason).toMatch(/pas hébergé par Discord/);
      expect(((await get('file:///etc/passwd')) as AttachmentError).reason).toMatch(/pas hébergé par Discord/);
      expect(hits).toEqual(['/redirect']);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('attachments may come from Discord\'s CDN, or from the REST API\'s origin when DISCORD_REST_API is set', () => {
    expect(allowedAttachmentOrigins({ restApi: null })).toEqual(['https://cdn.discordapp.com', 'https://media.discordapp.net']);
    expect(allowedAttachmentOrigins({ restApi: 'http://127.0.0.1:1234/api' })).toContain('http://127.0.0.1:1234');
  });
});
