/**
 * /admin feedback [answer:<short id> article:<id>] (issue 17). Without options: the answers members
 * marked "👎 pas la bonne réponse", most recent first, each with its short id. With both: the admin
 * labels that answer with the article that should have been cited, which makes it a case of
 * `npm run eval -- feedback`. Only the invoking server's answers can be labelled (looked up within
 * that server, at run time).
 */
import type { ArticleSummary } from '../../../app/snapshot.ts';
import { formatPublished } from '../../../core/time/format-date.ts';
import type { BotContext } from '../../context.ts';
import { escapeText, fitQuote } from '../../render.ts';
import { fold, MAX_CHOICES, privateReply, type AdminPart } from './shared.ts';

const LIMIT = 10;
const MAX_CHARS = 1900;
export const NO_FEEDBACK = 'Aucune réponse n’a été marquée « pas la bonne réponse » sur ce serveur.';
export const BOTH_NEEDED = 'Pour indiquer le bon article, donnez à la fois `answer` (l’identifiant montré par /admin feedback) et `article`.';
export const UNKNOWN_ANSWER = 'Aucune réponse marquée « pas la bonne réponse » sur ce serveur ne porte cet identifiant : reprenez-le dans /admin feedback.';
export const UNKNOWN_ARTICLE = 'Aucun article de ce nom dans la bibliothèque : choisissez-le dans la liste proposée.';

export const feedback: AdminPart = {
  name: 'feedback',
  register: (admin) =>
    admin.addSubcommand((s) =>
      s
        .setName('feedback')
        .setDescription('Les réponses marquées « pas la bonne réponse », ou indiquer le bon article pour l’une d’elles')
        .addStringOption((o) => o.setName('answer').setDescription('L’identifiant de la réponse (montré par /admin feedback)').setAutocomplete(true))
        .addStringOption((o) => o.setName('article').setDescription('L’article qui aurait dû être cité (cherchez par titre)').setAutocomplete(true)),
    ),

  async execute(interaction, ctx) {
    const answerId = interaction.options.getString('answer');
    const articleId = interaction.options.getString('article');
    if (answerId !== null || articleId !== null) {
      if (answerId === null || articleId === null) {
        await privateReply(interaction, BOTH_NEEDED);
        return { refused: 'label incomplete' };
      }
      const answer = ctx.feedback.findDownVoted(interaction.guildId, answerId);
      if (answer === 'unknown' || answer === 'ambiguous') {
        await privateReply(interaction, UNKNOWN_ANSWER);
        return { refused: `answer ${answer}` };
      }
      const found = labelArticles(ctx).find((a) => a.article.id === articleId);
      if (!found) {
        await privateReply(interaction, UNKNOWN_ARTICLE);
        return { refused: 'unknown article' };
      }
      ctx.feedback.label(answer.id, found.article.id, found.library);
      const title = found.article.title ? fitQuote(found.article.title, 200) : found.article.id;
      await privateReply(interaction, `Noté : pour « ${escapeText(fitQuote(answer.question, 300))} » \`${answer.shortId}\`, le bon article est ${escapeText(title)}. Ce cas entre dans \`npm run eval -- feedback\`.`);
      return { labelled: answer.id, articleId: found.article.id };
    }

    const rows = ctx.feedback.recentDownVoted(interaction.guildId, LIMIT);
    if (rows.length === 0) {
      await privateReply(interaction, NO_FEEDBACK);
      return { downVoted: 0 };
    }
    const lines = ['**Réponses marquées « pas la bonne réponse »** (les plus récentes d’abord ; `/admin feedback answer:<id> article:…` indique le bon article) :'];
    for (const r of rows) {
      const cited = r.citations.map((c) => c.title ?? c.articleId).slice(0, 2).join(' ; ') || '—';
      const label = r.label ? ` — bon article : \`${r.label.articleId}\`` : '';
      const line = `• \`${r.shortId}\` ${formatPublished(r.at.slice(0, 10))} — 👎 ×${r.downs} — « ${escapeText(r.question)} » → cité : ${escapeText(cited)}${label}`;
      if (lines.join('\n').length + line.length + 1 > MAX_CHARS) break;
      lines.push(line);
    }
    await privateReply(interaction, lines.join('\n'));
    return { downVoted: rows.length };
  },

  /** `answer`: the server's recent 👎 answers; `article`: the chosen library's articles (and the shared ones a server also answers from). */
  async autocomplete(interaction, ctx) {
    const focused = interaction.options.getFocused(true);
    const wanted = fold(String(focused.value));
    if (focused.name === 'answer') {
      const choices = ctx.feedback
        .recentDownVoted(interaction.guildId, MAX_CHOICES)
        .filter((r) => wanted === '' || fold(`${r.shortId} ${r.question}`).includes(wanted))
        .map((r) => ({ name: choiceName(`${r.shortId} — ${r.question}`), value: r.shortId }));
      await interaction.respond(choices);
      return;
    }
    const choices = labelArticles(ctx)
      .filter(({ article: a }) => wanted === '' || fold(`${a.title ?? ''} ${a.id}`).includes(wanted))
      .slice(0, MAX_CHOICES)
      .map(({ article: a }) => ({ name: choiceName(a.title ? `${a.title} (${a.id})` : a.id), value: a.id.slice(0, 100) }));
    await interaction.respond(choices);
  },
};

/**
 * The articles a label may name: the chosen library's, then, for a server's library, the shared
 * library's (its members' answers quote both). `library` is where the article is (null: shared).
 */
function labelArticles(ctx: BotContext): { article: ArticleSummary; library: string | null }[] {
  const own = ctx.depeche.listArticles().map((article) => ({ article, library: ctx.library }));
  if (ctx.library === null) return own;
  return [...own, ...ctx.libraries.shared.listArticles().map((article) => ({ article, library: null }))];
}

function choiceName(text: string): string {
  const name = text.replace(/\s+/g, ' ').trim();
  return name.length <= 100 ? name : `${name.slice(0, 99)}…`;
}
