/** /admin feedback: the answers members marked "👎 pas la bonne réponse", most recent first (issue 17). */
import { formatPublished } from '../../../core/time/format-date.ts';
import { escapeText } from '../../render.ts';
import { privateReply, type AdminPart } from './shared.ts';

const LIMIT = 10;
const MAX_CHARS = 1900;
export const NO_FEEDBACK = 'Aucune réponse n’a été marquée « pas la bonne réponse » sur ce serveur.';

export const feedback: AdminPart = {
  name: 'feedback',
  register: (admin) => admin.addSubcommand((s) => s.setName('feedback').setDescription('Les réponses récentes marquées « pas la bonne réponse »')),
  async execute(interaction, ctx) {
    const rows = ctx.feedback.recentDownVoted(interaction.guildId, LIMIT);
    if (rows.length === 0) {
      await privateReply(interaction, NO_FEEDBACK);
      return { downVoted: 0 };
    }
    const lines = ['**Réponses marquées « pas la bonne réponse »** (les plus récentes d’abord) :'];
    for (const r of rows) {
      const cited = r.citations.map((c) => c.title ?? c.articleId).slice(0, 2).join(' ; ') || '—';
      const line = `• ${formatPublished(r.at.slice(0, 10))} — 👎 ×${r.downs} — « ${escapeText(r.question)} » → cité : ${escapeText(cited)}`;
      if (lines.join('\n').length + line.length + 1 > MAX_CHARS) break;
      lines.push(line);
    }
    await privateReply(interaction, lines.join('\n'));
    return { downVoted: rows.length };
  },
};
