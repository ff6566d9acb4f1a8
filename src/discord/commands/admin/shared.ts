/** What the /admin subcommands share: refusals, private replies, the run-time permission check. */
import { MessageFlags, type AutocompleteInteraction, type ChatInputCommandInteraction, type SlashCommandBuilder } from 'discord.js';
import type { Fields } from '../../../log.ts';
import type { BotContext } from '../../context.ts';
import { isAdmin, type MemberLike } from '../../permissions.ts';
import { NO_MENTIONS } from '../../respond.ts';

export const REFUSED = 'Cette commande est réservée aux administrateurs du serveur (permission « Gérer le serveur » ou rôle autorisé).';
export const BUSY = 'Une indexation est déjà en cours : réessayez quand elle sera terminée (/admin status).';

/**
 * One part of /admin: a subcommand (`add`, `remove`…) or a subcommand group (`feed`). admin.ts
 * builds the command from a list of these and dispatches to them by name, after the permission
 * check, so a new part only has to describe itself and be listed there.
 */
export interface AdminPart {
  /** The subcommand's name, or the group's name for a subcommand group. */
  name: string;
  /** Adds the subcommand (`admin.addSubcommand(...)`) or group (`admin.addSubcommandGroup(...)`). */
  register(admin: Pick<SlashCommandBuilder, 'addSubcommand' | 'addSubcommandGroup'>): void;
  /** Runs it for an admin (already checked). May return extra fields for the request's log line. */
  execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<Fields | void>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void>;
}

/** Manage Server or a role of ADMIN_ROLE_IDS, checked at run time whatever the client shows. */
export function allowed(interaction: ChatInputCommandInteraction | AutocompleteInteraction, ctx: BotContext): boolean {
  return isAdmin(interaction.inGuild(), interaction.memberPermissions, interaction.member as MemberLike, ctx.config.adminRoleIds);
}

export function privateReply(interaction: ChatInputCommandInteraction, content: string): Promise<unknown> {
  return interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
}

export function edit(interaction: ChatInputCommandInteraction, content: string): Promise<unknown> {
  return interaction.editReply({ content, allowedMentions: NO_MENTIONS });
}

/** Discord shows at most 25 autocomplete choices, each name and value at most 100 characters. */
export const MAX_CHOICES = 25;

/** Lowercase without accents, for matching what an admin types against titles and addresses. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();
}
