/**
 * Feedback buttons under answers (issue 17): "👍" and "👎 pas la bonne réponse". Each answer shown
 * with them is recorded first (store/feedback-store.ts); a click records the member's vote once.
 */
import { ButtonStyle, ComponentType, MessageFlags, type APIActionRowComponent, type APIButtonComponent, type ButtonInteraction } from 'discord.js';
import type { Answer } from '../core/types.ts';
import type { Vote } from '../store/feedback-store.ts';
import type { BotContext } from './context.ts';
import { moreSourcesButton } from './more-sources.ts';
import { isGone, NO_MENTIONS } from './respond.ts';

const PREFIX = 'feedback';
export const THANKS = 'Merci, votre avis est enregistré.';
export const ALREADY = 'Vous avez déjà donné votre avis sur cette réponse.';
export const UNKNOWN = 'Cette réponse n’est plus connue : votre avis n’a pas pu être enregistré.';

/** Records a found answer and returns the buttons to show under it (none for "nothing found"). */
export function feedbackButtons(ctx: BotContext, guildId: string | null, answer: Answer): APIActionRowComponent<APIButtonComponent>[] {
  if (!answer.found) return [];
  const id = ctx.feedback.recordAnswer({
    guildId,
    question: answer.question,
    answer: answer.answer,
    citations: answer.citations.map((c) => ({ articleId: c.articleId, title: c.title, published: c.published })),
  });
  return [
    {
      type: ComponentType.ActionRow,
      components: [
        { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: `${PREFIX}:up:${id}`, emoji: { name: '👍' } },
        { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: `${PREFIX}:down:${id}`, emoji: { name: '👎' }, label: 'pas la bonne réponse' },
        moreSourcesButton(id),
      ],
    },
  ];
}

export function isFeedbackButton(customId: string): boolean {
  return customId.startsWith(`${PREFIX}:`);
}

/** A click: the vote recorded once per member and answer; a private word back. */
export async function onFeedbackButton(interaction: ButtonInteraction, ctx: BotContext): Promise<void> {
  const base = { requestId: interaction.id, userId: interaction.user.id, guildId: interaction.guildId, command: 'feedback' };
  try {
    const [, vote, answerId] = interaction.customId.split(':') as [string, Vote, string];
    const result = vote === 'up' || vote === 'down' ? ctx.feedback.vote(answerId, interaction.user.id, vote) : 'unknown';
    const content = result === 'recorded' ? THANKS : result === 'already' ? ALREADY : UNKNOWN;
    await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
    ctx.log.info('request.done', { ...base, vote, result });
  } catch (error) {
    ctx.log.error('request.failed', { ...base, error });
    if (!isGone(error)) await interaction.reply({ content: UNKNOWN, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS }).catch(() => undefined);
  }
}
