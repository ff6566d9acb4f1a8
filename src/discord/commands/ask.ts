import { InteractionContextType, MessageFlags, SlashCommandBuilder } from 'discord.js';
import { MAX_QUESTION_CHARS } from '../../core/question.ts';
import type { Command } from '../context.ts';
import { questionText } from '../question.ts';
import { renderAnswer } from '../render.ts';
import { feedbackButtons } from '../feedback.ts';
import { recordGap } from '../gaps.ts';
import { editWithFollowUps } from '../respond.ts';

/** /ask question:<text> [private]: a quoted, sourced answer. */
export const ask: Command = {
  data: new SlashCommandBuilder()
    .setName('ask')
    .setDescription('Pose une question sur l’actualité : réponse en citations exactes, avec leurs sources')
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
    .addStringOption((o) => o.setName('question').setDescription('Votre question').setRequired(true).setMaxLength(MAX_QUESTION_CHARS))
    .addBooleanOption((o) => o.setName('private').setDescription('Réponse visible par vous seul')),
  rateLimited: true,
  async execute(interaction, ctx) {
    const ephemeral = interaction.options.getBoolean('private') ?? false;
    // Answers can take longer than Discord's 3-second window: acknowledge first.
    await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
    const asked = interaction.options.getString('question', true);
    const { answer, timings } = await (await ctx.libraries.answerer(interaction.guildId)).askTimed(questionText(asked));
    // The question is shown as the member typed it (made harmless by the renderer).
    recordGap(ctx, interaction.guildId, asked, answer);
    const buttons = feedbackButtons(ctx, interaction.guildId, { ...answer, question: asked });
    await editWithFollowUps(interaction, renderAnswer({ ...answer, question: asked }, { showQuestion: true }), ephemeral, buttons);
    return { found: answer.found, citations: answer.citations.length, ...timings };
  },
};
