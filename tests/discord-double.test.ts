/**
 * Proves that tests/support/discord-double.ts is good enough for the REAL discord.js v14 Client:
 * login over the gateway, message + mention delivery, replies, slash commands (defer/edit,
 * attachments, autocomplete), rate limits, 5xx retries, resume, heartbeats and clean shutdown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import {
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  HTTPError,
  PermissionFlagsBits,
  ApplicationCommandOptionType,
  type ApplicationCommandData,
  type ChatInputCommandInteraction,
  type AutocompleteInteraction,
  type Interaction,
  type Message,
  type TextChannel,
} from 'discord.js';
import { DiscordDouble, type RecordedRequest } from './support/discord-double.ts';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Resolve with the next `event` emission whose args satisfy `filter`. */
function nextEvent<T>(client: Client, event: string, filter: (arg: T) => boolean = () => true, timeoutMs = 5000): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      client.off(event, listener);
      reject(new Error(`timed out waiting for ${event}`));
    }, timeoutMs);
    const listener = (arg: T): void => {
      if (!filter(arg)) return;
      clearTimeout(timer);
      client.off(event, listener);
      resolvePromise(arg);
    };
    client.on(event, listener);
  });
}

function makeClient(double: DiscordDouble, rest: { timeout?: number; retries?: number } = {}): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages],
    rest: { api: double.restUrl, timeout: rest.timeout ?? 3000, retries: rest.retries ?? 1 },
    allowedMentions: { parse: [] },
  });
}

const isPost = (path: string) => (r: RecordedRequest) => r.method === 'POST' && r.path === path;

