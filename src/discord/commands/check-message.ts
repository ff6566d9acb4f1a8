/**
 * "Vérifier avec Dépêche": a message context-menu command (right-click a message → Apps). The
 * message's text is checked against the corpus (app/check-claim.ts); the reply quotes the closest
 * articles and says where the message's figures differ from theirs.
 */
import {
  ApplicationCommandType,
  ContextMenuCommandBuilder,
  InteractionContextType,
  type MessageContextMenuCommandInteraction,
} from 'discord.js';
import { checkClaim } from '../../app/check-claim.ts';
import { MAX_QUESTION_CHARS } from '../../core/question.ts';
import type { BotContext } from '../context.ts';
import { questionText } from '../question.ts';
import { renderAnswer } from '../render.ts';
import { GENERIC_ERROR, isGone, NO_MENTIONS, politeLimit } from '../respond.ts';

export const CHECK_MESSAGE = 'Vérifier avec Dépêche';
const NO_TEXT = 'Ce message n’a pas de texte à vérifier.';

export const checkMessage = {
  data: new ContextMenuCommandBuilder().setName(CHECK_MESSAGE).setType(ApplicationCommandType.Message).setContexts(InteractionContextType.Guild),
};

/** Handles the context-menu command: rate-limited like a question, logged like every request. */
export async function onCheckMessage(interaction: MessageContextMenuCommandInteraction, ctx: BotContext): Promise<void> {
  const started = performance.now();
  const base = { requestId: interaction.id, userId: interaction.user.id, guildId: interaction.guildId, channelId: interaction.channelId, command: CHECK_MESSAGE };
  const latencyMs = () => Math.round(performance.now() - started);
  try {
    const verdict = ctx.limiter.take(interaction.user.id);
    if (!verdict.ok) {
      await interaction.reply({ content: politeLimit(verdict.retryAfterMs), flags: 64, allowedMentions: NO_MENTIONS });
      ctx.log.info('request.rate_limited', { ...base, retryAfterMs: verdict.retryAfterMs, latencyMs: latencyMs() });
      return;
    }
    const claim = questionText(interaction.targetMessage.content).slice(0, MAX_QUESTION_CHARS);
    if (claim === '') {
      await interaction.reply({ content: NO_TEXT, flags: 64, allowedMentions: NO_MENTIONS });
      ctx.log.info('request.done', { ...base, empty: true, latencyMs: latencyMs() });
      return;
    }
    await interaction.deferReply();
    const { answer, timings, differs } = await checkClaim(await ctx.libraries.answerer(interaction.guildId), claim);
    const [first, ...rest] = renderAnswer(answer, { showQuestion: false });
    await interaction.editReply({ content: first ?? '…', allowedMentions: NO_MENTIONS });
    for (const content of rest) await interaction.followUp({ content, allowedMentions: NO_MENTIONS });
    ctx.log.info('request.done', { ...base, found: answer.found, citations: answer.citations.length, differs, ...timings, latencyMs: latencyMs() });
  } catch (error) {
    ctx.log.error('request.failed', { ...base, latencyMs: latencyMs(), error });
    if (isGone(error)) return;
    const reply = interaction.deferred || interaction.replied ? interaction.editReply({ content: GENERIC_ERROR, allowedMentions: NO_MENTIONS }) : interaction.reply({ content: GENERIC_ERROR, flags: 64, allowedMentions: NO_MENTIONS });
    await reply.catch((e: unknown) => ctx.log.warn('reply.failed', { ...base, error: e }));
  }
}
