/**
 * What the bot remembers of its conversations, in memory and bounded: which exchange each of its
 * answer messages belongs to (a Discord reply to one asks a follow-up), and each member's last
 * exchange per channel for a few minutes (a mention right after one's own question follows it up).
 * Nothing is written anywhere; a restart forgets, and a follow-up is then answered on its own words.
 */
import type { Earlier } from '../app/follow-ups.ts';

export interface ConversationOptions {
  /** Answer messages and recent exchanges kept at most (the oldest are forgotten first). */
  maxEntries?: number;
  /** How long a member's last question in a channel counts as the subject of their next mention. */
  recentMs?: number;
  now?: () => number;
}

/** A mention within this many minutes of the member's own question in the same channel follows it up. */
export const RECENT_MINUTES = 5;
const MAX_ENTRIES = 2000;

export class Conversations {
  private readonly answers = new Map<string, Earlier>();
  private readonly recents = new Map<string, { earlier: Earlier; at: number }>();
  private readonly maxEntries: number;
  private readonly recentMs: number;
  private readonly now: () => number;

  constructor(options: ConversationOptions = {}) {
    this.maxEntries = options.maxEntries ?? MAX_ENTRIES;
    this.recentMs = options.recentMs ?? RECENT_MINUTES * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Remembers an exchange: the bot's messages that carry its answer, and the member's last question here. */
  remember(exchange: { messageIds: readonly string[]; channelId: string; userId: string; earlier: Earlier }): void {
    for (const id of exchange.messageIds) put(this.answers, id, exchange.earlier, this.maxEntries);
    put(this.recents, `${exchange.channelId}:${exchange.userId}`, { earlier: exchange.earlier, at: this.now() }, this.maxEntries);
  }

  /** The exchange a bot message answered, if it is remembered. */
  answeredBy(messageId: string): Earlier | null {
    return this.answers.get(messageId) ?? null;
  }

  /** The member's own last exchange in this channel, if recent enough. */
  recent(channelId: string, userId: string): Earlier | null {
    const key = `${channelId}:${userId}`;
    const entry = this.recents.get(key);
    if (!entry) return null;
    if (this.now() - entry.at > this.recentMs) {
      this.recents.delete(key);
      return null;
    }
    return entry.earlier;
  }
}

/** Sets a key as the newest entry, forgetting the oldest beyond `max` (a Map iterates in insertion order). */
function put<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) map.delete(map.keys().next().value!);
}