describe('DiscordDouble with the real discord.js Client', () => {
  let double: DiscordDouble;
  let client: Client;
  let channel: TextChannel;

  beforeAll(async () => {
    double = await DiscordDouble.start({ heartbeatIntervalMs: 200 });
    client = makeClient(double);
    const ready = nextEvent(client, Events.ClientReady);
    await client.login(double.token);
    await ready;
    await double.identified();
    channel = client.channels.cache.get(double.channelId) as TextChannel;
  });

  afterAll(async () => {
    await client?.destroy();
    await double?.stop();
  });

  it('logs in over the gateway and emits ClientReady with the guild and channel cached', async () => {
    expect(client.isReady()).toBe(true);
    expect(client.user?.id).toBe(double.botUserId);
    expect(client.user?.bot).toBe(true);
    expect(client.application?.id).toBe(double.applicationId);
    expect(client.guilds.cache.get(double.guildId)?.name).toBe('Depeche Test Guild');
    expect(channel?.isTextBased()).toBe(true);

    const gw = await double.waitForRequest((r) => r.path === '/gateway/bot');
    expect(gw.headers['authorization']).toBe(`Bot ${double.token}`);
    expect(double.gatewayConnections[0]?.query.get('v')).toBe('10');
    expect(double.gatewayConnections[0]?.query.get('encoding')).toBe('json');
    expect(double.gatewayConnections[0]?.query.has('compress')).toBe(false);
    expect(double.identifies[0].intents).toBe(GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages);
  });

  it('answers heartbeats so discord.js measures a ping', async () => {
    const deadline = Date.now() + 3000;
    while (client.ws.ping < 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(double.heartbeatCount).toBeGreaterThan(0);
    expect(client.ws.ping).toBeGreaterThanOrEqual(0);
  });

  it('delivers a message mentioning the bot, with content, without the MessageContent intent', async () => {
    const received = nextEvent<Message>(client, Events.MessageCreate, (m) => !m.author.bot);
    const { id } = await double.sendMessage({ content: 'what did the minister say?', mentionBot: true, authorName: 'alice' });
    const message = await received;
    expect(message.id).toBe(id);
    expect(message.mentions.has(client.user!)).toBe(true);
    expect(message.content).toBe(`<@${double.botUserId}> what did the minister say?`);
    expect(message.author.username).toBe('alice');
    expect(message.channelId).toBe(double.channelId);
    expect(message.guildId).toBe(double.guildId);
  });

  it('blanks the content of messages that do not mention the bot (no MessageContent intent, like Discord)', async () => {
    const received = nextEvent<Message>(client, Events.MessageCreate, (m) => !m.author.bot);
    await double.sendMessage({ content: 'chatter between humans' });
    const message = await received;
    expect(message.mentions.has(client.user!)).toBe(false);
    expect(message.content).toBe('');
  });

  it('message.reply() is a POST /channels/:id/messages with message_reference and the client allowed_mentions', async () => {
    const received = nextEvent<Message>(client, Events.MessageCreate, (m) => !m.author.bot);
    const { id } = await double.sendMessage({ content: 'question?', mentionBot: true });
    const message = await received;

    const ownEcho = nextEvent<Message>(client, Events.MessageCreate, (m) => m.author.id === double.botUserId);
    const sent = await message.reply('the answer');
    const req = await double.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${double.channelId}/messages` && r.body?.content === 'the answer');
    expect(req.headers['authorization']).toBe(`Bot ${double.token}`);
    expect(req.body.message_reference).toMatchObject({ message_id: id });
    expect(req.body.allowed_mentions).toEqual({ parse: [] });

    expect(sent.id).toMatch(/^\d{17,20}$/);
    expect(sent.content).toBe('the answer');
    expect(sent.author.id).toBe(double.botUserId);
    expect(sent.reference?.messageId).toBe(id);
    // Discord (and the double) also dispatch MESSAGE_CREATE for the bot's own message.
    expect((await ownEcho).id).toBe(sent.id);
  });

  it('a user replying to a bot message counts as a mention (content visible), like Discord', async () => {
    const botMsg = await channel.send('I am the bot');
    const received = nextEvent<Message>(client, Events.MessageCreate, (m) => !m.author.bot);
    await double.sendMessage({ content: 'and then?', replyToMessageId: botMsg.id });
    const message = await received;
    expect(message.reference?.messageId).toBe(botMsg.id);
    expect(message.mentions.repliedUser?.id).toBe(double.botUserId);
    expect(message.mentions.has(client.user!)).toBe(true);
    expect(message.content).toBe('and then?');
  });

  it('typing indicator and Discord-style validation errors (content > 2000 chars)', async () => {
    await channel.sendTyping();
    await double.waitForRequest(isPost(`/channels/${double.channelId}/typing`));
    const err = await channel.send('x'.repeat(2001)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiscordAPIError);
    expect((err as DiscordAPIError).code).toBe(50035);
    expect((err as DiscordAPIError).status).toBe(400);
  });

  it('registers slash commands (PUT global and guild)', async () => {
    const commands: ApplicationCommandData[] = [
      {
        name: 'ask',
        description: 'Ask about the news',
        options: [{ type: ApplicationCommandOptionType.String, name: 'question', description: 'Your question', required: true, autocomplete: true }],
      },
      {
        name: 'admin',
        description: 'Admin tools',
        defaultMemberPermissions: PermissionFlagsBits.Administrator,
        options: [
          {
            type: ApplicationCommandOptionType.Subcommand,
            name: 'add',
            description: 'Add a document',
            options: [{ type: ApplicationCommandOptionType.Attachment, name: 'file', description: 'The file', required: true }],
          },
        ],
      },
    ];
    const global = await client.application!.commands.set(commands);
    expect(global.map((c) => c.name).sort()).toEqual(['admin', 'ask']);
    const put = await double.waitForRequest((r) => r.method === 'PUT' && r.path === `/applications/${double.applicationId}/commands`);
    expect(put.body).toHaveLength(2);
    expect(put.body[1]).toMatchObject({ name: 'admin', default_member_permissions: '8', options: [{ type: 1, name: 'add' }] });
    const guildSet = await client.application!.commands.set(commands, double.guildId);
    expect(guildSet.size).toBe(2);
    await double.waitForRequest((r) => r.method === 'PUT' && r.path === `/applications/${double.applicationId}/guilds/${double.guildId}/commands`);
    expect(double.guildCommands.get(double.guildId)).toHaveLength(2);

    const bad = await client.application!.commands.set([{ name: 'Bad Name', description: 'x' }]).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(DiscordAPIError);
  });

  it('slash command: options and member permissions, deferReply() -> callback type 5, editReply() -> PATCH @original', async () => {
    const got = nextEvent<Interaction>(client, Events.InteractionCreate);
    const sent = await double.sendSlashCommand({
      name: 'ask',
      options: [{ name: 'question', type: 3, value: 'who won?' }],
      memberPermissions: PermissionFlagsBits.Administrator.toString(),
      userName: 'bob',
    });
    const interaction = (await got) as ChatInputCommandInteraction;
    expect(interaction.isChatInputCommand()).toBe(true);
    expect(interaction.id).toBe(sent.id);
    expect(interaction.commandName).toBe('ask');
    expect(interaction.options.getString('question', true)).toBe('who won?');
    expect(interaction.memberPermissions?.has(PermissionFlagsBits.Administrator)).toBe(true);
    expect(interaction.user.username).toBe('bob');
    expect(interaction.guildId).toBe(double.guildId);
    expect(interaction.channelId).toBe(double.channelId);
    expect(interaction.inGuild()).toBe(true);

    await interaction.deferReply();
    const cb = await double.waitForRequest(isPost(`/interactions/${sent.id}/${sent.token}/callback`));
    expect(cb.body.type).toBe(5);
    expect(cb.headers['authorization']).toBeUndefined();

    const edited = await interaction.editReply('Here is the answer');
    const patch = await double.waitForRequest((r) => r.method === 'PATCH' && r.path === `/webhooks/${double.applicationId}/${sent.token}/messages/@original`);
    expect(patch.rawPath).toContain('%40original');
    expect(patch.body.content).toBe('Here is the answer');
    expect(edited.content).toBe('Here is the answer');

    const follow = await interaction.followUp('more');
    expect(follow.content).toBe('more');
    await double.waitForRequest(isPost(`/webhooks/${double.applicationId}/${sent.token}`));

    // A second acknowledgement is rejected like Discord does (40060).
    const again = await client.rest
      .post(`/interactions/${sent.id}/${sent.token}/callback`, { body: { type: 4, data: { content: 'x' } }, auth: false })
      .catch((e: unknown) => e);
    expect((again as DiscordAPIError).code).toBe(40060);
  });

  it('slash command: a subcommand with an attachment that the bot can download; a file reply is multipart', async () => {
    const got = nextEvent<Interaction>(client, Events.InteractionCreate);
    const sent = await double.sendSlashCommand({
      name: 'admin',
      options: [{ name: 'add', type: 1, options: [] }],
      memberPermissions: PermissionFlagsBits.Administrator.toString(),
      attachments: [{ filename: 'article.txt', data: 'Full text of the article.', optionName: 'file' }],
    });
    const interaction = (await got) as ChatInputCommandInteraction;
    expect(interaction.options.getSubcommand()).toBe('add');
    const attachment = interaction.options.getAttachment('file', true);
    expect(attachment.id).toBe(sent.attachments[0]!.id);
    expect(attachment.name).toBe('article.txt');
    expect(attachment.url.startsWith(double.baseUrl)).toBe(true);
    const res = await fetch(attachment.url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('Full text of the article.');

    await interaction.reply({ content: 'added', files: [{ attachment: Buffer.from('report body'), name: 'report.txt' }] });
    const cb = await double.waitForRequest(isPost(`/interactions/${sent.id}/${sent.token}/callback`));
    expect(cb.body.payload_json.type).toBe(4);
    expect(cb.body.payload_json.data.content).toBe('added');
    expect(cb.body.files).toHaveLength(1);
    expect(cb.body.files[0].filename).toBe('report.txt');
    expect(cb.body.files[0].data.toString()).toBe('report body');
  });

  it('autocomplete: respond() -> callback type 8 with choices', async () => {
    const got = nextEvent<Interaction>(client, Events.InteractionCreate);
    const sent = await double.sendAutocomplete({ name: 'ask', options: [{ name: 'question', type: 3, value: 'ele', focused: true }] });
    const interaction = (await got) as AutocompleteInteraction;
    expect(interaction.isAutocomplete()).toBe(true);
    expect(interaction.options.getFocused()).toBe('ele');
    await interaction.respond([{ name: 'elections', value: 'elections' }]);
    const cb = await double.waitForRequest(isPost(`/interactions/${sent.id}/${sent.token}/callback`));
    expect(cb.body).toEqual({ type: 8, data: { choices: [{ name: 'elections', value: 'elections' }] } });
  });

  it('a 429 injected with failNext is waited out and retried by discord.js', async () => {
    const path = `/channels/${double.channelId}/messages`;
    double.failNext((m, p) => m === 'POST' && p === path, {
      status: 429,
      body: { message: 'You are being rate limited.', retry_after: 0.3, global: false },
    });
    const before = double.requests.length;
    const started = Date.now();
    const sent = await channel.send('after rate limit');
    const elapsed = Date.now() - started;
    expect(sent.content).toBe('after rate limit');
    const attempts = double.requests.slice(before).filter((r) => r.method === 'POST' && r.path === path);
    expect(attempts.map((r) => r.status)).toEqual([429, 200]);
    expect(elapsed).toBeGreaterThanOrEqual(280);
  });

  it('a 500 is retried (rest.retries = 1 here) and surfaces as HTTPError once retries are exhausted', async () => {
    const path = `/channels/${double.channelId}/messages`;
    double.failNext((m, p) => m === 'POST' && p === path, { status: 500 });
    let before = double.requests.length;
    const ok = await channel.send('after one 500');
    expect(ok.content).toBe('after one 500');
    expect(double.requests.slice(before).filter((r) => r.path === path).map((r) => r.status)).toEqual([500, 200]);

    double.failNext((m, p) => m === 'POST' && p === path, { status: 500, times: 2 });
    before = double.requests.length;
    const err = await channel.send('never delivered').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HTTPError);
    expect((err as HTTPError).status).toBe(500);
    expect(double.requests.slice(before).filter((r) => r.path === path).map((r) => r.status)).toEqual([500, 500]);
  });

  it('unknown routes are answered with 404 and recorded', async () => {
    const err = await client.rest.get('/this/does/not/exist').catch((e: unknown) => e);
    expect((err as DiscordAPIError).status).toBe(404);
    expect(double.requests.some((r) => r.path === '/this/does/not/exist' && r.status === 404)).toBe(true);
  });

  it('resumes after the gateway closes with a resumable code and keeps receiving events', async () => {
    const identifies = double.identifyCount;
    const resumed = nextEvent(client, Events.ShardResume, () => true, 5000);
    double.closeGateway(4000);
    await resumed;
    expect(double.identifyCount).toBe(identifies);
    expect(double.gatewayFrames.some((f) => f.direction === 'in' && f.op === 6)).toBe(true);

    const received = nextEvent<Message>(client, Events.MessageCreate, (m) => !m.author.bot);
    const { id } = await double.sendMessage({ content: 'still there?', mentionBot: true });
    expect((await received).id).toBe(id);
  });

  it('waitForRequest rejects with a helpful list of the requests seen', async () => {
    const err = await double.waitForRequest((r) => r.path === '/nope', 50).catch((e: Error) => e);
    expect(String(err)).toMatch(/no matching request within 50ms/);
    expect(String(err)).toContain('GET /gateway/bot -> 200');
  });
});

describe('DiscordDouble edge cases', () => {
  it('rejects login with a wrong token (401 on GET /gateway/bot -> TokenInvalid)', async () => {
    const double = await DiscordDouble.start();
    const client = makeClient(double);
    try {
      const err = await client.login('not-the-token').catch((e: unknown) => e);
      expect((err as { code?: string }).code).toBe('TokenInvalid');
      expect(double.requests[0]?.status).toBe(401);
    } finally {
      await client.destroy();
      await double.stop();
      await double.stop(); // idempotent
    }
  });

  it('client.destroy() + double.stop() leave nothing open: a child process doing a full round trip exits on its own', async () => {
    const script = `
      import { Client, Events, GatewayIntentBits } from 'discord.js';
      import { DiscordDouble } from ${JSON.stringify(resolve(projectRoot, 'tests/support/discord-double.ts'))};
      const double = await DiscordDouble.start({ heartbeatIntervalMs: 100 });
      const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages], rest: { api: double.restUrl } });
      const ready = new Promise((r) => client.once(Events.ClientReady, r));
      client.on(Events.MessageCreate, (m) => { if (!m.author.bot) void m.reply('pong'); });
      await client.login(double.token);
      await ready;
      await double.sendMessage({ content: 'ping', mentionBot: true });
      await double.waitForRequest((r) => r.method === 'POST' && r.body?.content === 'pong');
      const s = await double.sendSlashCommand({ name: 'x', attachments: [{ filename: 'a.txt', data: 'A', optionName: 'f' }] });
      await (await fetch(s.attachments[0].url)).text();
      while (double.heartbeatCount < 2) await new Promise((r) => setTimeout(r, 10)); // a few heartbeats, ACKed
      await client.destroy();
      await double.stop();
      process.on('exit', () => console.log('EXITED-CLEANLY'));
      setTimeout(() => console.log('still alive after 1s:', JSON.stringify(process.getActiveResourcesInfo())), 1000).unref();
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | string>((resolvePromise) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolvePromise('timeout');
      }, 20_000);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolvePromise(c ?? -1);
      });
    });
    expect({ code, out }).toMatchObject({ code: 0 });
    expect(out).toContain('EXITED-CLEANLY');
  });
});
