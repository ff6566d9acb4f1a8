/** The `url` source of /admin add: an article page fetched, extracted and stored as Markdown. */
import { failureOf, preparePage } from '../../../ingest/url.ts';
import { FetchError, parseHttpUrl } from '../../../ingest/fetch.ts';
import { Refusal } from '../../refusal.ts';
import { describeFailure } from '../../wording.ts';
import type { AddSource, FetchedArticle } from './add-source.ts';

export const urlSource: AddSource = {
  option: 'url',
  addOption(sub, required) {
    sub.addStringOption((o) => o.setName('url').setDescription('Lien vers l’article à récupérer (https://…)').setMaxLength(2000).setRequired(required));
  },
  prepare(interaction, ctx) {
    const url = checkedUrl(interaction.options.getString('url', true));
    return {
      fields: { url },
      // An updated article (same canonical URL, new text) replaces its earlier version.
      fetch: async (): Promise<FetchedArticle> => {
        try {
          const page = await preparePage(url, ctx.ingest.fetch, ctx.depeche);
          return { name: page.fileName, bytes: page.input.bytes, replace: true };
        } catch (error) {
          const failure = failureOf(url, error);
          ctx.log.warn('admin.add.url_refused', { url, reason: failure.reason });
          throw new Refusal(describeFailure(failure.reason), failure.reason.code);
        }
      },
    };
  },
};

/** Refuses what is not an http(s) address before anything is deferred or fetched. */
function checkedUrl(raw: string): string {
  try {
    return parseHttpUrl(raw).toString();
  } catch (error) {
    if (error instanceof FetchError) throw new Refusal(describeFailure(error.reason), error.reason.code);
    throw error;
  }
}
