/** Where /admin add takes an article from: the contract each source (file, url) fulfils. */
import type { ChatInputCommandInteraction, SlashCommandSubcommandBuilder } from 'discord.js';
import type { ArticleMeta } from '../../../core/types.ts';
import type { Fields } from '../../../log.ts';
import type { BotContext } from '../../context.ts';

/** An article's bytes, ready for Depeche.addArticles: the file name's extension picks the parser. */
export interface FetchedArticle {
  name: string;
  bytes: Uint8Array;
  /** Metadata found by the source (e.g. a page's canonical URL); the admin's options override it. */
  meta?: Partial<ArticleMeta>;
  /** Replace the article stored under the same name (an updated version), see ArticleInput.replace. */
  replace?: boolean;
}

/**
 * Where /admin add takes an article from. Each source owns one option of /admin add; the admin
 * gives exactly one of them. A new source is one more entry in ADD_SOURCES (add.ts); each
 * option is optional as soon as there are two sources.
 */
export interface AddSource {
  /** The option's name (`file`, `url`…). */
  option: string;
  /** Adds the option to /admin add; `required` is true when it is the only source. */
  addOption(sub: SlashCommandSubcommandBuilder, required: boolean): void;
  /**
   * Checks what can be checked without the network (type, announced size): throws a Refusal.
   * Returns the fields for the log line and the download, run once the reply is deferred.
   */
  prepare(interaction: ChatInputCommandInteraction, ctx: BotContext): { fields: Fields; fetch(): Promise<FetchedArticle> };
}
