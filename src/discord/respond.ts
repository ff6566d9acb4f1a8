import { DiscordAPIError, MessageFlags, RESTJSONErrorCodes, type APIActionRowComponent, type APIButtonComponent, type ChatInputCommandInteraction } from 'discord.js';

/** Sent with every message and edit: the bot never pings anyone, not even the author it replies to. */
export const NO_MENTIONS = { parse: [], repliedUser: false } as const;

export const GENERIC_ERROR = 'Désolé, une erreur est survenue en traitant votre demande. Réessayez dans un instant.';

/** Edits the deferred reply with the first content and sends the rest as follow-ups; `components` go under the last. */
export async function editWithFollowUps(
  interaction: ChatInputCommandInteraction,
  contents: string[],
  ephemeral: boolean,
  components: APIActionRowComponent<APIButtonComponent>[] = [],
): Promise<void> {
  const [first, ...rest] = contents;
  await interaction.editReply({ content: first ?? '…', allowedMentions: NO_MENTIONS, ...(rest.length === 0 && components.length ? { components } : {}) });
  for (const [i, content] of rest.entries()) {
    const last = i === rest.length - 1 && components.length ? { components } : {};
    await interaction.followUp({ content, allowedMentions: NO_MENTIONS, ...last, ...(ephemeral ? { flags: MessageFlags.Ephemeral } : {}) });
  }
}

/** A short private message, whether or not the interaction was already answered. */
export async function tell(interaction: ChatInputCommandInteraction, content: string): Promise<void> {
  if (interaction.deferred || interaction.replied) await interaction.editReply({ content, allowedMentions: NO_MENTIONS });
  else await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
}

/** The interaction can no longer be answered (expired, or answered elsewhere): nothing to tell the user. */
export function isGone(error: unknown): boolean {
  return (
    error instanceof DiscordAPIError &&
    (error.code === RESTJSONErrorCodes.UnknownInteraction ||
      error.code === RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged ||
      error.code === RESTJSONErrorCodes.UnknownWebhook)
  );
}

export function politeLimit(retryAfterMs: number): string {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return `Vous avez posé beaucoup de questions en peu de temps : merci de patienter ${seconds} s avant la prochaine.`;
}
