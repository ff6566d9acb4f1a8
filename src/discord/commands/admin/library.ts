/**
 * Which library an /admin command acts on, and what a server may still use. Always the invoking
 * server's library, whatever ids the request carries; the shared library only with
 * `library:shared` from the operator, checked here at run time.
 */
import {
  SlashCommandSubcommandBuilder,
  SlashCommandSubcommandGroupBuilder,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type SlashCommandBuilder,
} from 'discord.js';
import type { BotContext } from '../../context.ts';
import { size } from '../../render-admin.ts';
import { SHARED_REFUSED } from '../../wording.ts';
import { allowed, REFUSED } from './shared.ts';

export const LIBRARY_OPTION = 'library';

/** Adds `library:` (this server / shared) to every subcommand, groups included. */
export function addLibraryOption(admin: SlashCommandBuilder): void {
  for (const option of admin.options) {
    const subcommands = option instanceof SlashCommandSubcommandGroupBuilder ? option.options : [option];
    for (const sub of subcommands) {
      if (!(sub instanceof SlashCommandSubcommandBuilder)) continue;
      sub.addStringOption((o) =>
        o
          .setName(LIBRARY_OPTION)
          .setDescription('La bibliothèque visée : celle de ce serveur (par défaut) ou la partagée (opérateur du bot)')
          .addChoices({ name: 'ce serveur', value: 'server' }, { name: 'partagée (opérateur du bot)', value: 'shared' }),
      );
    }
  }
}

/**
 * The context an /admin part runs with: `depeche` and `feeds` are the chosen library's, or the
 * refusal to show. A server's admins get their server's library; the shared library goes to the
 * operator (`library:shared`) and to the admins of the operator's own server (HOME_GUILD_ID), where
 * it is the default.
 */
export async function libraryContext(
  interaction: ChatInputCommandInteraction | AutocompleteInteraction,
  ctx: BotContext,
): Promise<{ ctx: BotContext } | { refusal: string; code: string }> {
  const admin = allowed(interaction, ctx);
  const guildId = interaction.guildId;
  const choice = interaction.options.getString(LIBRARY_OPTION);
  const home = guildId !== null && guildId === ctx.servers.homeGuildId;
  if (choice === 'shared' || (choice === null && home)) {
    if ((home && admin) || (await ctx.operators.isOperator(interaction.user.id))) {
      return { ctx: { ...ctx, depeche: ctx.libraries.shared, feeds: ctx.libraryFeeds.shared, library: null } };
    }
    return admin ? { refusal: SHARED_REFUSED, code: 'not the operator' } : { refusal: REFUSED, code: 'not an admin' };
  }
  if (!admin) return { refusal: REFUSED, code: 'not an admin' };
  if (guildId === null) return { refusal: 'Cette commande s’utilise dans un serveur.', code: 'no server' };
  const depeche = await ctx.libraries.library(guildId);
  const scoped: BotContext = { ...ctx, depeche, library: guildId };
  // The server's feed state is opened only by the commands that use it.
  Object.defineProperty(scoped, 'feeds', { get: () => ctx.libraryFeeds.forServer(guildId, depeche), enumerable: true });
  return { ctx: scoped };
}

/** Indexations are counted for these parts (each starts one). */
const REINDEXING = new Set(['add', 'remove', 'reindex']);

/**
 * Why the server may not run this part now (a quota is reached), or null; counts the indexation it
 * is about to start. The shared library has no quota.
 */
export function quotaRefusal(part: string, interaction: ChatInputCommandInteraction, ctx: BotContext): string | null {
  const guildId = ctx.library;
  if (guildId === null) return null;
  const q = ctx.servers.quotas;
  const sub = interaction.options.getSubcommand(false);
  if (part === 'feed' && sub === 'add') {
    const feeds = ctx.feeds.service.listFeeds().length;
    if (feeds >= q.feeds) return `ce serveur suit déjà ${feeds} flux, le maximum est ${q.feeds}. Retirez-en un avec /admin feed remove`;
    return null;
  }
  if (!REINDEXING.has(part)) return null;
  const usage = ctx.libraries.usage(guildId);
  if (part === 'add') {
    if (usage.articles >= q.articles) return `ce serveur a déjà ${usage.articles} articles, le maximum est ${q.articles}. Retirez-en avec /admin remove`;
    const incoming = interaction.options.getAttachment('file')?.size ?? 0;
    if (usage.bytes + incoming > q.bytes) {
      return `les articles de ce serveur occuperaient ${size(usage.bytes + incoming)}, le maximum est ${size(q.bytes)}. Retirez-en avec /admin remove`;
    }
  }
  if (usage.reindexesLastHour >= q.reindexesPerHour) {
    return `ce serveur a lancé ${usage.reindexesLastHour} indexations (ajouts, retraits, réindexations) dans l’heure, le maximum est ${q.reindexesPerHour}. Réessayez plus tard`;
  }
  ctx.libraries.recordReindex(guildId);
  return null;
}
