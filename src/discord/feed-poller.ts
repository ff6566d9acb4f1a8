/**
 * The bot's feed poller: owns the feed state of a running bot. Created by startBot (so /admin feed
 * works from the first interaction), started once the client is ready, stopped on shutdown before
 * the index closes. Notices go to the DiscordConfig.feedNoticeChannelId channel when it is set.
 */
import type { Client } from 'discord.js';
import type { Depeche } from '../app/depeche.ts';
import type { IngestSettings } from '../ingest/config.ts';
import { FeedService } from '../ingest/feeds/service.ts';
import { closeFetchAgents } from '../ingest/fetch.ts';
import type { Logger } from '../log.ts';
import { fitQuote } from './render.ts';
import { NO_MENTIONS } from './respond.ts';

export class FeedPoller {
  /** The feed state /admin feed reads and changes; open from construction until stop(). */
  readonly service: FeedService;
  private stopped: Promise<void> | null = null;

  constructor(
    depeche: Depeche,
    readonly settings: IngestSettings,
    options: { log: Logger; notice: ((line: string) => Promise<void>) | null; tickMs?: number; room?: () => number },
  ) {
    const notice = options.notice;
    this.service = FeedService.open(depeche, settings, {
      log: options.log,
      ...(options.tickMs !== undefined ? { tickMs: options.tickMs } : {}),
      ...(options.room ? { room: options.room } : {}),
      ...(notice ? { onNotice: (line) => notice(line) } : {}),
    });
  }

  /** Polls on the FEED_POLL_MINUTES schedule (call once the client is ready). */
  start(): void {
    if (!this.stopped) this.service.start();
  }

  /** Waits for a poll in progress, closes the feed state and the fetch connection pools. Idempotent. */
  stop(): Promise<void> {
    return (this.stopped ??= (async () => {
      await this.service.close();
      await closeFetchAgents();
    })());
  }
}

/** Posts notices to a text channel; a channel that cannot be reached is logged, never thrown. */
export function channelNotice(client: Client, channelId: string, log: Logger): (line: string) => Promise<void> {
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
