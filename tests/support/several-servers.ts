/**
 * Several servers with one DiscordDouble: the double's own server plus others the bot is added to
 * (GUILD_CREATE) and removed from (GUILD_DELETE) through the gateway; their interactions are sent
 * with `guildId` (SendSlashCommandOptions).
 */
import type { DiscordDouble } from './discord-double.ts';

/** The bot is added to another server: a minimal GUILD_CREATE, as Discord sends it on join. */
export function joinServer(double: DiscordDouble, guildId: string, name = 'Autre serveur de test'): void {
  double.gatewaySend({
    op: 0,
    t: 'GUILD_CREATE',
    s: null,
    d: {
      id: guildId,
      name,
      icon: null,
      owner_id: '1100000000000000099',
      unavailable: false,
      joined_at: new Date().toISOString(),
      member_count: 1,
      large: false,
      features: [],
      roles: [],
      emojis: [],
      stickers: [],
      channels: [],
      threads: [],
      members: [],
      voice_states: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      preferred_locale: 'fr',
    },
  });
}

/** The bot is removed from a server (kicked, or the server deleted): GUILD_DELETE without `unavailable`. */
export function leaveServer(double: DiscordDouble, guildId: string): void {
  double.gatewaySend({ op: 0, t: 'GUILD_DELETE', s: null, d: { id: guildId } });
}
