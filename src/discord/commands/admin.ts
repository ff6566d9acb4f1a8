import {
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
} from 'discord.js';
import { BusyError } from '../../app/depeche.ts';
import type { ArticleMeta } from '../../core/types.ts';
import type { Fields } from '../../log.ts';
import { AttachmentError, checkAttachment, downloadAttachment, type AttachmentInfo } from '../attachments.ts';
import type { BotContext, Command } from '../context.ts';
import { isAdmin, type MemberLike } from '../permissions.ts';
import { progressEditor } from '../progress-editor.ts';
import { renderAddResult, renderArticleList, renderProgress, renderReindexReport, renderReindexStarted, renderStatus } from '../render-admin.ts';
import { fitQuote } from '../render.ts';
import { NO_MENTIONS } from '../respond.ts';

const REFUSED = 'Cette commande est réservée aux administrateurs du serveur (permission « Gérer le serveur » ou rôle autorisé).';
const BUSY = 'Une indexation est déjà en cours : réessayez quand elle sera terminée (/admin status).';
/** Discord shows at most 25 autocomplete choices, each name and value at most 100 characters. */
const MAX_CHOICES = 25;

/** /admin add|remove|list|reindex|status: corpus management, Manage Server by default, checked again here. */
export const admin: Command = {
  data: new SlashCommandBuilder()
    .setName('admin')
    .setDescription('Gestion des articles de Dépêche (administrateurs)')
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((s) =>
      s
        .setName('add')
        .setDescription('Ajoute un article depuis un fichier .md ou .txt joint')
        .addAttachmentOption((o) => o.setName('file').setDescription('L’article (.md ou .txt)').setRequired(true))
        .addStringOption((o) => o.setName('title').setDescription('Titre (remplace celui du fichier)').setMaxLength(300))
        .addStringOption((o) => o.setName('outlet').setDescription('Média (remplace celui du fichier)').setMaxLength(100))
        .addStringOption((o) => o.setName('date').setDescription('Date de publication, AAAA-MM-JJ').setMinLength(10).setMaxLength(10))
        .addStringOption((o) => o.setName('link').setDescription('Lien vers l’article (https://…)').setMaxLength(500)),
    )
    .addSubcommand((s) =>
      s
        .setName('remove')
        .setDescription('Retire un article du corpus et de l’index')
        .addStringOption((o) => o.setName('article').setDescription('L’article (cherchez par titre)').setRequired(true).setAutocomplete(true)),
    )
    .addSubcommand((s) => s.setName('list').setDescription('Liste les articles indexés'))
    .addSubcommand((s) =>
      s
        .setName('reindex')
        .setDescription('Met l’index à jour en arrière-plan')
        .addBooleanOption((o) => o.setName('full').setDescription('Tout relire et tout recalculer')),
    )
    .addSubcommand((s) => s.setName('status').setDescription('Articles, passages, modèle, âge et taille de l’index')),
  rateLimited: false,

  async execute(interaction, ctx) {
    if (!allowed(interaction, ctx)) {
      ctx.log.warn('admin.refused', { requestId: interaction.id, userId: interaction.user.id, subcommand: interaction.options.getSubcommand(false) });
      await privateReply(interaction, REFUSED);
      return { refused: true };
    }
    switch (interaction.options.getSubcommand(true)) {
      case 'add':
        return add(interaction, ctx);
      case 'remove':
        return remove(interaction, ctx);
      case 'list':
        await privateReply(interaction, renderArticleList(ctx.depeche.listArticles()));
        return;
      case 'reindex':
        return reindex(interaction, ctx);
      case 'status':
        await privateReply(interaction, renderStatus(ctx.depeche.status()));
        return;
      default:
        await privateReply(interaction, 'Sous-commande inconnue.');
        return;
    }
  },

  /** Article titles for /admin remove; in memory, so well within Discord's 3 seconds. */
  async autocomplete(interaction, ctx) {
    if (!allowed(interaction, ctx)) {
      await interaction.respond([]);
      return;
    }
    const wanted = fold(String(interaction.options.getFocused()));
    const choices = ctx.depeche
      .listArticles()
      .filter((a) => wanted === '' || fold(`${a.title ?? ''} ${a.id} ${a.source ?? ''}`).includes(wanted))
      .slice(0, MAX_CHOICES)
      .map((a) => ({ name: choiceName(a.title, a.id), value: a.id.slice(0, 100) }));
    await interaction.respond(choices);
  },
};

