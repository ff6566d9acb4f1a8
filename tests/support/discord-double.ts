/**
 * A local, offline test double of Discord's gateway (WebSocket, JSON encoding, no
 * compression) and REST API (v10), good enough for the unmodified discord.js v14 Client.
 *
 * One HTTP server on 127.0.0.1 (ephemeral port) serves:
 *   - REST:        http://127.0.0.1:PORT/api/v10/...    (give discord.js `rest: { api: double.restUrl }`)
 *   - the gateway: ws://127.0.0.1:PORT                   (advertised by GET /gateway/bot)
 *   - files:       http://127.0.0.1:PORT/attachments/<id>/<filename>  (attachment URLs, no auth)
 *
 * Nothing here ever touches the network beyond 127.0.0.1.
 *
 * Usage:
 *   const double = await DiscordDouble.start();
 *   const client = new Client({ intents: [...], rest: { api: double.restUrl, timeout: 3000, retries: 1 } });
 *   await client.login(double.token);
 *   await double.identified();
 *   await double.sendMessage({ content: 'hello', mentionBot: true });
 *   const reply = await double.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${double.channelId}/messages`);
 *   ...
 *   await client.destroy();   // first: otherwise discord.js keeps trying to reconnect
 *   await double.stop();
 *
 * Behaviour worth knowing (it mirrors Discord, on purpose):
 *   - Every HTTP request is recorded in `requests`, including GET /gateway/bot and attachment
 *     downloads. `path` is the decoded route without the `/api/vN` prefix, e.g.
 *     `/webhooks/<app>/<token>/messages/@original` (discord.js sends `%40original`).
 *   - Bot routes need `Authorization: Bot <token>`; interaction callbacks and
 *     `/webhooks/<app>/<token>` routes need no auth (discord.js sends none) but the token must
 *     belong to an interaction that was dispatched, otherwise 404 Unknown Webhook / interaction.
 *   - Unknown routes answer 404 `{ message: 'Unknown route', code: 0 }` (and are recorded).
 *   - Message payloads are validated like Discord does for the common cases: content over 2000
 *     characters, empty messages, embed limits, replies to unknown messages -> 400 with Discord's
 *     error shape. Command registration validates names/descriptions/option order.
 *   - Gateway intents are honoured: GUILD_CREATE only with GUILDS, MESSAGE_CREATE only with
 *     GUILD_MESSAGES, and without MESSAGE_CONTENT the content/embeds/attachments/components of a
 *     message are blanked unless the message mentions the bot (exactly Discord's rule).
 *   - Sessions can be resumed (RESUME replays missed dispatches then sends RESUMED); an unknown
 *     session gets INVALID_SESSION (d: false) and the client re-identifies. A client closing with
 *     1000/1001 invalidates its session, like Discord.
 *   - Several servers and shards: `guilds` adds servers (one text channel each) beside the default
 *     one; `shards` is the count GET /gateway/bot recommends. A connection that IDENTIFYs with
 *     `shard: [i, n]` gets, like Discord, only the servers with (BigInt(guildId) >> 22n) % n === i in
 *     READY and GUILD_CREATE, and only their messages and interactions. The server of an event is
 *     the one its channel belongs to (pass `channelId`).
 *   - Interactions: one acknowledgement per interaction (a second one -> 400 code 40060);
 *     PATCH @original before any acknowledgement -> 404 Unknown Message. Interactions never expire.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { WebSocket, WebSocketServer } from 'ws';

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

export interface RecordedFile {
  /** multipart field name, e.g. `files[0]` */
  name: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface MultipartBody {
  /** parsed `payload_json` field (undefined if absent) */
  payload_json: any;
  files: RecordedFile[];
  /** any other non-file fields, as strings */
  fields: Record<string, string>;
}

export interface RecordedRequest {
  method: string;
  /** Decoded path without `/api/vN` prefix (e.g. `/channels/1/messages`); non-API paths (attachments) as-is. */
  path: string;
  /** Path exactly as received, without query string. */
  rawPath: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, a MultipartBody for multipart/form-data, raw text otherwise, undefined when empty. */
  body: any;
  /** Date.now() when the request arrived. */
  at: number;
  /** HTTP status the double answered with (set once answered). */
  status?: number;
}

export interface DiscordDoubleOptions {
  botUserId?: string;
  botUsername?: string;
  applicationId?: string;
  guildId?: string;
  channelId?: string;
  /** A second text channel in the same guild (useful for "ignores other channels" tests). */
  otherChannelId?: string;
  /** Expected bot token (without the `Bot ` prefix). REST/IDENTIFY with another token -> 401 / close 4004. */
  token?: string;
  /** heartbeat_interval sent in HELLO. Default 41250 (Discord's). */
  heartbeatIntervalMs?: number;
  /** app_permissions sent with interactions (bitfield string). */
  appPermissions?: string;
  /** Log gateway/REST traffic: true -> console.error, or a function. */
  log?: boolean | ((line: string) => void);
  /** More guild roles (no permissions), e.g. a role listed in the bot's ADMIN_ROLE_IDS. */
  extraRoles?: { id: string; name: string }[];
  /** More servers beside `guildId`, each with one text channel. */
  guilds?: ExtraGuild[];
  /** The shard count GET /gateway/bot recommends. Default 1. */
  shards?: number;
}

export interface ExtraGuild {
  guildId: string;
  channelId: string;
  name?: string;
}

/** The shard a server's events go through when there are `count` shards (Discord's formula). */
export function shardOf(guildId: string, count: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

/** An option inside INTERACTION_CREATE `data.options` (subcommands/groups nest via `options`). */
export interface ApplicationCommandOptionPayload {
  name: string;
  /** 1 SUB_COMMAND, 2 SUB_COMMAND_GROUP, 3 STRING, 4 INTEGER, 5 BOOLEAN, 6 USER, 7 CHANNEL, 8 ROLE, 9 MENTIONABLE, 10 NUMBER, 11 ATTACHMENT */
  type: number;
  value?: string | number | boolean;
  options?: ApplicationCommandOptionPayload[];
  focused?: boolean;
}

export interface SlashAttachmentInput {
  id?: string;
  filename: string;
  contentType?: string;
  data: Buffer | string;
  /** If set, an ATTACHMENT option (type 11) with this name is appended to the innermost subcommand. */
  optionName?: string;
}

export interface SendMessageOptions {
  content: string;
  authorId?: string;
  authorName?: string;
  /** Prefixes `<@botId> ` unless the content already mentions the bot, and lists the bot in `mentions`. */
  mentionBot?: boolean;
  channelId?: string;
  /** Make it a reply (type 19) to this message id (e.g. one of the bot's messages). */
  replyToMessageId?: string;
  roles?: string[];
}

export interface SendSlashCommandOptions {
  /** Another server than the double's own (several servers): the interaction carries this guild id and a channel of it. */
  guildId?: string;
  name: string;
  options?: ApplicationCommandOptionPayload[];
  userId?: string;
  userName?: string;
  /** member.permissions bitfield string. Default '0'. */
  memberPermissions?: string;
  roles?: string[];
  channelId?: string;
  locale?: string;
  attachments?: SlashAttachmentInput[];
}

export interface SendAutocompleteOptions {
  /** Another server than the double's own (several servers): the interaction carries this guild id and a channel of it. */
  guildId?: string;
  name: string;
  options: ApplicationCommandOptionPayload[];
  userId?: string;
  userName?: string;
  memberPermissions?: string;
  roles?: string[];
  channelId?: string;
}

export interface SentInteraction {
  id: string;
  token: string;
  /** Attachments put into `data.resolved.attachments` (with their served URLs). */
  attachments: { id: string; filename: string; url: string }[];
}

export interface FailResponse {
  status: number;
  body?: any;
  headers?: Record<string, string>;
  /** How many matching requests fail. Default 1. */
  times?: number;
}

export interface GatewayFrame {
  direction: 'in' | 'out';
  op: number;
  t?: string | null;
  s?: number | null;
  d: any;
  at: number;
}

export interface InteractionRecord {
  id: string;
  token: string;
  type: number;
  channelId: string;
  /** Callback types received, in order (5 = deferred, 4 = reply, 8 = autocomplete result, ...). */
  callbacks: { type: number; data: any; at: number }[];
  originalMessageId: string | null;
  followUpIds: string[];
  dispatchedAt: number;
}

// ---------------------------------------------------------------------------------------------
// Internals
// ---------------------------------------------------------------------------------------------

const DISCORD_EPOCH = 1420070400000n;
let snowflakeCounter = 0n;
/** A numeric snowflake string with the current timestamp. */
export function snowflake(at: number = Date.now()): string {
  snowflakeCounter = (snowflakeCounter + 1n) & 0xfffn;
  return (((BigInt(at) - DISCORD_EPOCH) << 22n) | (1n << 17n) | snowflakeCounter).toString();
}

const Intents = {
  Guilds: 1 << 0,
  GuildMessages: 1 << 9,
  MessageContent: 1 << 15,
} as const;

const P = (bit: number): bigint => 1n << BigInt(bit);
/** View, Send, Embed, Attach, ReadHistory, AddReactions, UseExternalEmojis, SendInThreads, UseAppCommands. */
const DEFAULT_APP_PERMISSIONS = (P(10) | P(11) | P(14) | P(15) | P(16) | P(6) | P(18) | P(38) | P(31)).toString();

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: any,
  ) {
    super(`${status} ${JSON.stringify(body)}`);
  }
}

