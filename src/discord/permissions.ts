import { PermissionFlagsBits, type PermissionsBitField } from 'discord.js';

/** The member of an interaction: a cached GuildMember (roles in a manager) or raw API data (role ids). */
export type MemberLike = { roles: string[] | { cache: { has(id: string): boolean } } } | null;

/**
 * Who may use /admin, checked at run time whatever the client shows: Manage Server, or one of the
 * configured admin roles. Outside a server nobody is an admin.
 */
export function isAdmin(inGuild: boolean, permissions: Readonly<PermissionsBitField> | null, member: MemberLike, adminRoleIds: readonly string[]): boolean {
  if (!inGuild) return false;
  if (permissions?.has(PermissionFlagsBits.ManageGuild)) return true;
  if (!member || adminRoleIds.length === 0) return false;
  const roles = member.roles;
  return adminRoleIds.some((id) => (Array.isArray(roles) ? roles.includes(id) : roles.cache.has(id)));
}
