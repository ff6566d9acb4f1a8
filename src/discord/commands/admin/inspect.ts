/** /admin list and /admin status: what is indexed, read from memory and the store. */
import { renderArticleList, renderStatus } from '../../render-admin.ts';
import { privateReply, type AdminPart } from './shared.ts';

export const list: AdminPart = {
  name: 'list',
  register(admin) {
    admin.addSubcommand((s) => s.setName('list').setDescription('Liste les articles indexés'));
  },
  async execute(interaction, ctx) {
    const articles = ctx.depeche.listArticles();
    await privateReply(interaction, renderArticleList(articles));
    return { articles: articles.length };
  },
};

export const status: AdminPart = {
  name: 'status',
  register(admin) {
    admin.addSubcommand((s) => s.setName('status').setDescription('Articles, passages, modèle, âge et taille de l’index'));
  },
  async execute(interaction, ctx) {
    await privateReply(interaction, renderStatus(ctx.depeche.status()));
  },
};
