import type {
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Depeche } from '../app/depeche.ts';
import type { Libraries } from '../app/libraries.ts';
import type { ServerSettings } from '../settings/servers.ts';
import type { LibraryFeeds } from './library-feeds.ts';
import type { Operators } from './operators.ts';
import type { IngestSettings } from '../ingest/config.ts';
import type { Fields, Logger } from '../log.ts';
import type { DiscordConfig } from './config.ts';
import type { Conversations } from './conversation.ts';
import type { FeedbackStore } from '../store/feedback-store.ts';
import type { QuestionLog } from '../store/question-log.ts';
import type { InFlight } from './in-flight.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { BotFeeds } from './shards/writer-api.ts';

/** Timings the tests shorten; the defaults suit Discord. */
export interface BotSettings {
  /** How often a running reindex edits its reply with progress. */
  progressIntervalMs: number;
  downloadTimeoutMs: number;
}

/** What every command and event handler may use. */
export interface BotContext {
  /**
   * The library /admin acts on: the shared one outside /admin; inside, the invoking server's (or
   * the shared one for the operator's `library:shared`), chosen by admin.ts at run time.
   */
  depeche: Depeche;
  /** Which library `depeche` and `feeds` are: a server id, or null for the shared library. */
  library: string | null;
  /** Every library; members are answered through `libraries.answerer(guild id)`. */
  libraries: Libraries;
  libraryFeeds: LibraryFeeds;
  operators: Operators;
  /** SERVERS_DIR, quotas, retention, OPERATOR_USER_IDS. */
  servers: ServerSettings;
  config: DiscordConfig;
  /** FETCH_* and FEED_*: how pages and feeds are fetched (/admin add url:, /admin feed). */
  ingest: IngestSettings;
  /** The feeds of the library `depeche` is (/admin feed); each library's are polled while the bot runs (in a shard, the shared library's by the writer process). */
  feeds: BotFeeds;
  log: Logger;
  limiter: RateLimiter;
  inFlight: InFlight;
  settings: BotSettings;
  /** Which exchange each answer belongs to, for follow-ups (issue 17). */
  conversations: Conversations;
  /** Answers shown with feedback buttons and members' votes (issue 17). */
  feedback: FeedbackStore;
  /** Questions that found nothing, per server, for /admin gaps (issue 17). */
  questionLog: QuestionLog;
}

/** One slash command, discord.js guide style: its definition and what it does. */
export interface Command {
  data: { readonly name: string; toJSON(): RESTPostAPIChatInputApplicationCommandsJSONBody };
  /** Member commands count against the per-user rate limit; admin ones are gated by permission. */
  rateLimited: boolean;
  /** May return extra fields for the request's log line. */
  execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<Fields | void>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void>;
}
