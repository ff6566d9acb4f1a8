/** /admin gaps list | clear: the most asked subjects nobody could answer, grouped by shared words (issue 17). */
import { groupGaps } from '../../../core/gaps.ts';
import { escapeText } from '../../render.ts';
import { privateReply, type AdminPart } from './shared.ts';

const MAX_CHARS = 1900;
export const NO_GAPS = 'Aucune question restée sans réponse n’est gardée pour ce serveur.';

export const gaps: AdminPart = {
  name: 'gaps',
  register(admin) {
    admin.addSubcommandGroup((g) =>
      g
        .setName('gaps')
        .setDescription('Les questions restées sans réponse')
        .addSubcommand((s) => s.setName('list').setDescription('Les sujets les plus demandés sans réponse, regroupés par mots communs'))
        .addSubcommand((s) => s.setName('clear').setDescription('Efface les questions sans réponse gardées pour ce serveur')),
    );
  },
  async execute(interaction, ctx) {
    const sub = interaction.options.getSubcommand(true);
    if (sub === 'clear') {
      const deleted = ctx.questionLog.clear(interaction.guildId);
      await privateReply(interaction, `Questions sans réponse effacées : ${deleted}.`);
      return { deleted };
    }
    const questions = ctx.questionLog.recent(interaction.guildId).map((q) => q.question);
    if (questions.length === 0) {
      await privateReply(interaction, NO_GAPS);
      return { unanswered: 0 };
    }
    const lines = [`**Questions sans réponse** (${questions.length}, gardées ${ctx.config.questionLogDays} jours) :`];
    for (const g of groupGaps(questions)) {
      const line = `• **${escapeText(g.words.join(' '))}** ×${g.count} — ${g.examples.map((q) => `« ${escapeText(q)} »`).join(' ; ')}`;
      if (lines.join('\n').length + line.length + 1 > MAX_CHARS) break;
      lines.push(line);
    }
    await privateReply(interaction, lines.join('\n'));
    return { unanswered: questions.length };
  },
};
