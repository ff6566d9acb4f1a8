/**
 * One feed poller per library: the shared library's (notices to FEED_NOTICE_CHANNEL_ID) and each
 * server library's that follows feeds (notices to the channel its admins used /admin feed add in,
 * and only if that channel is in the same server).
 */
import type { Depeche } from '../app/depeche.ts';
import type { Libraries } from '../app/libraries.ts';
import { existsSync } from 'node:fs';
import type { Client } from 'discord.js';
import { FeedStore } from '../ingest/feeds/store.ts';
import type { IngestSettings } from '../ingest/config.ts';
import type { Logger } from '../log.ts';
import { FeedPoller } from './feed-poller.ts';
import type { BotFeeds } from './shards/writer-api.ts';
import { fitQuote } from './render.ts';
import { NO_MENTIONS } from './respond.ts';

export class LibraryFeeds {
  private readonly pollers = new Map<string, FeedPoller>();
  private started = false;

  constructor(
    readonly shared: BotFeeds,
    private readonly client: Client,
    private readonly libraries: Libraries,
    private readonly ingest: IngestSettings,
    private readonly options: { log: Logger; tickMs?: number },
  ) {}

  /** The poller of a server's library (opened with it); created on first use. */
  forServer(guildId: string, depeche: Depeche): FeedPoller {
    let poller = this.pollers.get(guildId);
    if (!poller) {
      poller = new FeedPoller(depeche, this.ingest, {
        log: this.options.log,
        tickMs: this.options.tickMs,
        notice: serverNotice(this.client, this.libraries, guildId, this.options.log),
        // A server's feeds fill its library up to its article and byte quotas, never past them.
        room: () => this.libraries.room(guildId),
      });
      this.pollers.set(guildId, poller);
      if (this.started) poller.start();
    }
    return poller;
  }

  /** True while the server's library follows feeds (it then stays open to be polled). */
  follows(guildId: string): boolean {
    return (this.pollers.get(guildId)?.service.listFeeds().length ?? 0) > 0;
  }

  /** Starts polling: the shared library's feeds, and those of every served server library that has some. */
  async start(): Promise<void> {
    this.started = true;
    this.shared.start();
    for (const guildId of this.libraries.servers()) {
      if (this.libraries.state(guildId).leftAt !== null || !existsSync(FeedStore.pathIn(this.libraries.configFor(guildId).embeddingsDir))) continue;
      this.forServer(guildId, await this.libraries.library(guildId)).start();
    }
  }

  async stop(guildId: string): Promise<void> {
    const poller = this.pollers.get(guildId);
    this.pollers.delete(guildId);
    await poller?.stop();
  }

  async stopAll(): Promise<void> {
    for (const guildId of [...this.pollers.keys()]) await this.stop(guildId);
    await this.shared.stop();
  }
}

/** Posts a server library's notices in the channel its admins chose, never outside that server. */
function serverNotice(client: Client, libraries: Libraries, guildId: string, log: Logger): (line: string) => Promise<void> {
  return async (line) => {
    const channelId = libraries.state(guildId).noticeChannelId;
    if (channelId === null) return;
    try {
      const channel = await client.channels.fetch(channelId);
      if (!channel || !('guildId' in channel) || channel.guildId !== guildId || !channel.isTextBased() || !('send' in channel)) {
        log.warn('feed.notice.channel_unusable', { guildId, channelId });
        return;
      }
      await channel.send({ content: fitQuote(line, 1900), allowedMentions: NO_MENTIONS });
    } catch (error) {
      log.warn('feed.notice.failed', { guildId, channelId, error });
    }
  };
}
