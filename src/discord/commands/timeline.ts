import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { MAX_QUESTION_CHARS } from '../../core/question.ts';
import type { Command } from '../context.ts';
import { questionText } from '../question.ts';
import { renderTimeline } from '../render.ts';
import { editWithFollowUps } from '../respond.ts';

/** /timeline sujet:<text>: the dated quotes about a subject, oldest first, one line per article. */
export const timeline: Command = {
  data: new SlashCommandBuilder()
    .setName('timeline')
    .setDescription('Retrace un sujet dans le temps : une citation datée par article, du plus ancien au plus récent')
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
    .addStringOption((o) => o.setName('sujet').setDescription('Le sujet à retracer').setRequired(true).setMaxLength(MAX_QUESTION_CHARS)),
  rateLimited: true,
  async execute(interaction, ctx) {
    await interaction.deferReply();
    const subject = interaction.options.getString('sujet', true);
    const result = await (await ctx.libraries.answerer(interaction.guildId)).timeline(questionText(subject));
    await editWithFollowUps(interaction, renderTimeline(result), false);
    return { found: result.found, entries: result.entries.length };
  },
};
