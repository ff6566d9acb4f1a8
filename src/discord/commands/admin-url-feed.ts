/**
 * Discord side of issue 6: articles by URL and feeds, for the lead to wire into /admin.
 *
 * - `urlSource`: the `url` option of /admin add, an AddSource for ADD_SOURCES (admin/add.ts). Its
 *   fetch() returns `replace: true`: for an updated article to replace its earlier version, add.ts
 *   passes it on to Depeche.addArticles (`replace: fetched.replace`); without it an update is stored
 *   as a second file.
 * - `addFromUrl`: the same, as a complete handler of its own (fetch, extract, store, index, reply
 *   with title, outlet, date, link, passage count and first lines), if /admin add routes to it
 *   when the `url` option is given.
 * - `feedPart`: the `/admin feed add|remove|list` subcommand group, an AdminPart for ADMIN_PARTS.
 * - `startFeedPoller` / `stopFeedPoller`: poll the feeds while the bot runs (FEED_POLL_MINUTES) and
 *   post a one-line notice per new article to FEED_NOTICE_CHANNEL_ID when it is set.
 */
import { MessageFlags, type AutocompleteInteraction, type ChatInputCommandInteraction, type Client } from 'discord.js';
import { BusyError, type Depeche } from '../../app/depeche.ts';
import { loadIngestSettings, type IngestSettings } from '../../ingest/config.ts';
import { FeedError, FeedService } from '../../ingest/feeds/service.ts';
import type { FeedRecord } from '../../ingest/feeds/store.ts';
import { closeFetchAgents, FetchError, parseHttpUrl } from '../../ingest/fetch.ts';
import { failureOf, preparePage, storePages, type PageOutcome } from '../../ingest/url.ts';
import type { Fields, Logger } from '../../log.ts';
import type { BotContext } from '../context.ts';
import { Refusal } from '../refusal.ts';
import { escapeText, fitOne, fitQuote, linkOf } from '../render.ts';
import { NO_MENTIONS } from '../respond.ts';
import type { AddSource, FetchedArticle } from './admin/add.ts';
import { BUSY, edit, privateReply, type AdminPart } from './admin/shared.ts';

const fr = (n: number): string => n.toLocaleString('fr-FR');
const MAX_CHOICES = 25;

// ---------------------------------------------------------------------------------------------------
// Settings and the feed service of a running bot

let settingsCache: IngestSettings | null = null;
/** The settings the bot's poller was started with, else FETCH_* and FEED_* from the environment. */
function ingestSettings(depeche: Depeche): IngestSettings {
  return services.get(depeche)?.settings ?? (settingsCache ??= loadIngestSettings());
}

const services = new WeakMap<Depeche, { service: FeedService; settings: IngestSettings }>();

export interface FeedPollerOptions {
  /** Defaults to the environment (FETCH_*, FEED_*). */
  settings?: IngestSettings;
  /** Where notices go; by default the FEED_NOTICE_CHANNEL_ID channel through `client`, else nowhere. */
  post?: (line: string) => Promise<void>;
  client?: Client;
  /** Check for due feeds this often (tests); default: the poll interval, at most a minute. */
  tickMs?: number;
}

/**
 * Starts polling the feeds for this bot (call once the client is ready). Returns the service, which
 * /admin feed then uses too. Throws ConfigError for a bad FETCH_* / FEED_* variable.
 */
export function startFeedPoller(ctx: Pick<BotContext, 'depeche' | 'log'>, options: FeedPollerOptions = {}): FeedService {
  const existing = services.get(ctx.depeche);
  if (existing) {
    existing.service.start();
    return existing.service;
  }
  const settings = options.settings ?? ingestSettings(ctx.depeche);
  const channelId = settings.feeds.noticeChannelId;
  const post = options.post ?? (options.client && channelId ? noticePoster(options.client, channelId, ctx.log) : undefined);
  const service = FeedService.open(ctx.depeche, settings, {
    log: ctx.log,
    tickMs: options.tickMs,
    onNotice: post ? (line) => post(line) : undefined,
  });
  services.set(ctx.depeche, { service, settings });
  service.start();
  return service;
}

/** Stops polling and closes the feed state (call before Depeche.close()). */
export async function stopFeedPoller(depeche: Depeche): Promise<void> {
  const entry = services.get(depeche);
  if (!entry) return;
  services.delete(depeche);
  await entry.service.close();
  await closeFetchAgents();
}

