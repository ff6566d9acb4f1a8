/** /admin feed add|remove|list: the RSS and Atom feeds the bot follows (polled by its FeedPoller). */
import { MessageFlags, type AutocompleteInteraction } from 'discord.js';
import { FeedError } from '../../../ingest/feeds/service.ts';
import type { FeedRecord } from '../../../ingest/feeds/store.ts';
import type { BotContext } from '../../context.ts';
import { escapeText, fitOne, fitQuote, linkOf } from '../../render.ts';
import { describeFailure } from '../../wording.ts';
import { edit, fold, MAX_CHOICES, privateReply, type AdminPart } from './shared.ts';

const fr = (n: number): string => n.toLocaleString('fr-FR');

export const feed: AdminPart = {
  name: 'feed',
  register(admin) {
    admin.addSubcommandGroup((g) =>
      g
        .setName('feed')
        .setDescription('Flux RSS et Atom suivis')
        .addSubcommand((s) =>
          s
            .setName('add')
            .setDescription('Suit un flux RSS ou Atom : ses nouveaux articles sont ajoutés automatiquement')
            .addStringOption((o) => o.setName('url').setDescription('Adresse du flux (https://…)').setRequired(true).setMaxLength(2000)),
        )
        .addSubcommand((s) =>
          s
            .setName('remove')
            .setDescription('Ne suit plus un flux (ses articles restent dans le corpus)')
            .addStringOption((o) => o.setName('feed').setDescription('Le flux (cherchez par titre ou adresse)').setRequired(true).setAutocomplete(true)),
        )
        .addSubcommand((s) => s.setName('list').setDescription('Les flux suivis et leur état')),
    );
  },
  async execute(interaction, ctx) {
    const sub = interaction.options.getSubcommand(true);
    const service = ctx.feeds.service;
    switch (sub) {
      case 'add': {
        const raw = interaction.options.getString('url', true);
        await interaction.deferReply({ flags: MessageFlags.Ephemeral });
        try {
          const { feed, created, items, rejected } = await service.addFeed(raw);
          // A server's feed notices go to the channel its admins follow feeds from, in that server only.
          if (ctx.library !== null) ctx.libraries.setState(ctx.library, { noticeChannelId: interaction.channelId });
          await edit(interaction, renderFeedAdded(feed, created, items, rejected, ctx.ingest.feeds.pollMinutes));
          return { feedId: feed.id, url: feed.url, created };
        } catch (error) {
          if (!(error instanceof FeedError)) throw error;
          ctx.log.warn('admin.feed.refused', { url: raw, reason: error.reason });
          await edit(interaction, `Flux refusé : ${fitQuote(describeFailure(error.reason), 400)}.`);
          return { url: raw, refused: error.reason.code };
        }
      }
      case 'remove': {
        const which = interaction.options.getString('feed', true);
        const removed = await service.removeFeed(which); // a remote call in a shard
        if (!removed) {
          await privateReply(interaction, `Aucun flux « ${fitQuote(which, 100)} » : choisissez-le dans la liste proposée (/admin feed list).`);
          return { refused: 'unknown feed' };
        }
        await privateReply(interaction, `Flux retiré : ${feedName(removed)}. Ses ${fr(removed.articles)} articles restent dans le corpus (/admin remove pour en retirer).`);
        return { feedId: removed.id };
      }
      case 'list':
        await privateReply(interaction, renderFeedList(service.listFeeds(), Date.now()));
        return;
      default:
        await privateReply(interaction, 'Sous-commande inconnue.');
        return { refused: 'unknown subcommand' };
    }
  },
  async autocomplete(interaction: AutocompleteInteraction, ctx: BotContext) {
    const wanted = fold(String(interaction.options.getFocused()));
    const choices = ctx.feeds.service
      .listFeeds()
      .filter((f) => wanted === '' || fold(`${f.title ?? ''} ${f.url} ${f.id}`).includes(wanted))
      .slice(0, MAX_CHOICES)
      .map((f) => ({ name: `${f.title ?? 'Sans titre'} — ${f.url}`.slice(0, 100), value: String(f.id) }));
    await interaction.respond(choices);
  },
};

function feedName(f: FeedRecord): string {
  return `${f.title ? `**${fitQuote(f.title, 120)}**` : '(sans titre)'} ${linkOf(f.url) ?? escapeText(f.url.slice(0, 200))}`;
}

function renderFeedAdded(feed: FeedRecord, created: boolean, items: number, rejected: number, pollMinutes: number): string {
  if (!created) return `Ce flux est déjà suivi : ${feedName(feed)} (n° ${feed.id}).`;
  return (
    `Flux suivi (n° ${feed.id}) : ${feedName(feed)} — ${fr(items)} articles annoncés${rejected > 0 ? `, ${fr(rejected)} inutilisables` : ''}. ` +
    `Ils seront récupérés et indexés au prochain passage, puis toutes les ${fr(pollMinutes)} minutes.`
  );
}

function renderFeedList(feeds: FeedRecord[], now: number): string {
  if (feeds.length === 0) return 'Aucun flux suivi. Ajoutez-en un avec /admin feed add.';
  const lines = [`**${fr(feeds.length)} flux suivis :**`];
  for (const f of feeds) {
    const state =
      f.errorCount > 0
        ? `en échec (${f.errorCount} fois : ${f.lastError ? fitQuote(describeFailure(f.lastError), 150) : '?'}), nouvel essai ${when(f.nextPollAt, now)}`
        : f.lastOkAt
          ? `à jour, prochain passage ${when(f.nextPollAt, now)}`
          : 'pas encore interrogé';
    lines.push(`• n° ${f.id} — ${feedName(f)} — ${fr(f.articles)} articles — ${state}`);
  }
  return fitOne(lines, (n) => `… et ${n} autres flux.`);
}

function when(at: number, now: number): string {
  const minutes = Math.round((at - now) / 60_000);
  if (minutes <= 0) return 'imminent';
  return minutes < 120 ? `dans ${minutes} min` : `dans ${Math.round(minutes / 60)} h`;
}
