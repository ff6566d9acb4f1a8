/**
 * "Plus de sources" under an answer (issue 17): the next passages and their articles for the same
 * question, a page at a time, privately, without asking again. The question is read back from the
 * answer recorded for the feedback buttons (store/feedback-store.ts).
 */
import { ButtonStyle, ComponentType, MessageFlags, type APIButtonComponent, type ButtonInteraction } from 'discord.js';
import type { BotContext } from './context.ts';
import { renderPassages } from './render.ts';
import { isGone, NO_MENTIONS } from './respond.ts';

const PREFIX = 'more';
/** Passages per page; page 0 is the answer itself. */
export const MORE_PAGE = 5;
/** Pages of further sources at most: past the best few dozen passages, relevance has run out. */
export const MORE_PAGES = 3;
export const NO_MORE = 'Je n’ai pas d’autres passages pour cette question.';

export function moreSourcesButton(answerId: string, page = 1): APIButtonComponent {
  return { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: `${PREFIX}:${page}:${answerId}`, label: 'Plus de sources' };
}

export function isMoreSourcesButton(customId: string): boolean {
  return customId.startsWith(`${PREFIX}:`);
}

export async function onMoreSources(interaction: ButtonInteraction, ctx: BotContext): Promise<void> {
  const base = { requestId: interaction.id, userId: interaction.user.id, guildId: interaction.guildId, command: 'more sources' };
  try {
    const [, pageText, answerId] = interaction.customId.split(':') as [string, string, string];
    const page = Math.min(Math.max(1, Number(pageText) || 1), MORE_PAGES);
    const question = ctx.feedback.questionOf(answerId);
    if (question === null) {
      await interaction.reply({ content: NO_MORE, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
      return;
    }
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    // One more passage than the page needs says whether a next page exists.
    const result = await (await ctx.libraries.answerer(interaction.guildId)).findPassages(question, (page + 1) * MORE_PAGE + 1);
    const passages = result.passages.slice(page * MORE_PAGE, (page + 1) * MORE_PAGE);
    const hasNext = result.passages.length > (page + 1) * MORE_PAGE && page + 1 <= MORE_PAGES;
    if (passages.length === 0) {
      await interaction.editReply({ content: NO_MORE, allowedMentions: NO_MENTIONS });
      return;
    }
    const [first] = renderPassages(question, { ...result, passages }, { showQuestion: true });
    const components = hasNext ? [{ type: ComponentType.ActionRow as const, components: [moreSourcesButton(answerId, page + 1)] }] : [];
    await interaction.editReply({ content: first ?? '…', allowedMentions: NO_MENTIONS, components });
    ctx.log.info('request.done', { ...base, page, passages: passages.length, hasNext });
  } catch (error) {
    ctx.log.error('request.failed', { ...base, error });
    if (isGone(error)) return;
  }
}
