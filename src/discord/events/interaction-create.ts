import { MessageFlags, type AutocompleteInteraction, type ChatInputCommandInteraction, type Interaction } from 'discord.js';
import { onCheckMessage } from '../commands/check-message.ts';
import type { BotContext, Command } from '../context.ts';
import { isFeedbackButton, onFeedbackButton } from '../feedback.ts';
import { isMoreSourcesButton, onMoreSources } from '../more-sources.ts';
import { GENERIC_ERROR, isGone, NO_MENTIONS, politeLimit, tell } from '../respond.ts';

const SHUTTING_DOWN = 'Dépêche redémarre : reposez votre question dans un instant.';

/** Routes slash commands and autocomplete to their command; one failing request never affects others. */
export function onInteractionCreate(ctx: BotContext, commands: ReadonlyMap<string, Command>) {
  return (interaction: Interaction): void => {
    if (interaction.isAutocomplete()) {
      ctx.inFlight.run(() => autocomplete(interaction, ctx, commands));
      return;
    }
    if (interaction.isButton() && isFeedbackButton(interaction.customId)) {
      ctx.inFlight.run(() => onFeedbackButton(interaction, ctx)); // 👍 / 👎 under answers (issue 17)
      return;
    }
    if (interaction.isButton() && isMoreSourcesButton(interaction.customId)) {
      ctx.inFlight.run(() => onMoreSources(interaction, ctx)); // "Plus de sources" (issue 17)
      return;
    }
    if (interaction.isMessageContextMenuCommand()) {
      ctx.inFlight.run(() => onCheckMessage(interaction, ctx)); // "Vérifier avec Dépêche" (issue 17)
      return;
    }
    if (!interaction.isChatInputCommand()) return;
    const accepted = ctx.inFlight.run(() => command(interaction, ctx, commands));
    if (!accepted) {
      interaction
        .reply({ content: SHUTTING_DOWN, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS })
        .catch((error: unknown) => ctx.log.warn('reply.failed', { requestId: interaction.id, error }));
    }
  };
}

async function command(interaction: ChatInputCommandInteraction, ctx: BotContext, commands: ReadonlyMap<string, Command>): Promise<void> {
  const started = performance.now();
  const sub = [interaction.options.getSubcommandGroup(false), interaction.options.getSubcommand(false)].filter((x) => x !== null).join(' ');
  const base = {
    requestId: interaction.id,
    userId: interaction.user.id,
    guildId: interaction.guildId,
    channelId: interaction.channelId,
    command: sub ? `${interaction.commandName} ${sub}` : interaction.commandName,
  };
  const latencyMs = () => Math.round(performance.now() - started);
  try {
    const handler = commands.get(interaction.commandName);
    if (!handler) {
      await tell(interaction, 'Commande inconnue : elle a peut-être été retirée.');
      ctx.log.warn('request.unknown_command', { ...base, latencyMs: latencyMs() });
      return;
    }
    if (handler.rateLimited) {
      const verdict = ctx.limiter.take(interaction.user.id);
      if (!verdict.ok) {
        await tell(interaction, politeLimit(verdict.retryAfterMs));
        ctx.log.info('request.rate_limited', { ...base, retryAfterMs: verdict.retryAfterMs, latencyMs: latencyMs() });
        return;
      }
    }
    const extra = await handler.execute(interaction, ctx);
    ctx.log.info('request.done', { ...base, ...(extra ?? {}), latencyMs: latencyMs() });
  } catch (error) {
    ctx.log.error('request.failed', { ...base, latencyMs: latencyMs(), error });
    if (isGone(error)) return;
    await tell(interaction, GENERIC_ERROR).catch((e: unknown) => ctx.log.warn('reply.failed', { ...base, error: e }));
  }
}

async function autocomplete(interaction: AutocompleteInteraction, ctx: BotContext, commands: ReadonlyMap<string, Command>): Promise<void> {
  const started = performance.now();
  const base = { requestId: interaction.id, userId: interaction.user.id, command: `${interaction.commandName} (autocomplete)` };
  try {
    const handler = commands.get(interaction.commandName);
    if (handler?.autocomplete) await handler.autocomplete(interaction, ctx);
    else await interaction.respond([]);
    ctx.log.debug('request.done', { ...base, latencyMs: Math.round(performance.now() - started) });
  } catch (error) {
    ctx.log.error('request.failed', { ...base, latencyMs: Math.round(performance.now() - started), error });
  }
}