async function add(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<Fields> {
  const file = interaction.options.getAttachment('file', true);
  const info: AttachmentInfo = { name: file.name, url: file.url, size: file.size, contentType: file.contentType };
  const fields = { requestId: interaction.id, file: info.name, bytes: info.size };
  let overrides: Partial<ArticleMeta>;
  try {
    checkAttachment(info, ctx.config.maxAttachmentBytes);
    overrides = readOverrides(interaction);
  } catch (error) {
    if (!(error instanceof AttachmentError)) throw error;
    await privateReply(interaction, `Fichier refusé : ${error.reason}.`);
    return { ...fields, refused: error.reason };
  }
  if (ctx.depeche.isReindexing) {
    await privateReply(interaction, BUSY);
    return { ...fields, refused: 'busy' };
  }
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  let bytes: Uint8Array;
  try {
    bytes = await downloadAttachment(info, ctx.config.maxAttachmentBytes, ctx.settings.downloadTimeoutMs);
  } catch (error) {
    if (!(error instanceof AttachmentError)) throw error;
    await edit(interaction, `Fichier refusé : ${error.reason}.`);
    return { ...fields, refused: error.reason };
  }
  const editor = progressEditor((c) => edit(interaction, c), (p) => renderProgress('Ajout en cours', p), ctx.settings.progressIntervalMs, ctx.log, fields);
  try {
    // Depeche validates before writing and removes what it wrote if indexing fails.
    const result = await ctx.depeche.addArticles([{ name: info.name, bytes, overrides }], (p) => editor.update(p));
    await editor.finish(renderAddResult(result));
    return { ...fields, added: result.added.map((a) => a.id), failed: result.failed.length, skipped: result.skipped.length };
  } catch (error) {
    if (!(error instanceof BusyError)) throw error;
    await editor.finish(BUSY);
    return { ...fields, refused: 'busy' };
  }
}

async function remove(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<Fields> {
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
    await edit(interaction, `Article retiré : \`${id}\` — ${article.title ? fitQuote(article.title, 200) : '(sans titre)'}.\n${renderReindexReport(report)}`.slice(0, 2000));
    return { articleId: id };
  } catch (error) {
    if (!(error instanceof BusyError)) throw error;
    await edit(interaction, BUSY);
    return { articleId: id, refused: 'busy' };
  }
}

/**
 * Starts a reindex in the background and answers at once; the reply is then edited with progress
 * and the final figures. Members keep getting answers from the current index meanwhile.
 */
async function reindex(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<Fields> {
  const full = interaction.options.getBoolean('full') ?? false;
  if (ctx.depeche.isReindexing) {
    await privateReply(interaction, BUSY);
    return { full, refused: 'busy' };
  }
  const fields = { requestId: interaction.id, userId: interaction.user.id, full };
  let replied: Promise<boolean> = Promise.resolve(false);
  // Edits wait for the first reply, whichever finishes first.
  const editor = progressEditor(
    async (c) => {
      if (await replied) await edit(interaction, c);
    },
    (p) => renderProgress('Indexation en cours', p),
    ctx.settings.progressIntervalMs,
    ctx.log,
    fields,
  );
  // Called before any await: Depeche marks itself busy at once, so a second /admin reindex is refused.
  const job = ctx.depeche.reindex({ full }, (p) => editor.update(p));
  replied = interaction
    .reply({ content: renderReindexStarted(full), flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS })
    .then(
      () => true,
      (error: unknown) => {
        ctx.log.warn('reply.failed', { ...fields, error });
        return false;
      },
    );
  void job.then(
    async (report) => {
      ctx.log.info('admin.reindex.done', { ...fields, articles: report.articles, passages: report.passages, ms: report.durationMs });
      await editor.finish(renderReindexReport(report));
    },
    async (error: unknown) => {
      ctx.log.error('admin.reindex.failed', { ...fields, error });
      await editor.finish(error instanceof BusyError ? BUSY : `L’indexation a échoué : ${fitQuote(error instanceof Error ? error.message : String(error), 1500)}`);
    },
  );
  return { full, started: await replied };
}

function readOverrides(interaction: ChatInputCommandInteraction): Partial<ArticleMeta> {
  const text = (name: string) => interaction.options.getString(name)?.replace(/\s+/g, ' ').trim() || undefined;
  const date = text('date');
  if (date !== undefined && !isIsoDate(date)) throw new AttachmentError(`la date doit s’écrire AAAA-MM-JJ (reçu « ${fitQuote(date, 20)} »)`);
  const link = text('link');
  if (link !== undefined && !/^https?:\/\/[^\s<>]+$/.test(link)) throw new AttachmentError('le lien doit commencer par http:// ou https://');
  const overrides: Partial<ArticleMeta> = {};
  const title = text('title');
  const outlet = text('outlet');
  if (title !== undefined) overrides.title = title;
  if (outlet !== undefined) overrides.source = outlet;
  if (date !== undefined) overrides.published = date;
  if (link !== undefined) overrides.url = link;
  return overrides;
}

function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(value);
}

function allowed(interaction: ChatInputCommandInteraction | AutocompleteInteraction, ctx: BotContext): boolean {
  return isAdmin(interaction.inGuild(), interaction.memberPermissions, interaction.member as MemberLike, ctx.config.adminRoleIds);
}

function privateReply(interaction: ChatInputCommandInteraction, content: string): Promise<unknown> {
  return interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
}

function edit(interaction: ChatInputCommandInteraction, content: string): Promise<unknown> {
  return interaction.editReply({ content, allowedMentions: NO_MENTIONS });
}

function choiceName(title: string | null, id: string): string {
  const name = title ? `${title.replace(/\s+/g, ' ').trim()} (${id})` : id;
  return name.length <= 100 ? name : `${name.slice(0, 99)}…`;
}

/** Lowercase without accents, for matching what an admin types against titles. */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();
}