/** The bot's feed service: the running poller's, or one opened for the command (not polling). */
function feedService(ctx: Pick<BotContext, 'depeche' | 'log'>): { service: FeedService; settings: IngestSettings } {
  let entry = services.get(ctx.depeche);
  if (!entry) {
    const settings = ingestSettings(ctx.depeche);
    entry = { service: FeedService.open(ctx.depeche, settings, { log: ctx.log }), settings };
    services.set(ctx.depeche, entry);
  }
  return entry;
}

/** Posts notices to a text channel; a channel that cannot be reached is logged, never thrown. */
export function noticePoster(client: Client, channelId: string, log: Logger): (line: string) => Promise<void> {
  return async (line) => {
    try {
      const channel = await client.channels.fetch(channelId);
      if (!channel || !channel.isTextBased() || !('send' in channel)) {
        log.warn('feed.notice.channel_unusable', { channelId });
        return;
      }
      await channel.send({ content: fitQuote(line, 1900), allowedMentions: NO_MENTIONS });
    } catch (error) {
      log.warn('feed.notice.failed', { channelId, error });
    }
  };
}

// ---------------------------------------------------------------------------------------------------
// /admin add url:<link>

/** The `url` source of /admin add (an AddSource for ADD_SOURCES). */
export const urlSource: AddSource = {
  option: 'url',
  addOption(sub, required) {
    sub.addStringOption((o) => o.setName('url').setDescription('Lien vers l’article à récupérer (https://…)').setMaxLength(2000).setRequired(required));
  },
  prepare(interaction, ctx) {
    const url = checkedUrl(interaction.options.getString('url', true));
    return {
      fields: { url },
      fetch: async (): Promise<FetchedArticle & { replace: boolean }> => {
        try {
          const page = await preparePage(url, ingestSettings(ctx.depeche).fetch, ctx.depeche);
          return { name: page.fileName, bytes: page.input.bytes, replace: true };
        } catch (error) {
          const failure = failureOf(url, error);
          ctx.log.warn('admin.add.url_refused', { url, reason: failure.reason });
          throw new Refusal(failure.reason);
        }
      },
    };
  },
};

function checkedUrl(raw: string): string {
  try {
    return parseHttpUrl(raw).toString();
  } catch (error) {
    if (error instanceof FetchError) throw new Refusal(error.reason);
    throw error;
  }
}

/**
 * /admin add url:<link> as a handler of its own: checks the link, defers, fetches and extracts the
 * page, stores and indexes it (an updated article replaces its earlier version), and replies with
 * what was extracted.
 */
