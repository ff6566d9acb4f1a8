import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { MAX_QUESTION_CHARS } from '../../core/question.ts';
import type { Command } from '../context.ts';
import { questionText } from '../question.ts';
import { renderPassages } from '../render.ts';
import { editWithFollowUps } from '../respond.ts';

const PASSAGES = 5;

/** /sources question:<text>: the matching passages and their articles, without a composed answer. */
export const sources: Command = {
  data: new SlashCommandBuilder()
    .setName('sources')
    .setDescription('Montre les passages d’articles qui correspondent à une question, sans composer de réponse')
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
    .addStringOption((o) => o.setName('question').setDescription('Votre question').setRequired(true).setMaxLength(MAX_QUESTION_CHARS)),
  rateLimited: true,
  async execute(interaction, ctx) {
    await interaction.deferReply();
    const question = interaction.options.getString('question', true);
    const result = await (await ctx.libraries.answerer(interaction.guildId)).findPassages(questionText(question), PASSAGES);
    await editWithFollowUps(interaction, renderPassages(question, result, { showQuestion: true }), false);
    return { found: result.found, passages: result.passages.length };
  },
};
