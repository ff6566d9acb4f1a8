/** /admin list and /admin status: what is indexed, read from memory and the store. */
import { renderArticleList, renderStatus, type LibraryDescription } from '../../render-admin.ts';
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
    admin.addSubcommand((s) => s.setName('status').setDescription('Articles, passages, modèle, index ; l’utilisation du serveur et ses quotas'));
  },
  async execute(interaction, ctx) {
    const library: LibraryDescription =
      ctx.library === null
        ? { kind: 'shared' }
        : {
            kind: 'server',
            usage: { ...ctx.libraries.usage(ctx.library), feeds: ctx.feeds.service.listFeeds().length },
            quotas: ctx.servers.quotas,
            sharedOff: ctx.libraries.state(ctx.library).sharedOff,
          };
    await privateReply(interaction, renderStatus(ctx.depeche.status(), Date.now(), library));
  },
};
