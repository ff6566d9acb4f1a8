/**
 * /admin: corpus management. Registered with default member permissions Manage Server and
 * guild-only; the permission is checked again here, at run time, whatever the client shows.
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
import { allowed, privateReply, REFUSED, type AdminPart } from './admin/shared.ts';

/** The parts of /admin, in the order Discord lists them. */
export const ADMIN_PARTS: AdminPart[] = [add, remove, list, reindex, status, feed, feedback, gaps];

export function buildAdmin(parts: readonly AdminPart[]): Command {
  const data = new SlashCommandBuilder()
    .setName('admin')
    .setDescription('Gestion des articles de Dépêche (administrateurs)')
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild);
  for (const part of parts) part.register(data);
  const byName = new Map(parts.map((p) => [p.name, p]));

  return {
    data,
    rateLimited: false,
    async execute(interaction, ctx) {
      const name = interaction.options.getSubcommandGroup(false) ?? interaction.options.getSubcommand(false);
      if (!allowed(interaction, ctx)) {
        ctx.log.warn('admin.refused', { requestId: interaction.id, userId: interaction.user.id, subcommand: name });
        await privateReply(interaction, REFUSED);
        return { refused: 'not an admin' };
      }
      const part = name === null ? undefined : byName.get(name);
      if (!part) {
        await privateReply(interaction, 'Sous-commande inconnue : elle a peut-être été retirée.');
        return { refused: 'unknown subcommand' };
      }
      return part.execute(interaction, ctx);
    },
    async autocomplete(interaction, ctx) {
      const name = interaction.options.getSubcommandGroup(false) ?? interaction.options.getSubcommand(false);
      const part = name === null ? undefined : byName.get(name);
      // Nothing is shown to members without the permission, even if their client asks.
      if (!allowed(interaction, ctx) || !part?.autocomplete) {
        await interaction.respond([]);
        return;
      }
      await part.autocomplete(interaction, ctx);
    },
  };
}

export const admin: Command = buildAdmin(ADMIN_PARTS);