const unknown = (what: string, code: number): HttpError => new HttpError(404, { message: `Unknown ${what}`, code });

function formError(errors: Record<string, unknown>): HttpError {
  return new HttpError(400, { message: 'Invalid Form Body', code: 50035, errors });
}

/** Build Discord's nested `errors` object from dotted paths. */
function nestErrors(list: { path: string; code: string; message: string }[]): Record<string, unknown> {
  const root: Record<string, any> = {};
  for (const e of list) {
    let node = root;
    for (const part of e.path.split('.')) node = node[part] ??= {};
    (node._errors ??= []).push({ code: e.code, message: e.message });
  }
  return root;
}

interface Session {
  id: string;
  seq: number;
  intents: number;
  ws: WebSocket | null;
  /** [shard id, shard count] from IDENTIFY ([0, 1] when the client did not shard). */
  shard: [number, number];
  /** dispatches sent (for RESUME replay) */
  buffer: { op: 0; t: string; s: number; d: any }[];
}

interface Conn {
  ws: WebSocket;
  session: Session | null;
}

interface StoredFile {
  data: Buffer;
  contentType: string;
}

type Handler = (req: RecordedRequest, params: string[]) => Promise<Reply> | Reply;
interface Reply {
  status: number;
  body?: any;
  headers?: Record<string, string>;
  raw?: Buffer;
}

const json = (body: any, status = 200): Reply => ({ status, body });
const noContent = (): Reply => ({ status: 204 });

// ---------------------------------------------------------------------------------------------
// The double
// ---------------------------------------------------------------------------------------------

export class DiscordDouble {
  readonly restUrl: string;
  readonly gatewayUrl: string;
  /** http://127.0.0.1:PORT (no /api) */
  readonly baseUrl: string;
  readonly applicationId: string;
  readonly botUserId: string;
  readonly guildId: string;
  readonly channelId: string;
  readonly otherChannelId: string;
  readonly token: string;

  /** Every HTTP request received, in the order they were answered (`status` is always set). */
  readonly requests: RecordedRequest[] = [];
  /** Every gateway payload sent/received, in order. */
  readonly gatewayFrames: GatewayFrame[] = [];
  /** Query strings of gateway connections (e.g. v=10&encoding=json). */
  readonly gatewayConnections: { query: URLSearchParams; at: number }[] = [];
  /** Gateway connections that closed (by the client or the double), with their close code. */
  readonly gatewayCloses: { code: number; at: number }[] = [];
  /** `d` of every IDENTIFY received. */
  readonly identifies: any[] = [];
  /** Every message known to the double (sent by "users" or created by the bot), by id. */
  readonly messages = new Map<string, any>();
  /** Interactions dispatched, by id. */
  readonly interactions = new Map<string, InteractionRecord>();
  /** Slash commands registered via PUT/POST, global and per guild. */
  readonly globalCommands: any[] = [];
  readonly guildCommands = new Map<string, any[]>();
  /** Diagnostics (dropped dispatches, rejected payloads...). */
  readonly notes: string[] = [];

  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private readonly opts: Required<Omit<DiscordDoubleOptions, 'log'>> & { log: DiscordDoubleOptions['log'] };
  private readonly conns = new Set<Conn>();
  private readonly sessions = new Map<string, Session>();
  private readonly users = new Map<string, any>();
  private readonly files = new Map<string, StoredFile>();
  private readonly commandIds = new Map<string, string>();
  private readonly botRoleId: string;
  private readonly ownerId: string;
  private readonly waiters = new Set<{ pred: (r: RecordedRequest) => boolean; resolve: (r: RecordedRequest) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private readonly failRules: { pred: (method: string, path: string, req: RecordedRequest) => boolean; response: FailResponse; remaining: number }[] = [];
  private readonly routes: { method: string; re: RegExp; handler: Handler; auth: 'bot' | 'none' }[] = [];
  private identifiedPromise: Promise<void>;
  private resolveIdentified!: () => void;
  private isIdentified = false;
  private heartbeats = 0;
  private stopped: Promise<void> | null = null;

  private constructor(server: Server, wss: WebSocketServer, port: number, opts: DiscordDoubleOptions) {
    this.server = server;
    this.wss = wss;
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.restUrl = `${this.baseUrl}/api`;
    this.gatewayUrl = `ws://127.0.0.1:${port}`;
    const applicationId = opts.applicationId ?? '1100000000000000001';
    const botUserId = opts.botUserId ?? '1100000000000000002';
    this.opts = {
      applicationId,
      botUserId,
      botUsername: opts.botUsername ?? 'depeche-test-bot',
      guildId: opts.guildId ?? '1100000000000000003',
      channelId: opts.channelId ?? '1100000000000000004',
      otherChannelId: opts.otherChannelId ?? '1100000000000000005',
      token: opts.token ?? `${Buffer.from(botUserId).toString('base64url')}.DoUbLe.${'x'.repeat(38)}`,
      heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 41250,
      appPermissions: opts.appPermissions ?? DEFAULT_APP_PERMISSIONS,
      log: opts.log,
      extraRoles: opts.extraRoles ?? [],
      guilds: opts.guilds ?? [],
      shards: opts.shards ?? 1,
    };
    this.applicationId = this.opts.applicationId;
    this.botUserId = this.opts.botUserId;
    this.guildId = this.opts.guildId;
    this.channelId = this.opts.channelId;
    this.otherChannelId = this.opts.otherChannelId;
    this.token = this.opts.token;
    this.botRoleId = '1100000000000000006';
    this.ownerId = '1100000000000000007';
    this.identifiedPromise = new Promise((r) => (this.resolveIdentified = r));
    this.users.set(this.botUserId, this.botUser());
    this.users.set(this.ownerId, this.makeUser(this.ownerId, 'guild-owner'));
    this.defineRoutes();
  }

  static async start(opts: DiscordDoubleOptions = {}): Promise<DiscordDouble> {
    const server = createServer();
    const wss = new WebSocketServer({ noServer: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const addr = server.address();
    if (!addr || typeof addr === 'string') throw new Error('DiscordDouble: could not get server port');
    const double = new DiscordDouble(server, wss, addr.port, opts);
    server.on('request', (req, res) => {
      double.onHttp(req, res).catch((e: unknown) => {
        double.note(`HTTP handling failed: ${(e as Error)?.stack ?? String(e)}`);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: '500: Internal Server Error', code: 0 }));
      });
    });
    server.on('upgrade', (req, socket, head) => double.onUpgrade(req, socket, head));
    wss.on('connection', (ws, req) => double.onGatewayConnection(ws, req));
    return double;
  }

  // -------------------------------------------------------------------------------------------
  // Public API: waiting & fault injection
  // -------------------------------------------------------------------------------------------

