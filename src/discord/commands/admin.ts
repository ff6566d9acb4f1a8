/**
 * /admin: corpus management. Registered with default member permissions Manage Server and
 * guild-only; the permission is checked again here, at run time, whatever the client shows.
 * Every part acts on the invoking server's library (admin/library.ts); `library:shared` is the
 * operator's, checked at run time too, and server quotas are checked before a part runs.
 *
 * Extension point: the command is built from ADMIN_PARTS, each a subcommand or a subcommand group
 * (see AdminPart in admin/shared.ts) in its own module under admin/; a new source for /admin add
 * is one more entry in ADD_SOURCES (admin/add.ts).
 */
import { InteractionContextType, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import type { Command } from '../context.ts';
import { add } from './admin/add.ts';
import { feed } from './admin/feed.ts';
import { feedback } from './admin/feedback.ts';
import { gaps } from './admin/gaps.ts';
import { list, status } from './admin/inspect.ts';
import { reindex } from './admin/reindex.ts';
import { remove } from './admin/remove.ts';
import { addLibraryOption, libraryContext, quotaRefusal } from './admin/library.ts';
import { purge, sharedSwitch } from './admin/server.ts';
import { privateReply, type AdminPart } from './admin/shared.ts';

/** The parts of /admin, in the order Discord lists them. */
export const ADMIN_PARTS: AdminPart[] = [add, remove, list, reindex, status, feed, sharedSwitch, purge, feedback, gaps];

export function buildAdmin(parts: readonly AdminPart[]): Command {
  const data = new SlashCommandBuilder()
    .setName('admin')
    .setDescription('Gestion des articles de Dépêche (administrateurs)')
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild);
  for (const part of parts) part.register(data);
  addLibraryOption(data);
  const byName = new Map(parts.map((p) => [p.name, p]));

  return {
    data,
    rateLimited: false,
    async execute(interaction, ctx) {
      const name = interaction.options.getSubcommandGroup(false) ?? interaction.options.getSubcommand(false);
      // Who may act on which library is checked here, at run time, whatever the client shows.
      const target = await libraryContext(interaction, ctx);
      if ('refusal' in target) {
        ctx.log.warn('admin.refused', { requestId: interaction.id, userId: interaction.user.id, subcommand: name, reason: target.code });
        await privateReply(interaction, target.refusal);
        return { refused: target.code };
      }
      const part = name === null ? undefined : byName.get(name);
      if (!part) {
        await privateReply(interaction, 'Sous-commande inconnue : elle a peut-être été retirée.');
        return { refused: 'unknown subcommand' };
      }
      const library = target.ctx.library ?? 'shared';
      const quota = quotaRefusal(part.name, interaction, target.ctx);
      if (quota !== null) {
        await privateReply(interaction, `Refusé : ${quota}.`);
        return { library, refused: 'quota' };
      }
      return { library, ...(await part.execute(interaction, target.ctx)) };
    },
    async autocomplete(interaction, ctx) {
      const name = interaction.options.getSubcommandGroup(false) ?? interaction.options.getSubcommand(false);
      const part = name === null ? undefined : byName.get(name);
      // Nothing is shown to members without the permission, even if their client asks, and only the
      // chosen library's articles and feeds are (the shared one's to its operator only).
      const target = part?.autocomplete ? await libraryContext(interaction, ctx) : null;
      if (!target || 'refusal' in target) {
        await interaction.respond([]);
        return;
      }
      await part!.autocomplete!(interaction, target.ctx);
    },
  };
}

export const admin: Command = buildAdmin(ADMIN_PARTS);
