/** /admin remove article:<id>, with autocomplete over article titles. */
import { MessageFlags } from 'discord.js';
import { BusyError } from '../../../app/depeche.ts';
import { renderReindexReport } from '../../render-admin.ts';
import { fitQuote, MAX_CONTENT } from '../../render.ts';
import { BUSY, edit, fold, MAX_CHOICES, privateReply, type AdminPart } from './shared.ts';

export const remove: AdminPart = {
  name: 'remove',
  register(admin) {
    admin.addSubcommand((s) =>
      s
        .setName('remove')
        .setDescription('Retire un article du corpus et de l’index')
        .addStringOption((o) => o.setName('article').setDescription('L’article (cherchez par titre)').setRequired(true).setAutocomplete(true)),
    );
  },

  async execute(interaction, ctx) {
    const id = interaction.options.getString('article', true);
    const article = ctx.depeche.listArticles().find((a) => a.id === id);
    if (!article) {
      await privateReply(interaction, `Aucun article « ${fitQuote(id, 100)} » : choisissez-le dans la liste proposée.`);
      return { articleId: id, refused: 'unknown article' };
    }
    if (ctx.depeche.isReindexing) {
      await privateReply(interaction, BUSY);
      return { articleId: id, refused: 'busy' };
    }
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    try {
      const report = await ctx.depeche.removeArticle(id);
      const title = article.title ? fitQuote(article.title, 200) : '(sans titre)';
      await edit(interaction, `Article retiré : \`${id}\` — ${title}.\n${renderReindexReport(report)}`.slice(0, MAX_CONTENT));
      return { articleId: id };
    } catch (error) {
      if (!(error instanceof BusyError)) throw error;
      await edit(interaction, BUSY);
      return { articleId: id, refused: 'busy' };
    }
  },

  /** Article titles matching what the admin types; in memory, so well within Discord's 3 seconds. */
  async autocomplete(interaction, ctx) {
    const wanted = fold(String(interaction.options.getFocused()));
    const choices = ctx.depeche
      .listArticles()
      .filter((a) => wanted === '' || fold(`${a.title ?? ''} ${a.id} ${a.source ?? ''}`).includes(wanted))
      .slice(0, MAX_CHOICES)
      .map((a) => ({ name: choiceName(a.title, a.id), value: a.id.slice(0, 100) }));
    await interaction.respond(choices);
  },
};

function choiceName(title: string | null, id: string): string {
  const name = title ? `${title.replace(/\s+/g, ' ').trim()} (${id})` : id;
  return name.length <= 100 ? name : `${name.slice(0, 99)}…`;
}