  /** Resolves with the first existing or future request matching `pred`. */
  waitForRequest(pred: (r: RecordedRequest) => boolean, timeoutMs = 5000): Promise<RecordedRequest> {
    const existing = this.requests.find(pred);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const waiter = {
        pred,
        resolve: (r: RecordedRequest) => {
          clearTimeout(waiter.timer);
          this.waiters.delete(waiter);
          resolve(r);
        },
        reject: (e: Error) => {
          clearTimeout(waiter.timer);
          this.waiters.delete(waiter);
          reject(e);
        },
        timer: setTimeout(() => {
          waiter.reject(new Error(`DiscordDouble.waitForRequest: no matching request within ${timeoutMs}ms.\n${this.describeRequests()}`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Resolves once a client has IDENTIFYed and was sent READY (+ GUILD_CREATE if it asked for GUILDS). */
  identified(timeoutMs = 10_000): Promise<void> {
    if (this.isIdentified) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `DiscordDouble.identified: no client identified within ${timeoutMs}ms.\n${this.describeRequests()}\n` +
                `gateway connections: ${this.gatewayConnections.length}, frames in: ${this.gatewayFrames
                  .filter((f) => f.direction === 'in')
                  .map((f) => f.op)
                  .join(',')}`,
            ),
          ),
        timeoutMs,
      );
      void this.identifiedPromise.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Number of IDENTIFYs received so far. */
  /** Gateway connections open right now. */
  get openGatewayConnections(): number {
    return this.conns.size;
  }

  get identifyCount(): number {
    return this.identifies.length;
  }

  /** Number of heartbeats (op 1) received and ACKed. */
  get heartbeatCount(): number {
    return this.heartbeats;
  }

  /**
   * The next `times` (default 1) REST requests for which `pred` is true get `response` instead of
   * the normal answer. A 429 gets Discord-like defaults: body `{ message, retry_after: 0.3, global }`
   * and headers retry-after / x-ratelimit-* derived from `retry_after` (override via `headers`).
   */
  failNext(pred: (method: string, path: string, req: RecordedRequest) => boolean, response: FailResponse): void {
    this.failRules.push({ pred, response, remaining: response.times ?? 1 });
  }

  /**
   * Close every gateway connection. Default 4000 (resumable: discord.js reconnects ~0.5 s later and
   * RESUMEs). With `invalidateSession`, the sessions are forgotten first, so the RESUME gets
   * INVALID_SESSION and discord.js re-IDENTIFYs; note that @discordjs/ws throttles identifies to one
   * per 5 s per client, so a re-identify soon after login takes up to ~6.5 s. Code 1000 also makes
   * discord.js re-identify (Discord invalidates the session on 1000/1001).
   */
  closeGateway(code = 4000, opts: { invalidateSession?: boolean } = {}): void {
    if (opts.invalidateSession) this.sessions.clear();
    for (const c of this.conns) {
      if (c.ws.readyState === WebSocket.OPEN) c.ws.close(code, 'closed by DiscordDouble');
    }
  }

  /** Send a raw gateway payload to every open connection (escape hatch, e.g. `{ op: 7, d: null }`). */
  gatewaySend(payload: { op: number; d: any; t?: string | null; s?: number | null }): void {
    for (const c of this.conns) this.sendFrame(c.ws, payload);
  }

  /** The bytes of a file served under /attachments (bot uploads or slash-command attachments). */
  file(url: string): StoredFile | undefined {
    return this.files.get(new URL(url, this.baseUrl).pathname);
  }

  // -------------------------------------------------------------------------------------------
  // Public API: driving the bot like Discord would
  // -------------------------------------------------------------------------------------------

  /** Dispatch MESSAGE_CREATE from a user in the guild. */
  async sendMessage(opts: SendMessageOptions): Promise<{ id: string }> {
    await this.identified();
    const channelId = this.knownChannel(opts.channelId ?? this.channelId);
    const author = this.ensureUser(opts.authorId ?? '1100000000000000010', opts.authorName);
    const mentionTag = `<@${this.botUserId}>`;
    let content = opts.content;
    const mentions: any[] = [];
    if (opts.mentionBot) {
      if (!content.includes(mentionTag) && !content.includes(`<@!${this.botUserId}>`)) content = `${mentionTag} ${content}`;
    }
    for (const m of content.matchAll(/<@!?(\d{17,20})>/g)) {
      const u = this.users.get(m[1]!);
      if (u && !mentions.some((x) => x.id === u.id)) mentions.push({ ...u, member: this.partialMember(u.id) });
    }
    const id = snowflake();
    const msg: any = this.baseMessage({ id, channelId, author, content });
    msg.member = this.partialMember(author.id, opts.roles);
    msg.mentions = mentions;
    if (opts.replyToMessageId) {
      const ref = this.messages.get(opts.replyToMessageId);
      msg.type = 19;
      msg.message_reference = { type: 0, message_id: opts.replyToMessageId, channel_id: channelId, guild_id: this.guildOfChannel(channelId) };
      msg.referenced_message = ref ?? null;
      if (ref && !mentions.some((x) => x.id === ref.author.id)) mentions.push({ ...ref.author, member: this.partialMember(ref.author.id) });
    }
    this.messages.set(id, msg);
    const delivered = this.dispatchMessageNow('MESSAGE_CREATE', msg);
    if (delivered === 0) this.note(`MESSAGE_CREATE ${id} reached no open gateway connection`);
    return { id };
  }

  /** Dispatch INTERACTION_CREATE type 2 (APPLICATION_COMMAND, CHAT_INPUT). */
  async sendSlashCommand(opts: SendSlashCommandOptions): Promise<SentInteraction> {
    await this.identified();
    const options = structuredClone(opts.options ?? []);
    const attachments: SentInteraction['attachments'] = [];
    const resolvedAttachments: Record<string, any> = {};
    for (const a of opts.attachments ?? []) {
      const id = a.id ?? snowflake();
      const data = typeof a.data === 'string' ? Buffer.from(a.data) : a.data;
      const contentType = a.contentType ?? guessContentType(a.filename);
      const url = this.storeFile(id, a.filename, data, contentType);
      resolvedAttachments[id] = {
        id,
        filename: a.filename,
        size: data.length,
        url,
        proxy_url: url,
        content_type: contentType,
        ephemeral: true,
      };
      attachments.push({ id, filename: a.filename, url });
      if (a.optionName) innermostOptions(options).push({ name: a.optionName, type: 11, value: id });
    }
    const data: any = { id: this.commandIdFor(opts.name), name: opts.name, type: 1, options };
    if (attachments.length) data.resolved = { attachments: resolvedAttachments };
    const sent = this.dispatchInteraction(2, data, opts);
    return { ...sent, attachments };
  }

  /**
   * Dispatch INTERACTION_CREATE type 2 for a MESSAGE context-menu command (data.type 3), as Discord
   * sends it: `target_id` and the target message in `resolved.messages` (content included: an
   * interaction always carries it, Message Content intent or not).
   */
  async sendMessageCommand(opts: { name: string; targetMessageId: string; userId?: string; userName?: string; memberPermissions?: string; channelId?: string }): Promise<SentInteraction> {
    await this.identified();
    const target = this.messages.get(opts.targetMessageId);
    if (!target) throw new Error(`sendMessageCommand: unknown message ${opts.targetMessageId}`);
    const data = { id: this.commandIdFor(opts.name), name: opts.name, type: 3, target_id: target.id, resolved: { messages: { [target.id]: structuredClone(target) } } };
    return { ...this.dispatchInteraction(2, data, { ...opts, channelId: opts.channelId ?? target.channel_id }), attachments: [] };
  }

  /**
   * Dispatch INTERACTION_CREATE type 3 (MESSAGE_COMPONENT) for a button click, as Discord sends it:
   * `data` { custom_id, component_type: 2 } and the message the button is on.
   */
  async sendButtonClick(opts: { messageId: string; customId: string; userId?: string; userName?: string; memberPermissions?: string }): Promise<SentInteraction> {
    await this.identified();
    const message = this.messages.get(opts.messageId);
    if (!message) throw new Error(`sendButtonClick: unknown message ${opts.messageId}`);
    const found = (message.components ?? []).some((row: any) => (row.components ?? []).some((c: any) => c.custom_id === opts.customId));
    if (!found) throw new Error(`sendButtonClick: message ${opts.messageId} has no component ${opts.customId}`);
    const data = { custom_id: opts.customId, component_type: 2 };
    return { ...this.dispatchInteraction(3, data, { ...opts, channelId: message.channel_id, message: structuredClone(message) }), attachments: [] };
  }

  /** Dispatch INTERACTION_CREATE type 4 (APPLICATION_COMMAND_AUTOCOMPLETE). Mark one option `focused: true`. */
  async sendAutocomplete(opts: SendAutocompleteOptions): Promise<SentInteraction> {
    await this.identified();
    const data = { id: this.commandIdFor(opts.name), name: opts.name, type: 1, options: structuredClone(opts.options) };
    return { ...this.dispatchInteraction(4, data, opts), attachments: [] };
  }

  /** Close sockets and servers. Destroy your discord.js Client first. Idempotent. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      for (const w of [...this.waiters]) w.reject(new Error('DiscordDouble stopped'));
      for (const c of this.conns) c.ws.terminate();
      this.conns.clear();
      await new Promise<void>((resolve) => this.wss.close(() => resolve()));
      this.server.closeAllConnections();
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
    })();
    return this.stopped;
  }

  // -------------------------------------------------------------------------------------------
  // Fixtures
  // -------------------------------------------------------------------------------------------

  private makeUser(id: string, username: string, bot = false): any {
    return {
      id,
      username,
      discriminator: '0',
      global_name: bot ? null : username,
      avatar: null,
      bot,
      system: false,
      public_flags: 0,
      flags: 0,
      banner: null,
      accent_color: null,
      avatar_decoration_data: null,
    };
  }

  private botUser(): any {
    return { ...this.makeUser(this.opts.botUserId, this.opts.botUsername, true), verified: true, mfa_enabled: false, email: null };
  }

  private ensureUser(id: string, username?: string): any {
    const existing = this.users.get(id);
    if (existing && (!username || existing.username === username)) return existing;
    const u = this.makeUser(id, username ?? existing?.username ?? `user${id.slice(-4)}`);
    this.users.set(id, u);
    return u;
  }

  private partialMember(userId: string, roles: string[] = []): any {
    return {
      roles: userId === this.botUserId ? [this.botRoleId] : roles,
      nick: null,
      avatar: null,
      banner: null,
      premium_since: null,
      joined_at: '2024-01-01T00:00:00.000000+00:00',
      pending: false,
      deaf: false,
      mute: false,
      flags: 0,
      communication_disabled_until: null,
    };
  }

  private fullMember(userId: string, roles?: string[]): any {
    return { ...this.partialMember(userId, roles), user: this.users.get(userId) ?? this.ensureUser(userId) };
  }

  private channelObject(id: string): any {
    return {
      id,
      type: 0,
      guild_id: this.guildOfChannel(id),
      name: id === this.otherChannelId ? 'random' : 'general',
      position: id === this.otherChannelId ? 1 : 0,
      permission_overwrites: [],
      parent_id: null,
      topic: null,
      nsfw: false,
      last_message_id: null,
      rate_limit_per_user: 0,
      flags: 0,
    };
  }

  private knownChannel(id: string): string {
    if (!this.channelIds.includes(id)) {
      throw new Error(`DiscordDouble: channel ${id} is in no server (use channelId, otherChannelId or a channel of \`guilds\`); discord.js would silently drop the event`);
    }
    return id;
  }

  private get channelIds(): string[] {
    return [this.channelId, this.otherChannelId, ...this.opts.guilds.map((g) => g.channelId)];
  }

  /** Every server the bot is in: the default one first. */
  get guildIds(): string[] {
    return [this.guildId, ...this.opts.guilds.map((g) => g.guildId)];
  }

  private guildOfChannel(channelId: string): string {
    return this.opts.guilds.find((g) => g.channelId === channelId)?.guildId ?? this.guildId;
  }

  private channelsOf(guildId: string): string[] {
    return this.channelIds.filter((c) => this.guildOfChannel(c) === guildId);
  }

  /** Whether a session's shard receives this server's events. */
  private owns(session: Session, guildId: string): boolean {
    return shardOf(guildId, session.shard[1]) === session.shard[0];
  }

  private roles(guildId: string = this.guildId): any[] {
    const role = (id: string, name: string, permissions: string, position: number, managed = false): any => ({
      id,
      name,
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position,
      permissions,
      managed,
      mentionable: false,
      flags: 0,
      ...(managed ? { tags: { bot_id: this.botUserId } } : {}),
    });
    return [
      role(guildId, '@everyone', '1071698660929', 0),
      role(this.botRoleId, this.opts.botUsername, this.opts.appPermissions, 1, true),
      ...this.opts.extraRoles.map((r, i) => role(r.id, r.name, '0', 2 + i)),
    ];
  }

  private guildObject(full: boolean, guildId: string = this.guildId): any {
    const base: any = {
      id: guildId,
      name: this.opts.guilds.find((g) => g.guildId === guildId)?.name ?? 'Depeche Test Guild',
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: this.ownerId,
      region: 'deprecated',
      afk_channel_id: null,
      afk_timeout: 300,
      widget_enabled: false,
      widget_channel_id: null,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      roles: this.roles(guildId),
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: 0,
      application_id: null,
      system_channel_id: this.channelsOf(guildId)[0] ?? null,
      system_channel_flags: 0,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      max_presences: null,
      max_members: 500000,
      vanity_url_code: null,
      premium_tier: 0,
      premium_subscription_count: 0,
      preferred_locale: 'en-US',
      max_video_channel_users: 25,
      max_stage_video_channel_users: 50,
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
      incidents_data: null,
    };
    if (!full) return base;
    return {
      ...base,
      joined_at: '2024-01-01T00:00:00.000000+00:00',
      large: false,
      unavailable: false,
      member_count: 2,
      voice_states: [],
      members: [this.fullMember(this.botUserId), this.fullMember(this.ownerId)],
      channels: this.channelsOf(guildId).map((id) => {
        const { guild_id: _g, ...c } = this.channelObject(id);
        return c;
      }),
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      embedded_activities: [],
      lazy: true,
    };
  }

  private applicationObject(): any {
    return {
      id: this.applicationId,
      name: this.opts.botUsername,
      icon: null,
      description: 'Test application served by DiscordDouble',
      summary: '',
      type: null,
      bot: this.botUser(),
      bot_public: true,
      bot_require_code_grant: false,
      verify_key: 'a'.repeat(64),
      flags: 0,
      owner: this.users.get(this.ownerId),
      team: null,
      tags: [],
      approximate_guild_count: this.guildIds.length,
      interactions_endpoint_url: null,
      role_connections_verification_url: null,
      redirect_uris: [],
      integration_types_config: { '0': {} },
    };
  }

  private baseMessage(p: { id?: string; channelId: string; author: any; content: string }): any {
    return {
      id: p.id ?? snowflake(),
      type: 0,
      channel_id: p.channelId,
      guild_id: this.guildOfChannel(p.channelId),
      author: p.author,
      content: p.content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      components: [],
      pinned: false,
      flags: 0,
    };
  }

  private commandIdFor(name: string): string {
    const registered = [...this.globalCommands, ...(this.guildCommands.get(this.guildId) ?? [])].find((c) => c.name === name);
    if (registered) return registered.id;
    let id = this.commandIds.get(name);
    if (!id) this.commandIds.set(name, (id = snowflake()));
    return id;
  }

  private storeFile(id: string, filename: string, data: Buffer, contentType: string): string {
    const path = `/attachments/${id}/${encodeURIComponent(filename)}`;
    this.files.set(path, { data, contentType });
    return `${this.baseUrl}${path}`;
  }

  private dispatchInteraction(
    type: number,
    data: any,
    opts: { userId?: string; userName?: string; memberPermissions?: string; roles?: string[]; channelId?: string; locale?: string; guildId?: string; message?: any },
  ): { id: string; token: string } {
    const id = snowflake();
    const token = Buffer.from(`interaction:${id}:${randomBytes(48).toString('base64url')}`).toString('base64url');
    // A server of the double's (`guilds`) is reached through its channel; any other server id is only
    // named in the interaction (its channel is not one of the double's).
    const known = opts.guildId === undefined || this.guildIds.includes(opts.guildId);
    const channelId = known ? this.knownChannel(opts.channelId ?? (opts.guildId ? this.channelsOf(opts.guildId)[0]! : this.channelId)) : (opts.channelId ?? `${opts.guildId!.slice(0, -1)}9`);
    const guildId = known ? this.guildOfChannel(channelId) : opts.guildId!;
    const elsewhere = !known;
    const userId = opts.userId ?? '1100000000000000010';
    this.ensureUser(userId, opts.userName);
    const payload = {
      id,
      application_id: this.applicationId,
      type,
      token,
      version: 1,
      data,
      guild_id: guildId,
      guild: { id: guildId, locale: 'en-US', features: [] },
      channel_id: channelId,
      channel: { ...this.channelObject(elsewhere ? this.channelId : channelId), id: channelId, guild_id: guildId, permissions: this.opts.appPermissions },
      member: { ...this.fullMember(userId, opts.roles ?? []), permissions: opts.memberPermissions ?? '0' },
      app_permissions: this.opts.appPermissions,
      locale: opts.locale ?? 'en-US',
      guild_locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': guildId },
      context: 0,
      attachment_size_limit: 10 * 1024 * 1024,
      ...(opts.message ? { message: opts.message } : {}), // component interactions carry their message
    };
    this.interactions.set(id, {
      id,
      token,
      type,
      channelId,
      callbacks: [],
      originalMessageId: null,
      followUpIds: [],
      dispatchedAt: Date.now(),
    });
    const delivered = this.dispatch('INTERACTION_CREATE', () => payload, guildId);
    if (delivered === 0) this.note(`INTERACTION_CREATE ${id} reached no open gateway connection (buffered for RESUME)`);
    return { id, token };
  }

  // -------------------------------------------------------------------------------------------
  // Gateway
  // -------------------------------------------------------------------------------------------

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', this.baseUrl);
    if (url.pathname !== '/') {
      socket.destroy();
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  private onGatewayConnection(ws: WebSocket, req: IncomingMessage): void {
    const query = new URL(req.url ?? '/', this.baseUrl).searchParams;
    this.gatewayConnections.push({ query, at: Date.now() });
    const conn: Conn = { ws, session: null };
    this.conns.add(conn);
    ws.on('error', (e) => this.note(`gateway socket error: ${e.message}`));
    ws.on('close', (code) => {
      this.gatewayCloses.push({ code, at: Date.now() });
      this.conns.delete(conn);
      const s = conn.session;
      if (s && s.ws === ws) {
        s.ws = null;
        if (code === 1000 || code === 1001) this.sessions.delete(s.id);
      }
    });
    if (query.get('v') !== null && query.get('v') !== '10') {
      ws.close(4012, 'Invalid API version');
      return;
    }
    if ((query.get('encoding') ?? 'json') !== 'json' || query.has('compress')) {
      this.note(`gateway: unsupported encoding/compression requested: ${query.toString()}`);
      ws.close(4002, 'DiscordDouble supports encoding=json without compression only');
      return;
    }
    ws.on('message', (raw, isBinary) => {
      let payload: any;
      try {
        payload = JSON.parse(isBinary ? Buffer.from(raw as Buffer).toString('utf8') : raw.toString());
      } catch {
        ws.close(4002, 'Error while decoding payload.');
        return;
      }
      this.onGatewayPayload(conn, payload);
    });
    this.sendFrame(ws, { op: 10, d: { heartbeat_interval: this.opts.heartbeatIntervalMs, _trace: ['["discord-double",{}]'] }, s: null, t: null });
  }

  private onGatewayPayload(conn: Conn, payload: any): void {
    const { op, d } = payload ?? {};
    this.gatewayFrames.push({ direction: 'in', op, d: op === 2 || op === 6 ? { ...d, token: '<redacted>' } : d, at: Date.now() });
    this.log(`gateway <- op ${op}`);
    switch (op) {
      case 1: // HEARTBEAT
        this.heartbeats++;
        this.sendFrame(conn.ws, { op: 11, d: null, s: null, t: null });
        break;
      case 2: {
        // IDENTIFY
        if (conn.session) {
          conn.ws.close(4005, 'Already authenticated.');
          return;
        }
        if (d?.token !== this.token) {
          conn.ws.close(4004, 'Authentication failed.');
          return;
        }
        this.identifies.push({ ...d, token: '<redacted>' });
        const shard: [number, number] = Array.isArray(d.shard) && d.shard.length === 2 ? [Number(d.shard[0]), Number(d.shard[1])] : [0, 1];
        if (!(shard[1] >= 1 && shard[0] >= 0 && shard[0] < shard[1])) {
          conn.ws.close(4010, 'Invalid shard.');
          return;
        }
        const session: Session = { id: randomBytes(16).toString('hex'), seq: 0, intents: Number(d.intents ?? 0), ws: conn.ws, shard, buffer: [] };
        this.sessions.set(session.id, session);
        conn.session = session;
        this.sendDispatch(session, 'READY', {
          v: 10,
          user_settings: {},
          user: this.botUser(),
          guilds: this.guildIds.filter((g) => this.owns(session, g)).map((id) => ({ id, unavailable: true })),
          session_type: 'normal',
          session_id: session.id,
          resume_gateway_url: this.gatewayUrl,
          shard,
          application: { id: this.applicationId, flags: 0 },
          private_channels: [],
          relationships: [],
          presences: [],
          guild_join_requests: [],
          geo_ordered_rtc_regions: [],
          _trace: ['["discord-double",{}]'],
        });
        if (session.intents & Intents.Guilds) {
          for (const g of this.guildIds) if (this.owns(session, g)) this.sendDispatch(session, 'GUILD_CREATE', this.guildObject(true, g));
        }
        else this.note(`session ${session.id}: no GUILDS intent, GUILD_CREATE not sent`);
        if (!this.isIdentified) {
          this.isIdentified = true;
          this.resolveIdentified();
        }
        break;
      }
      case 6: {
        // RESUME
        if (d?.token !== this.token) {
          conn.ws.close(4004, 'Authentication failed.');
          return;
        }
        const session = this.sessions.get(d?.session_id);
        if (!session) {
          this.sendFrame(conn.ws, { op: 9, d: false, s: null, t: null });
          return;
        }
        if (session.ws && session.ws !== conn.ws && session.ws.readyState === WebSocket.OPEN) session.ws.close(4009, 'Session resumed elsewhere');
        session.ws = conn.ws;
        conn.session = session;
        const from = Number(d.seq ?? 0);
        for (const p of session.buffer) if (p.s > from) this.sendFrame(conn.ws, p);
        this.sendDispatch(session, 'RESUMED', { _trace: ['["discord-double",{}]'] });
        break;
      }
      case 8: {
        // REQUEST_GUILD_MEMBERS
        if (!conn.session) return;
        const all = [...this.users.keys()];
        const wanted: string[] | null = d?.user_ids ? [].concat(d.user_ids) : null;
        const members = (wanted ?? all).filter((id) => all.includes(id)).map((id) => this.fullMember(id));
        this.sendDispatch(conn.session, 'GUILD_MEMBERS_CHUNK', {
          guild_id: d?.guild_id ?? this.guildId,
          members,
          chunk_index: 0,
          chunk_count: 1,
          not_found: wanted ? wanted.filter((id) => !all.includes(id)) : [],
          ...(d?.nonce ? { nonce: d.nonce } : {}),
        });
        break;
      }
      default:
        // PRESENCE_UPDATE (3), VOICE_STATE_UPDATE (4), unknown ops: ignored.
        break;
    }
  }

  private sendFrame(ws: WebSocket, payload: { op: number; d: any; t?: string | null; s?: number | null }): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    this.gatewayFrames.push({ direction: 'out', op: payload.op, t: payload.t ?? null, s: payload.s ?? null, d: payload.d, at: Date.now() });
    this.log(`gateway -> op ${payload.op}${payload.t ? ` ${payload.t}` : ''}`);
    ws.send(JSON.stringify({ t: null, s: null, ...payload }));
  }

  private sendDispatch(session: Session, t: string, d: any): boolean {
    const payload = { op: 0 as const, t, s: ++session.seq, d };
    session.buffer.push(payload);
    if (session.buffer.length > 1000) session.buffer.shift();
    if (session.ws && session.ws.readyState === WebSocket.OPEN) {
      this.sendFrame(session.ws, payload);
      return true;
    }
    return false;
  }

  /**
   * Message events caused by the bot's own REST calls are dispatched right after the HTTP answer
   * (like Discord, the bot sees MESSAGE_CREATE for its own messages). Ephemeral messages are not dispatched.
   */
  private dispatchMessage(t: 'MESSAGE_CREATE' | 'MESSAGE_UPDATE' | 'MESSAGE_DELETE', msg: any): void {
    if (msg.flags & 64) return;
    const snapshot = structuredClone(msg);
    setImmediate(() => this.dispatchMessageNow(t, snapshot));
  }

  /** Applies the GUILD_MESSAGES / MESSAGE_CONTENT intent rules. Returns sockets reached. */
  private dispatchMessageNow(t: 'MESSAGE_CREATE' | 'MESSAGE_UPDATE' | 'MESSAGE_DELETE', msg: any): number {
    const privileged =
      msg.author?.id === this.botUserId || (Array.isArray(msg.mentions) && msg.mentions.some((u: any) => u.id === this.botUserId));
    return this.dispatch(t, (s) => {
      if (!(s.intents & Intents.GuildMessages)) {
        this.note(`${t} ${msg.id} not sent to session ${s.id}: GUILD_MESSAGES intent missing`);
        return undefined;
      }
      if (t === 'MESSAGE_DELETE') return { id: msg.id, channel_id: msg.channel_id, guild_id: msg.guild_id };
      if (!(s.intents & Intents.MessageContent) && !privileged) {
        return { ...msg, content: '', embeds: [], attachments: [], components: [] };
      }
      return msg;
    }, msg.guild_id);
  }

  /**
   * Dispatch to every live session (only those of the server's shard when `guildId` is given);
   * `dFor` may return undefined to skip a session. Returns sockets reached.
   */
  private dispatch(t: string, dFor: (s: Session) => any, guildId?: string): number {
    let delivered = 0;
    for (const s of this.sessions.values()) {
      if (guildId !== undefined && !this.owns(s, guildId)) continue;
      const d = dFor(s);
      if (d === undefined) continue;
      if (this.sendDispatch(s, t, d)) delivered++;
    }
    return delivered;
  }

  // -------------------------------------------------------------------------------------------
  // HTTP
  // -------------------------------------------------------------------------------------------

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', this.baseUrl);
    const rawPath = url.pathname;
    const apiMatch = /^\/api(?:\/v(\d+))?(\/.*)?$/.exec(rawPath);
    const routePath = apiMatch ? (apiMatch[2] ?? '/') : rawPath;
    const path = routePath
      .split('/')
      .map((seg) => {
        try {
          return decodeURIComponent(seg);
        } catch {
          return seg;
        }
      })
      .join('/');
    const method = (req.method ?? 'GET').toUpperCase();
    const headers: Record<string, string | string[] | undefined> = { ...req.headers };

    let body: any;
    let parseError: HttpError | null = null;
    try {
      body = await parseBody(rawBody, String(req.headers['content-type'] ?? ''), this.baseUrl);
    } catch {
      parseError = new HttpError(400, { message: 'The request body contains invalid JSON.', code: 50109 });
    }
    const record: RecordedRequest = { method, path, rawPath, query: url.searchParams, headers, body, at: Date.now() };
    this.log(`rest <- ${method} ${path}${url.search}`);

    let reply: Reply;
    try {
      const rule = this.failRules.find((r) => r.remaining > 0 && safe(() => r.pred(method, path, record)));
      if (rule) {
        rule.remaining--;
        if (rule.remaining <= 0) this.failRules.splice(this.failRules.indexOf(rule), 1);
        reply = failReply(rule.response);
      } else if (parseError) {
        throw parseError;
      } else if (!apiMatch) {
        reply = this.serveFile(method, rawPath);
      } else {
        if (apiMatch[1] !== undefined && apiMatch[1] !== '10') throw new HttpError(400, { message: 'Invalid API version', code: 50041 });
        reply = await this.route(record);
      }
    } catch (e) {
      if (e instanceof HttpError) reply = { status: e.status, body: e.body };
      else {
        this.note(`internal error handling ${method} ${path}: ${(e as Error).stack ?? e}`);
        reply = { status: 500, body: { message: '500: Internal Server Error', code: 0 } };
      }
    }
    record.status = reply.status;
    this.requests.push(record);
    for (const w of [...this.waiters]) if (safe(() => w.pred(record))) w.resolve(record);
    this.log(`rest -> ${reply.status} ${method} ${path}`);
    const outHeaders: Record<string, string> = { ...(reply.headers ?? {}) };
    let payload: Buffer | undefined;
    if (reply.raw) payload = reply.raw;
    else if (reply.body !== undefined && reply.status !== 204) {
      payload = Buffer.from(JSON.stringify(reply.body));
      outHeaders['content-type'] ??= 'application/json';
    }
    if (payload) outHeaders['content-length'] = String(payload.length);
    res.writeHead(reply.status, outHeaders);
    res.end(payload);
  }

  private serveFile(method: string, rawPath: string): Reply {
    const f = method === 'GET' || method === 'HEAD' ? this.files.get(rawPath) : undefined;
    if (!f) return { status: 404, raw: Buffer.from('Not Found'), headers: { 'content-type': 'text/plain' } };
    return { status: 200, raw: method === 'HEAD' ? Buffer.alloc(0) : f.data, headers: { 'content-type': f.contentType } };
  }

  private async route(req: RecordedRequest): Promise<Reply> {
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.re.exec(req.path);
      if (!m) continue;
      pathMatched = true;
      if (r.method !== req.method) continue;
      if (r.auth === 'bot') {
        const auth = req.headers['authorization'];
        if (auth !== `Bot ${this.token}`) throw new HttpError(401, { message: '401: Unauthorized', code: 0 });
      }
      return r.handler(req, m.slice(1));
    }
    if (pathMatched) throw new HttpError(405, { message: '405: Method Not Allowed', code: 0 });
    throw new HttpError(404, { message: 'Unknown route', code: 0 });
  }

  private defineRoutes(): void {
    const id = '(\\d{1,20})';
    const tok = '([^/]+)';
    const add = (method: string, pattern: string, handler: Handler, auth: 'bot' | 'none' = 'bot'): void => {
      this.routes.push({ method, re: new RegExp(`^${pattern}$`), handler, auth });
    };

    // --- gateway / identity
    add('GET', '/gateway/bot', () =>
      json({
        url: this.gatewayUrl,
        shards: this.opts.shards,
        session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
      }),
    );
    add('GET', '/gateway', () => json({ url: this.gatewayUrl }), 'none');
    add('GET', '/users/@me', () => json(this.botUser()));
    add('GET', `/users/${id}`, (_r, [uid]) => {
      const u = this.users.get(uid!);
      if (!u) throw unknown('User', 10013);
      return json(u);
    });
    add('GET', '/applications/@me', () => json(this.applicationObject()));
    add('GET', '/oauth2/applications/@me', () => json(this.applicationObject()));

    // --- guild & channels
    add('GET', `/guilds/${id}`, (_r, [gid]) => {
      this.checkGuild(gid!);
      return json(this.guildObject(false, gid!));
    });
    add('GET', `/guilds/${id}/channels`, (_r, [gid]) => {
      this.checkGuild(gid!);
      return json(this.channelsOf(gid!).map((c) => this.channelObject(c)));
    });
    add('GET', `/guilds/${id}/roles`, (_r, [gid]) => {
      this.checkGuild(gid!);
      return json(this.roles(gid!));
    });
    add('GET', `/guilds/${id}/members/${id}`, (_r, [gid, uid]) => {
      this.checkGuild(gid!);
      if (!this.users.has(uid!)) throw unknown('Member', 10007);
      return json(this.fullMember(uid!));
    });
    add('GET', `/channels/${id}`, (_r, [cid]) => json(this.channelObject(this.checkChannel(cid!))));
    add('POST', `/channels/${id}/typing`, (_r, [cid]) => {
      this.checkChannel(cid!);
      return noContent();
    });
    add('GET', `/channels/${id}/messages`, (r, [cid]) => {
      this.checkChannel(cid!);
      const limit = Math.min(Number(r.query.get('limit') ?? 50), 100);
      const list = [...this.messages.values()].filter((m) => m.channel_id === cid).reverse();
      return json(list.slice(0, limit));
    });
    add('GET', `/channels/${id}/messages/${id}`, (_r, [cid, mid]) => json(this.getMessage(cid!, mid!)));
    add('POST', `/channels/${id}/messages`, (r, [cid]) => {
      this.checkChannel(cid!);
      return json(this.createMessage(cid!, r.body, { author: this.botUser() }));
    });
    add('PATCH', `/channels/${id}/messages/${id}`, (r, [cid, mid]) => {
      const msg = this.getMessage(cid!, mid!);
      if (msg.author.id !== this.botUserId) throw new HttpError(403, { message: 'Cannot edit a message authored by another user', code: 50005 });
      return json(this.editMessage(msg, r.body));
    });
    add('DELETE', `/channels/${id}/messages/${id}`, (_r, [cid, mid]) => {
      const msg = this.getMessage(cid!, mid!);
      this.messages.delete(mid!);
      this.dispatchMessage('MESSAGE_DELETE', msg);
      return noContent();
    });
    add('PUT', `/channels/${id}/messages/${id}/reactions/${tok}/@me`, (_r, [cid, mid]) => {
      this.getMessage(cid!, mid!);
      return noContent();
    });
    add('DELETE', `/channels/${id}/messages/${id}/reactions/${tok}/@me`, (_r, [cid, mid]) => {
      this.getMessage(cid!, mid!);
      return noContent();
    });

    // --- application commands
    add('GET', `/applications/${id}/commands`, (_r, [app]) => {
      this.checkApp(app!);
      return json(this.globalCommands);
    });
    add('PUT', `/applications/${id}/commands`, (r, [app]) => {
      this.checkApp(app!);
      const list = this.registerCommands(r.body, this.globalCommands, undefined);
      this.globalCommands.splice(0, this.globalCommands.length, ...list);
      return json(list);
    });
    add('POST', `/applications/${id}/commands`, (r, [app]) => {
      this.checkApp(app!);
      return json(this.upsertCommand(r.body, this.globalCommands, undefined), 201);
    });
    add('DELETE', `/applications/${id}/commands/${id}`, (_r, [app, cmd]) => {
      this.checkApp(app!);
      this.deleteCommand(this.globalCommands, cmd!);
      return noContent();
    });
    add('GET', `/applications/${id}/guilds/${id}/commands`, (_r, [app, gid]) => {
      this.checkApp(app!);
      this.checkGuild(gid!);
      return json(this.guildCommands.get(gid!) ?? []);
    });
    add('PUT', `/applications/${id}/guilds/${id}/commands`, (r, [app, gid]) => {
      this.checkApp(app!);
      this.checkGuild(gid!);
      const list = this.registerCommands(r.body, this.guildCommands.get(gid!) ?? [], gid);
      this.guildCommands.set(gid!, list);
      return json(list);
    });
    add('POST', `/applications/${id}/guilds/${id}/commands`, (r, [app, gid]) => {
      this.checkApp(app!);
      this.checkGuild(gid!);
      const list = this.guildCommands.get(gid!) ?? [];
      this.guildCommands.set(gid!, list);
      return json(this.upsertCommand(r.body, list, gid), 201);
    });
    add('DELETE', `/applications/${id}/guilds/${id}/commands/${id}`, (_r, [app, gid, cmd]) => {
      this.checkApp(app!);
      this.deleteCommand(this.guildCommands.get(gid!) ?? [], cmd!);
      return noContent();
    });

    // --- interactions (no bot auth: discord.js sends these with auth: false)
    add('POST', `/interactions/${id}/${tok}/callback`, (r, [iid, itok]) => this.interactionCallback(r, iid!, itok!), 'none');
    add('GET', `/webhooks/${id}/${tok}/messages/${tok}`, (_r, [app, wtok, mid]) => json(this.webhookMessage(app!, wtok!, mid!)), 'none');
    add(
      'PATCH',
      `/webhooks/${id}/${tok}/messages/${tok}`,
      (r, [app, wtok, mid]) => json(this.editMessage(this.webhookMessage(app!, wtok!, mid!), r.body)),
      'none',
    );
    add(
      'DELETE',
      `/webhooks/${id}/${tok}/messages/${tok}`,
      (_r, [app, wtok, mid]) => {
        const msg = this.webhookMessage(app!, wtok!, mid!);
        this.messages.delete(msg.id);
        this.dispatchMessage('MESSAGE_DELETE', msg);
        return noContent();
      },
      'none',
    );
    add(
      'POST',
      `/webhooks/${id}/${tok}`,
      (r, [app, wtok]) => {
        const ix = this.interactionForWebhook(app!, wtok!);
        const msg = this.createMessage(ix.channelId, r.body, { author: this.botUser(), webhook: true });
        ix.followUpIds.push(msg.id);
        return r.query.get('wait') === 'false' ? noContent() : json(msg);
      },
      'none',
    );
  }

  private checkGuild(gid: string): void {
    if (!this.guildIds.includes(gid)) throw unknown('Guild', 10004);
  }

  private checkChannel(cid: string): string {
    if (!this.channelIds.includes(cid)) throw unknown('Channel', 10003);
    return cid;
  }

  private checkApp(app: string): void {
    if (app !== this.applicationId) throw unknown('Application', 10002);
  }

  private getMessage(cid: string, mid: string): any {
    this.checkChannel(cid);
    const msg = this.messages.get(mid);
    if (!msg || msg.channel_id !== cid) throw unknown('Message', 10008);
    return msg;
  }

  // --- interactions

  private interactionCallback(r: RecordedRequest, iid: string, itok: string): Reply {
    const ix = this.interactions.get(iid);
    if (!ix || ix.token !== itok) throw unknown('interaction', 10062);
    const body = payloadOf(r.body);
    const type = Number(body?.type);
    if (ix.callbacks.length > 0) throw new HttpError(400, { message: 'Interaction has already been acknowledged.', code: 40060 });
    const allowed: Record<number, number[]> = { 2: [4, 5, 9], 3: [4, 5, 6, 7, 9], 4: [8], 5: [4, 5, 6, 7] };
    if (!(allowed[ix.type] ?? []).includes(type)) {
      throw formError(nestErrors([{ path: 'type', code: 'INTERACTION_RESPONSE_TYPE_INVALID', message: `Interaction response type ${type} is not valid for interaction type ${ix.type}` }]));
    }
    let message: any = null;
    if (type === 4) {
      message = this.createMessage(ix.channelId, r.body, { author: this.botUser(), webhook: true, bodyIsData: true, interaction: ix });
      ix.originalMessageId = message.id;
    } else if (type === 5) {
      const flags = (Number(body?.data?.flags ?? 0) & 64) | 128; // keep EPHEMERAL, add LOADING
      message = { ...this.baseMessage({ channelId: ix.channelId, author: this.botUser(), content: '' }), type: 20, flags, webhook_id: this.applicationId, application_id: this.applicationId };
      this.messages.set(message.id, message);
      ix.originalMessageId = message.id;
      this.dispatchMessage('MESSAGE_CREATE', message);
    } else if (type === 8) {
      const choices = body?.data?.choices;
      if (!Array.isArray(choices) || choices.length > 25) {
        throw formError(nestErrors([{ path: 'data.choices', code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' }]));
      }
    }
    ix.callbacks.push({ type, data: body?.data, at: Date.now() });
    if (r.query.get('with_response') === 'true') {
      return json({
        interaction: {
          id: ix.id,
          type: ix.type,
          response_message_id: message?.id,
          response_message_loading: type === 5,
          response_message_ephemeral: message ? (message.flags & 64) === 64 : false,
        },
        resource: { type, ...(message ? { message } : {}) },
      });
    }
    return noContent();
  }

  private interactionForWebhook(app: string, wtok: string): InteractionRecord {
    if (app !== this.applicationId) throw unknown('Webhook', 10015);
    const ix = [...this.interactions.values()].find((i) => i.token === wtok);
    if (!ix) throw unknown('Webhook', 10015);
    return ix;
  }

  private webhookMessage(app: string, wtok: string, mid: string): any {
    const ix = this.interactionForWebhook(app, wtok);
    const id = mid === '@original' ? ix.originalMessageId : mid;
    const msg = id ? this.messages.get(id) : undefined;
    if (!msg || (mid !== '@original' && !ix.followUpIds.includes(mid) && ix.originalMessageId !== mid)) throw unknown('Message', 10008);
    return msg;
  }

  // --- messages

  /** Create a message from a REST payload (JSON or multipart). */
  private createMessage(channelId: string, rawBody: any, o: { author: any; webhook?: boolean; bodyIsData?: boolean; interaction?: InteractionRecord }): any {
    const outer = payloadOf(rawBody);
    const p = (o.bodyIsData ? outer?.data : outer) ?? {};
    const files: RecordedFile[] = isMultipart(rawBody) ? rawBody.files : [];
    this.validateMessage(p, files, o.bodyIsData ? 'data.' : '', true);
    const msg = this.baseMessage({ channelId, author: o.author, content: typeof p.content === 'string' ? p.content : '' });
    msg.tts = Boolean(p.tts);
    msg.embeds = Array.isArray(p.embeds) ? p.embeds.map((e: any) => ({ type: 'rich', ...e })) : [];
    msg.components = Array.isArray(p.components) ? p.components : [];
    msg.flags = Number(p.flags ?? 0) & (4 | 64 | 4096 | 32768);
    if (p.nonce !== undefined) msg.nonce = p.nonce;
    msg.attachments = this.attachmentsFrom(p, files, []);
    if (o.webhook) {
      msg.webhook_id = this.applicationId;
      msg.application_id = this.applicationId;
    }
    if (o.interaction) msg.type = 20;
    const ref = p.message_reference;
    if (ref && (ref.type ?? 0) === 0) {
      const target = this.messages.get(String(ref.message_id));
      if (!target || (ref.channel_id && String(ref.channel_id) !== channelId)) {
        if (ref.fail_if_not_exists !== false) {
          throw formError(nestErrors([{ path: 'message_reference', code: 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', message: 'Unknown message' }]));
        }
      } else {
        msg.type = 19;
        msg.message_reference = { type: 0, message_id: target.id, channel_id: target.channel_id, guild_id: this.guildOfChannel(channelId) };
        msg.referenced_message = target;
      }
    }
    msg.mentions = this.mentionsFor(msg, p.allowed_mentions);
    this.messages.set(msg.id, msg);
    this.dispatchMessage('MESSAGE_CREATE', msg);
    return msg;
  }

  private editMessage(msg: any, rawBody: any): any {
    const p = payloadOf(rawBody) ?? {};
    const files: RecordedFile[] = isMultipart(rawBody) ? rawBody.files : [];
    const merged = { ...msg, ...pick(p, ['content', 'embeds', 'components']) };
    this.validateMessage(merged, files, '', false);
    const wasLoading = (msg.flags & 128) === 128;
    if ('content' in p) msg.content = p.content ?? '';
    if ('embeds' in p) msg.embeds = (p.embeds ?? []).map((e: any) => ({ type: 'rich', ...e }));
    if ('components' in p) msg.components = p.components ?? [];
    if ('attachments' in p || files.length) msg.attachments = this.attachmentsFrom(p, files, msg.attachments);
    if ('flags' in p && p.flags !== null && p.flags !== undefined) msg.flags = (msg.flags & 64) | (Number(p.flags) & 4);
    msg.flags &= ~128;
    if (!wasLoading) msg.edited_timestamp = new Date().toISOString();
    msg.mentions = this.mentionsFor(msg, p.allowed_mentions);
    this.dispatchMessage('MESSAGE_UPDATE', msg);
    return msg;
  }

  private attachmentsFrom(p: any, files: RecordedFile[], existing: any[]): any[] {
    const byIndex = new Map<string, RecordedFile>();
    files.forEach((f, i) => {
      const m = /^files\[(\d+)\]$/.exec(f.name);
      byIndex.set(m ? m[1]! : String(i), f);
    });
    const out: any[] = [];
    const used = new Set<string>();
    const list: any[] = Array.isArray(p?.attachments) ? p.attachments : [];
    for (const a of list) {
      const key = String(a.id);
      const file = byIndex.get(key);
      if (file) {
        used.add(key);
        out.push(this.attachmentObject(file, a));
      } else {
        const old = existing.find((e) => e.id === key);
        if (old) out.push(old);
      }
    }
    for (const [key, file] of byIndex) if (!used.has(key)) out.push(this.attachmentObject(file, {}));
    if (!Array.isArray(p?.attachments) && !files.length) return existing;
    return out;
  }

  private attachmentObject(file: RecordedFile, meta: any): any {
    const id = snowflake();
    const filename = meta.filename ?? file.filename;
    const url = this.storeFile(id, filename, file.data, file.contentType);
    return {
      id,
      filename,
      size: file.data.length,
      url,
      proxy_url: url,
      content_type: file.contentType,
      ...(meta.description ? { description: meta.description } : {}),
    };
  }

  private mentionsFor(msg: any, allowed: any): any[] {
    const parse: string[] | undefined = allowed?.parse;
    const users: string[] = (allowed?.users ?? []).map(String);
    const out: any[] = [];
    const addUser = (uid: string): void => {
      const u = this.users.get(uid);
      if (u && !out.some((x) => x.id === uid)) out.push({ ...u, member: this.partialMember(uid) });
    };
    for (const m of String(msg.content ?? '').matchAll(/<@!?(\d{17,20})>/g)) {
      const uid = m[1]!;
      if (!allowed || parse?.includes('users') || users.includes(uid)) addUser(uid);
    }
    if (msg.referenced_message) {
      const repliedUser = allowed ? allowed.replied_user === true : true;
      if (repliedUser) addUser(msg.referenced_message.author.id);
    }
    return out;
  }

  private validateMessage(p: any, files: RecordedFile[], prefix: string, creating: boolean): void {
    const problems = this.messageProblems(p, files, prefix);
    if (creating) {
      const empty =
        !(typeof p.content === 'string' && p.content.length > 0) &&
        !(Array.isArray(p.embeds) && p.embeds.length) &&
        !(Array.isArray(p.components) && p.components.length) &&
        !(Array.isArray(p.sticker_ids) && p.sticker_ids.length) &&
        !files.length &&
        !p.poll;
      if (empty && problems.length === 0) throw new HttpError(400, { message: 'Cannot send an empty message', code: 50006 });
    }
    if (problems.length) throw formError(nestErrors(problems));
  }

  private messageProblems(p: any, files: RecordedFile[], prefix: string): { path: string; code: string; message: string }[] {
    const problems: { path: string; code: string; message: string }[] = [];
    const max = (path: string, value: unknown, limit: number): void => {
      if (typeof value === 'string' && [...value].length > limit) {
        problems.push({ path: prefix + path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${limit} or fewer in length.` });
      }
    };
    max('content', p.content, 2000);
    const embeds: any[] = Array.isArray(p.embeds) ? p.embeds : [];
    if (embeds.length > 10) problems.push({ path: `${prefix}embeds`, code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 10 or fewer in length.' });
    let total = 0;
    embeds.forEach((e, i) => {
      const at = `embeds.${i}.`;
      max(`${at}title`, e?.title, 256);
      max(`${at}description`, e?.description, 4096);
      max(`${at}footer.text`, e?.footer?.text, 2048);
      max(`${at}author.name`, e?.author?.name, 256);
      const fields: any[] = Array.isArray(e?.fields) ? e.fields : [];
      if (fields.length > 25) problems.push({ path: `${prefix}${at}fields`, code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' });
      fields.forEach((f, j) => {
        max(`${at}fields.${j}.name`, f?.name, 256);
        max(`${at}fields.${j}.value`, f?.value, 1024);
        total += len(f?.name) + len(f?.value);
      });
      total += len(e?.title) + len(e?.description) + len(e?.footer?.text) + len(e?.author?.name);
    });
    if (total > 6000) problems.push({ path: `${prefix}embeds`, code: 'MAX_EMBED_SIZE_EXCEEDED', message: 'Embed size exceeds maximum size of 6000' });
    if (files.length > 10) problems.push({ path: `${prefix}files`, code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 10 or fewer in length.' });
    return problems;
  }

  // --- commands

  private registerCommands(body: any, previous: any[], guildId: string | undefined): any[] {
    if (!Array.isArray(body)) throw formError(nestErrors([{ path: '_', code: 'LIST_TYPE_CONVERT', message: 'Only iterables may be used in a ListType' }]));
    const problems = body.flatMap((c, i) => commandProblems(c, `${i}.`));
    const names = body.map((c) => `${c?.type ?? 1}:${c?.name}`);
    names.forEach((n, i) => {
      if (names.indexOf(n) !== i) problems.push({ path: `${i}.name`, code: 'APPLICATION_COMMANDS_DUPLICATE_NAME', message: 'Application command names must be unique' });
    });
    if (problems.length) throw formError(nestErrors(problems));
    return body.map((c) => this.commandObject(c, previous.find((p) => p.name === c.name && p.type === (c.type ?? 1))?.id, guildId));
  }

  private upsertCommand(body: any, list: any[], guildId: string | undefined): any {
    const problems = commandProblems(body, '');
    if (problems.length) throw formError(nestErrors(problems));
    const i = list.findIndex((p) => p.name === body.name && p.type === (body.type ?? 1));
    const cmd = this.commandObject(body, i >= 0 ? list[i].id : undefined, guildId);
    if (i >= 0) list[i] = cmd;
    else list.push(cmd);
    return cmd;
  }

  private deleteCommand(list: any[], cmdId: string): void {
    const i = list.findIndex((c) => c.id === cmdId);
    if (i < 0) throw unknown('application command', 10063);
    list.splice(i, 1);
  }

  private commandObject(c: any, existingId: string | undefined, guildId: string | undefined): any {
    const id = existingId ?? this.commandIds.get(c.name) ?? snowflake();
    this.commandIds.set(c.name, id);
    return {
      id,
      application_id: this.applicationId,
      version: snowflake(),
      type: c.type ?? 1,
      name: c.name,
      name_localizations: c.name_localizations ?? null,
      description: c.description ?? '',
      description_localizations: c.description_localizations ?? null,
      options: c.options ?? [],
      default_member_permissions: c.default_member_permissions ?? null,
      dm_permission: c.dm_permission ?? true,
      contexts: c.contexts ?? null,
      integration_types: c.integration_types ?? [0],
      nsfw: c.nsfw ?? false,
      ...(guildId ? { guild_id: guildId } : {}),
    };
  }

  // --- diagnostics

  private describeRequests(): string {
    if (!this.requests.length) return 'No requests were received.';
    return (
      `Requests seen (${this.requests.length}):\n` +
      this.requests
        .map((r) => {
          const q = [...r.query].length ? `?${r.query.toString()}` : '';
          const body = r.body === undefined ? '' : ` ${truncate(JSON.stringify(isMultipart(r.body) ? { payload_json: r.body.payload_json, files: r.body.files.map((f: RecordedFile) => f.filename) } : r.body), 300)}`;
          return `  ${r.method} ${r.path}${q} -> ${r.status ?? 'pending'}${body}`;
        })
        .join('\n') +
      (this.notes.length ? `\nNotes:\n  ${this.notes.slice(-20).join('\n  ')}` : '')
    );
  }

  private note(line: string): void {
    this.notes.push(line);
    this.log(`note: ${line}`);
  }

  private log(line: string): void {
    const l = this.opts.log;
    if (!l) return;
    if (typeof l === 'function') l(`[discord-double] ${line}`);
    else console.error(`[discord-double] ${line}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function safe(fn: () => boolean): boolean {
  try {
    return fn();
  } catch {
    return false;
  }
}

function len(v: unknown): number {
  return typeof v === 'string' ? [...v].length : 0;
}

function truncate(s: string | undefined, n: number): string {
  if (!s) return '';
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

function pick(o: any, keys: string[]): any {
  const out: any = {};
  for (const k of keys) if (o && k in o) out[k] = o[k];
  return out;
}

function isMultipart(body: any): body is MultipartBody {
  return Boolean(body && typeof body === 'object' && Array.isArray(body.files) && 'fields' in body && 'payload_json' in body);
}

/** The JSON payload of a request body, whether sent as JSON or as multipart payload_json. */
function payloadOf(body: any): any {
  return isMultipart(body) ? body.payload_json : body;
}

function innermostOptions(options: ApplicationCommandOptionPayload[]): ApplicationCommandOptionPayload[] {
  const sub = options.find((o) => o.type === 1 || o.type === 2);
  if (!sub) return options;
  sub.options ??= [];
  return innermostOptions(sub.options);
}

function guessContentType(filename: string): string {
  const ext = filename.split('.').pop()?.toLowerCase();
  const map: Record<string, string> = {
    txt: 'text/plain; charset=utf-8',
    md: 'text/markdown; charset=utf-8',
    html: 'text/html; charset=utf-8',
    htm: 'text/html; charset=utf-8',
    json: 'application/json',
    yaml: 'application/yaml',
    yml: 'application/yaml',
    csv: 'text/csv; charset=utf-8',
    pdf: 'application/pdf',
    png: 'image/png',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
  };
  return (ext && map[ext]) ?? 'application/octet-stream';
}

async function parseBody(raw: Buffer, contentType: string, base: string): Promise<any> {
  if (!raw.length) return undefined;
  if (contentType.startsWith('multipart/form-data')) {
    const form = await new Request(base, { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(raw) }).formData();
    const out: MultipartBody = { payload_json: undefined, files: [], fields: {} };
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string') {
        if (name === 'payload_json') out.payload_json = JSON.parse(value);
        else out.fields[name] = value;
      } else {
        out.files.push({ name, filename: value.name, contentType: value.type || 'application/octet-stream', data: Buffer.from(await value.arrayBuffer()) });
      }
    }
    return out;
  }
  const text = raw.toString('utf8');
  if (contentType.includes('json')) return JSON.parse(text);
  return text;
}

function failReply(r: FailResponse): Reply {
  let body = r.body;
  let headers: Record<string, string> = {};
  if (r.status === 429) {
    body ??= { message: 'You are being rate limited.', retry_after: 0.3, global: false };
    const retry = String(body?.retry_after ?? 0.3);
    headers = {
      'retry-after': retry,
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String((Date.now() + Number(retry) * 1000) / 1000),
      'x-ratelimit-reset-after': retry,
      'x-ratelimit-scope': body?.global ? 'global' : 'user',
      ...(body?.global ? { 'x-ratelimit-global': 'true' } : {}),
    };
  } else if (r.status >= 500) {
    body ??= { message: `${r.status}: Internal Server Error`, code: 0 };
  } else {
    body ??= { message: `${r.status}: Error`, code: 0 };
  }
  return { status: r.status, body, headers: { ...headers, ...(r.headers ?? {}) } };
}

function commandProblems(c: any, prefix: string): { path: string; code: string; message: string }[] {
  const problems: { path: string; code: string; message: string }[] = [];
  const nameRe = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
  const checkName = (path: string, name: unknown): void => {
    if (typeof name !== 'string' || !nameRe.test(name) || name !== name.toLowerCase()) {
      problems.push({ path: prefix + path, code: 'APPLICATION_COMMAND_INVALID_NAME', message: `Command name is invalid` });
    }
  };
  const checkDesc = (path: string, d: unknown): void => {
    if (typeof d !== 'string' || d.length < 1 || d.length > 100) {
      problems.push({ path: prefix + path, code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' });
    }
  };
  const checkOptions = (path: string, options: any[] | undefined): void => {
    if (!options) return;
    if (options.length > 25) problems.push({ path: prefix + path, code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' });
    let seenOptional = false;
    options.forEach((o, i) => {
      const at = `${path}.${i}.`;
      checkName(`${at}name`, o?.name);
      checkDesc(`${at}description`, o?.description);
      if (o?.type === 1 || o?.type === 2) checkOptions(`${at}options`, o.options);
      else if (o?.required) {
        if (seenOptional) problems.push({ path: prefix + path, code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', message: 'Required options must be placed before non-required options' });
      } else seenOptional = true;
      if (Array.isArray(o?.choices) && o.choices.length > 25) problems.push({ path: `${prefix}${at}choices`, code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' });
    });
  };
  const type = c?.type ?? 1;
  if (type === 1) {
    checkName('name', c?.name);
    checkDesc('description', c?.description);
    checkOptions('options', c?.options);
  } else if (typeof c?.name !== 'string' || c.name.length < 1 || c.name.length > 32) {
    problems.push({ path: `${prefix}name`, code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 32 in length.' });
  }
  return problems;
}
