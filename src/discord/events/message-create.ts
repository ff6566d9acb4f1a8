import type { Client, Message } from 'discord.js';
import { askFollowUp } from '../../app/follow-ups.ts';
import type { BotContext } from '../context.ts';
import { feedbackButtons } from '../feedback.ts';
import { recordGap } from '../gaps.ts';
import { earlierFor, isReplyToBot } from '../follow-up-context.ts';
import { questionText } from '../question.ts';
import { renderAnswer } from '../render.ts';
import { GENERIC_ERROR, NO_MENTIONS, politeLimit } from '../respond.ts';

const HELP = 'Posez-moi une question après la mention, par exemple : « Combien de brevets Microsoft a-t-il vendus à Xiaomi ? »';

/**
 * The question in a message, or null when the bot should stay silent: messages from bots (itself
 * included) and messages that do not mention the bot explicitly (by user or by its managed role).
 */
export function mentionQuestion(content: string, authorIsBot: boolean, botId: string, botRoleId: string | null): string | null {
  if (authorIsBot) return null;
  const tags = [`<@${botId}>`, `<@!${botId}>`, ...(botRoleId ? [`<@&${botRoleId}>`] : [])];
  if (!tags.some((t) => content.includes(t))) return null;
  let question = content;
  for (const t of tags) question = question.split(t).join(' ');
  return question.replace(/\s+/g, ' ').trim();
}

/** `@Dépêche question` in a channel: the answer as a reply to that message. */
export function onMessageCreate(ctx: BotContext, client: Client) {
  return (message: Message): void => {
    if (!message.inGuild() || message.system || message.webhookId) return;
    const botId = client.user?.id;
    if (!botId) return;
    const botRoleId = message.guild.roles.botRoleFor(botId)?.id ?? null;
    // A reply to one of the bot's answers pings it without writing the mention: a follow-up.
    const question = mentionQuestion(message.content, message.author.bot, botId, botRoleId) ?? (!message.author.bot && isReplyToBot(message, botId) ? message.content : null);
    if (question === null) return;
    // During shutdown a mention is simply not taken: there is no private way to say so.
    ctx.inFlight.run(() => answer(message, question, ctx));
  };
}

async function answer(message: Message<true>, question: string, ctx: BotContext): Promise<void> {
  const started = performance.now();
  const base = { requestId: message.id, userId: message.author.id, guildId: message.guildId, channelId: message.channelId, command: 'mention' };
  const latencyMs = () => Math.round(performance.now() - started);
  const reply = (content: string) => message.reply({ content, allowedMentions: NO_MENTIONS, failIfNotExists: false });
  try {
    const verdict = ctx.limiter.take(message.author.id);
    if (!verdict.ok) {
      await reply(politeLimit(verdict.retryAfterMs));
      ctx.log.info('request.rate_limited', { ...base, retryAfterMs: verdict.retryAfterMs, latencyMs: latencyMs() });
      return;
    }
    if (questionText(question) === '') {
      await reply(HELP);
      ctx.log.info('request.done', { ...base, empty: true, latencyMs: latencyMs() });
      return;
    }
    void message.channel.sendTyping().catch(() => undefined); // cosmetic
    const { answer, timings, carried, next } = await askFollowUp(await ctx.libraries.answerer(message.guildId), questionText(question), earlierFor(message, ctx.conversations));
    const [first, ...rest] = renderAnswer(answer, { showQuestion: false });
    recordGap(ctx, message.guildId, answer.question, answer);
    // Feedback buttons go under the answer's last message.
    const components = feedbackButtons(ctx, message.guildId, answer);
    const sent = [await message.reply({ content: first ?? '…', allowedMentions: NO_MENTIONS, failIfNotExists: false, components: rest.length ? [] : components })];
    for (const [i, content] of rest.entries()) sent.push(await message.channel.send({ content, allowedMentions: NO_MENTIONS, components: i === rest.length - 1 ? components : [] }));
    ctx.conversations.remember({ messageIds: sent.map((m) => m.id), channelId: message.channelId, userId: message.author.id, earlier: next });
    ctx.log.info('request.done', { ...base, found: answer.found, citations: answer.citations.length, followUp: carried !== null, ...timings, latencyMs: latencyMs() });
  } catch (error) {
    ctx.log.error('request.failed', { ...base, latencyMs: latencyMs(), error });
    await reply(GENERIC_ERROR).catch((e: unknown) => ctx.log.warn('reply.failed', { ...base, error: e }));
  }
}
