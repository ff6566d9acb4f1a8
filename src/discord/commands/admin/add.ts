/** /admin add: an article from an attached file (and, through ADD_SOURCES, from other sources). */
import { MessageFlags, type ChatInputCommandInteraction } from 'discord.js';
import { BusyError } from '../../../app/depeche.ts';
import type { ArticleMeta } from '../../../core/types.ts';
import type { Fields } from '../../../log.ts';
import { allowedAttachmentOrigins, checkAttachment, downloadAttachment, type AttachmentInfo } from '../../attachments.ts';
import type { BotContext } from '../../context.ts';
import { htmlAttachmentArticle, isHtmlName } from '../../html-attachment.ts';
import { progressEditor } from '../../progress-editor.ts';
import { Refusal } from '../../refusal.ts';
import { renderAddResult, renderProgress } from '../../render-admin.ts';
import { fitQuote } from '../../render.ts';
import type { AddSource, FetchedArticle } from './add-source.ts';
import { urlSource } from './add-url.ts';
import { BUSY, edit, privateReply, type AdminPart } from './shared.ts';

/**
 * An attached .md, .txt or .html file, downloaded from the attachment's URL only, bounded in size
 * and time. A web page goes through the same extraction as an article added by URL.
 */
export const fileSource: AddSource = {
  option: 'file',
  addOption(sub, required) {
    sub.addAttachmentOption((o) => o.setName('file').setDescription('L’article (.md, .txt ou page .html)').setRequired(required));
  },
  prepare(interaction, ctx) {
    const file = interaction.options.getAttachment('file', true);
    const info: AttachmentInfo = { name: file.name, url: file.url, size: file.size, contentType: file.contentType };
    checkAttachment(info, ctx.config.maxAttachmentBytes);
    return {
      fields: { file: info.name, bytes: info.size },
      fetch: async () => {
        const bytes = await downloadAttachment(info, {
          maxBytes: ctx.config.maxAttachmentBytes,
          timeoutMs: ctx.settings.downloadTimeoutMs,
          allowedOrigins: allowedAttachmentOrigins(ctx.config),
        });
        if (!isHtmlName(info.name)) return { name: info.name, bytes };
        const link = interaction.options.getString('link')?.trim() || null;
        return htmlAttachmentArticle(info.name, bytes, info.contentType, link && /^https?:\/\/[^\s<>]+$/.test(link) ? link : null);
      },
    };
  },
};

/** Every source of /admin add, in the order their options are shown. */
export const ADD_SOURCES: AddSource[] = [fileSource, urlSource];

export const add: AdminPart = {
  name: 'add',
  register(admin) {
    admin.addSubcommand((s) => {
      s.setName('add').setDescription(ADD_SOURCES.length === 1 ? 'Ajoute un article depuis un fichier joint (.md, .txt ou page .html)' : 'Ajoute un article (fichier joint ou lien)');
      for (const source of ADD_SOURCES) source.addOption(s, ADD_SOURCES.length === 1);
      return s
        .addStringOption((o) => o.setName('title').setDescription('Titre (remplace celui du fichier)').setMaxLength(300))
        .addStringOption((o) => o.setName('outlet').setDescription('Média (remplace celui du fichier)').setMaxLength(100))
        .addStringOption((o) => o.setName('date').setDescription('Date de publication, AAAA-MM-JJ').setMinLength(10).setMaxLength(10))
        .addStringOption((o) => o.setName('link').setDescription('Lien vers l’article (https://…)').setMaxLength(500));
    });
  },
  execute: addArticle,
};

async function addArticle(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<Fields> {
  const given = ADD_SOURCES.filter((s) => interaction.options.get(s.option) !== null);
  const base: Fields = { requestId: interaction.id };
  let prepared: ReturnType<AddSource['prepare']>;
  let overrides: Partial<ArticleMeta>;
  try {
    if (given.length !== 1) throw new Refusal(`donnez ${given.length === 0 ? 'un' : 'un seul'} de ces éléments : ${ADD_SOURCES.map((s) => s.option).join(', ')}`);
    prepared = given[0]!.prepare(interaction, ctx);
    overrides = readOverrides(interaction);
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    await privateReply(interaction, `Refusé : ${error.reason}.`);
    return { ...base, refused: error.code ?? error.reason };
  }
  const fields = { ...base, ...prepared.fields };
  if (ctx.depeche.isReindexing) {
    await privateReply(interaction, BUSY);
    return { ...fields, refused: 'busy' };
  }
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  let fetched: FetchedArticle;
  try {
    fetched = await prepared.fetch();
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    await edit(interaction, `Refusé : ${error.reason}.`);
    return { ...fields, refused: error.code ?? error.reason };
  }
  const editor = progressEditor((c) => edit(interaction, c), (p) => renderProgress('Ajout en cours', p), ctx.settings.progressIntervalMs, ctx.log, fields);
  try {
    // Depeche validates before writing and removes what it wrote if indexing fails.
    const input = { name: fetched.name, bytes: fetched.bytes, overrides: { ...fetched.meta, ...overrides }, ...(fetched.replace ? { replace: true } : {}) };
    const result = await ctx.depeche.addArticles([input], (p) => editor.update(p));
    await editor.finish(renderAddResult(result));
    return { ...fields, added: result.added.map((a) => a.id), failed: result.failed.length, skipped: result.skipped.length };
  } catch (error) {
    if (!(error instanceof BusyError)) {
      await editor.cancel();
      throw error; // logged with details; the admin gets the short error message
    }
    await editor.finish(BUSY);
    return { ...fields, refused: 'busy' };
  }
}

function readOverrides(interaction: ChatInputCommandInteraction): Partial<ArticleMeta> {
  const text = (name: string) => interaction.options.getString(name)?.replace(/\s+/g, ' ').trim() || undefined;
  const date = text('date');
  if (date !== undefined && !isIsoDate(date)) throw new Refusal(`la date doit s’écrire AAAA-MM-JJ (reçu « ${fitQuote(date, 20)} »)`);
  const link = text('link');
  if (link !== undefined && !/^https?:\/\/[^\s<>]+$/.test(link)) throw new Refusal('le lien doit commencer par http:// ou https://');
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
