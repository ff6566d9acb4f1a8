/** npm run register: sends the slash command set to Discord (one server if DISCORD_GUILD_ID, else global). */
import { REST, Routes } from 'discord.js';
import dotenv from 'dotenv';
import { pathToFileURL } from 'node:url';
import type { Env } from '../settings/read.ts';
import { reportConfigError } from '../settings/report.ts';
import { registeredPayloads } from './commands/index.ts';
import { loadDiscordConfig } from './config.ts';

/** Replaces the registered commands with ours (PUT is idempotent). Returns where and what. */
export async function registerCommands(env: Env): Promise<{ scope: 'guild' | 'global'; names: string[] }> {
  const config = loadDiscordConfig(env, 'register');
  const rest = new REST({ version: '10', ...(config.restApi ? { api: config.restApi } : {}) }).setToken(config.token);
  const body = registeredPayloads();
  const route = config.guildId
    ? Routes.applicationGuildCommands(config.applicationId!, config.guildId)
    : Routes.applicationCommands(config.applicationId!);
  const registered = (await rest.put(route, { body })) as { name: string; type?: number }[];
  // Slash commands as members type them, context-menu commands as the Apps menu shows them.
  return { scope: config.guildId ? 'guild' : 'global', names: registered.map((c) => ((c.type ?? 1) === 1 ? `/${c.name}` : `« ${c.name} »`)) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  dotenv.config({ quiet: true });
  registerCommands(process.env).then(
    ({ scope, names }) => {
      const where = scope === 'guild' ? 'in the server DISCORD_GUILD_ID (available at once)' : 'globally';
      process.stdout.write(`registered ${names.join(', ')} ${where}\n`);
    },
    (error: unknown) => {
      if (!reportConfigError(error, process.stderr)) process.stderr.write(`depeche: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