export async function addFromUrl(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<Fields> {
  const base: Fields = { requestId: interaction.id };
  let url: string;
  try {
    url = checkedUrl(interaction.options.getString('url', true));
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    await privateReply(interaction, `Refusé : ${error.reason}.`);
    return { ...base, refused: error.reason };
  }
  const fields = { ...base, url };
  if (ctx.depeche.isReindexing) {
    await privateReply(interaction, BUSY);
    return { ...fields, refused: 'busy' };
  }
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  let outcome: PageOutcome;
  try {
    const page = await preparePage(url, ingestSettings(ctx.depeche).fetch, ctx.depeche);
    await edit(interaction, `Article récupéré : ${page.article.title ? `**${fitQuote(page.article.title, 200)}**` : '(sans titre)'} — indexation en cours…`);
    [outcome] = (await storePages(ctx.depeche, [page])) as [PageOutcome];
  } catch (error) {
    if (error instanceof BusyError) {
      await edit(interaction, BUSY);
      return { ...fields, refused: 'busy' };
    }
    outcome = failureOf(url, error);
  }
  if (outcome.status === 'failed') ctx.log.warn('admin.add.url_refused', { ...fields, reason: outcome.reason });
  await edit(interaction, renderUrlOutcome(outcome));
  return { ...fields, status: outcome.status, ...(outcome.status === 'added' || outcome.status === 'updated' ? { added: [outcome.article.id] } : {}) };
}

/** The reply to /admin add url: what was extracted, or why nothing was stored. One message. */
export function renderUrlOutcome(o: PageOutcome): string {
  switch (o.status) {
    case 'added':
    case 'updated': {
      const a = o.article;
      return fitOne(
        [
          `${o.status === 'updated' ? 'Article mis à jour (nouvelle version du même lien)' : 'Article ajouté'} : \`${a.id}\``,
          `Titre : ${a.title ? fitQuote(a.title, 200) : '(aucun : la page n’en donne pas)'}`,
          `Média : ${a.source ? fitQuote(a.source, 100) : '(inconnu)'} — auteur : ${o.extracted.author ? fitQuote(o.extracted.author, 100) : '(inconnu)'} — date : ${a.published ?? '(inconnue)'}`,
          `Lien : ${linkOf(a.url) ?? '(aucun)'}`,
          `Longueur : ${fr(a.chars)} caractères, ${fr(a.passages)} passages.`,
          `Début : « ${fitQuote(a.opening, 300)} »`,
        ],
        (n) => `… et ${n} autres lignes.`,
      );
    }
    case 'unchanged':
      return `Déjà dans le corpus, sans changement : ${o.extracted.title ? `**${fitQuote(o.extracted.title, 200)}**` : fitQuote(o.url, 200)} (${linkOf(o.extracted.canonicalUrl) ?? 'lien inconnu'}). Rien n’a été ajouté.`;
    case 'duplicate':
      return `Ce texte est déjà dans le corpus${o.articleId ? ` (article \`${fitQuote(o.articleId, 120)}\`)` : ''} : rien n’a été ajouté.`;
    case 'failed':
      return `Refusé : ${fitQuote(o.reason, 400)}.${o.transient ? ' Réessayez plus tard.' : ''}`;
  }
}

// ---------------------------------------------------------------------------------------------------
// /admin feed add|remove|list

export const feedPart: AdminPart = {
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
    const { service, settings } = feedService(ctx);
    switch (sub) {
      case 'add': {
        const raw = interaction.options.getString('url', true);
        await interaction.deferReply({ flags: MessageFlags.Ephemeral });
        try {
          const { feed, created, items, rejected } = await service.addFeed(raw);
          await edit(interaction, renderFeedAdded(feed, created, items, rejected, settings.feeds.pollMinutes));
          return { feedId: feed.id, url: feed.url, created };
        } catch (error) {
          if (!(error instanceof FeedError)) throw error;
          ctx.log.warn('admin.feed.refused', { url: raw, reason: error.reason });
          await edit(interaction, `Flux refusé : ${fitQuote(error.reason, 400)}.`);
          return { url: raw, refused: error.reason };
        }
      }
      case 'remove': {
        const which = interaction.options.getString('feed', true);
        const removed = service.removeFeed(which);
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
    const choices = feedService(ctx)
      .service.listFeeds()
      .filter((f) => wanted === '' || fold(`${f.title ?? ''} ${f.url} ${f.id}`).includes(wanted))
      .slice(0, MAX_CHOICES)
      .map((f) => ({ name: `${f.title ?? 'Sans titre'} — ${f.url}`.slice(0, 100), value: String(f.id) }));
    await interaction.respond(choices);
  },
};

function feedName(f: FeedRecord): string {
  return `${f.title ? `**${fitQuote(f.title, 120)}**` : '(sans titre)'} ${linkOf(f.url) ?? escapeText(f.url.slice(0, 200))}`;
}

export function renderFeedAdded(feed: FeedRecord, created: boolean, items: number, rejected: number, pollMinutes: number): string {
  if (!created) return `Ce flux est déjà suivi : ${feedName(feed)} (n° ${feed.id}).`;
  return (
    `Flux suivi (n° ${feed.id}) : ${feedName(feed)} — ${fr(items)} articles annoncés${rejected > 0 ? `, ${fr(rejected)} inutilisables` : ''}. ` +
    `Ils seront récupérés et indexés au prochain passage, puis toutes les ${fr(pollMinutes)} minutes.`
  );
}

export function renderFeedList(feeds: FeedRecord[], now: number): string {
  if (feeds.length === 0) return 'Aucun flux suivi. Ajoutez-en un avec /admin feed add.';
  const lines = [`**${fr(feeds.length)} flux suivis :**`];
  for (const f of feeds) {
    const state =
      f.errorCount > 0
        ? `en échec (${f.errorCount} fois : ${fitQuote(f.lastError ?? '?', 150)}), nouvel essai ${when(f.nextPollAt, now)}`
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

function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}
