import type { Command } from '../context.ts';
import { admin } from './admin.ts';
import { ask } from './ask.ts';
import { checkMessage } from './check-message.ts';
import { sources } from './sources.ts';
import { timeline } from './timeline.ts';

/** Every slash command, by name: what register.ts sends to Discord and what interactions dispatch to. */
export const commands: ReadonlyMap<string, Command> = new Map([ask, sources, timeline, admin].map((c) => [c.data.name, c]));

export function commandPayloads() {
  return [...commands.values()].map((c) => c.data.toJSON());
}

/** What `npm run register` sends: the slash commands and the message context-menu command ("Vérifier avec Dépêche"). */
export function registeredPayloads() {
  return [...commandPayloads(), checkMessage.data.toJSON()];
}
