import { Client, GatewayIntentBits } from 'discord.js';
import type { DiscordConfig } from './config.ts';
import { NO_MENTIONS } from './respond.ts';

/**
 * The discord.js client. Only Guilds + GuildMessages: messages that mention the bot carry their
 * text without the privileged MessageContent intent. No mention is ever allowed by default.
 */
export function createClient(config: Pick<DiscordConfig, 'restApi'>): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages],
    allowedMentions: NO_MENTIONS,
    ...(config.restApi ? { rest: { api: config.restApi } } : {}),
  });
}
