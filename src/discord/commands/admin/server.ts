/** /admin shared and /admin purge: what a server decides about its own library. */
import type { ChatInputCommandInteraction } from 'discord.js';
import type { BotContext } from '../../context.ts';
import { privateReply, type AdminPart } from './shared.ts';

/** What an admin types to confirm /admin purge. */
export const PURGE_CONFIRMATION = 'SUPPRIMER';

/** Parts that only make sense for a server's library, not the shared one. */
async function refusedForShared(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<boolean> {
  if (ctx.library !== null) return false;
  await privateReply(interaction, 'Cette sous-commande concerne la bibliothèque d’un serveur, pas la bibliothèque partagée.');
  return true;
}

export const sharedSwitch: AdminPart = {
  name: 'shared',
  register(admin) {
    admin.addSubcommand((s) =>
      s
        .setName('shared')
        .setDescription('Répondre aussi (ou non) depuis la bibliothèque partagée de l’opérateur')
        .addBooleanOption((o) => o.setName('enabled').setDescription('Oui : articles du serveur et partagés ; non : ceux du serveur seulement').setRequired(true)),
    );
  },
  async execute(interaction, ctx) {
    if (await refusedForShared(interaction, ctx)) return { refused: 'shared library' };
    const enabled = interaction.options.getBoolean('enabled', true);
    ctx.libraries.setState(ctx.library!, { sharedOff: !enabled });
    await privateReply(
      interaction,
      enabled
        ? 'Bibliothèque partagée activée : les membres sont répondus depuis les articles de ce serveur et ceux de la bibliothèque partagée.'
        : 'Bibliothèque partagée désactivée : les membres ne sont plus répondus que depuis les articles de ce serveur (/admin add).',
    );
    return { sharedEnabled: enabled };
  },
};

export const purge: AdminPart = {
  name: 'purge',
  register(admin) {
    admin.addSubcommand((s) =>
      s
        .setName('purge')
        .setDescription('Supprime définitivement les articles, l’index, les flux et les réglages de ce serveur')
        .addStringOption((o) => o.setName('confirmation').setDescription(`Tapez ${PURGE_CONFIRMATION} pour confirmer`).setRequired(true).setMaxLength(50)),
    );
  },
  async execute(interaction, ctx) {
    if (await refusedForShared(interaction, ctx)) return { refused: 'shared library' };
    if (interaction.options.getString('confirmation', true).trim() !== PURGE_CONFIRMATION) {
      await privateReply(interaction, `Rien n’a été supprimé : pour confirmer, tapez exactement ${PURGE_CONFIRMATION} dans l’option confirmation.`);
      return { refused: 'not confirmed' };
    }
    if (ctx.depeche.isReindexing) {
      await privateReply(interaction, 'Une indexation est en cours : réessayez quand elle sera terminée (/admin status).');
      return { refused: 'busy' };
    }
    const articles = ctx.libraries.usage(ctx.library!).articles;
    await ctx.libraries.purge(ctx.library!);
    await privateReply(interaction, `Bibliothèque de ce serveur supprimée (${articles} articles, son index, ses flux et ses réglages).`);
    return { purged: articles };
  },
};
