/**
 * Which earlier exchange a member's message follows up: the bot answer it replies to (a Discord
 * reply), else the member's own recent question in the same channel.
 */
import type { Message } from 'discord.js';
import type { Earlier } from '../app/follow-ups.ts';
import type { Conversations } from './conversation.ts';

/** A reply to one of the bot's messages that pings it (Discord's default for a reply): addressed to the bot. */
export function isReplyToBot(message: Message, botId: string): boolean {
  return message.reference?.messageId != null && message.mentions.repliedUser?.id === botId;
}

export function earlierFor(message: Message<true>, conversations: Conversations): Earlier | null {
  const replied = message.reference?.messageId;
  if (replied) {
    const answered = conversations.answeredBy(replied);
    if (answered) return answered;
  }
  return conversations.recent(message.channelId, message.author.id);
}
