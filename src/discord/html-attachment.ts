/**
 * An attached web page (.html) → an article file, with the same extraction as articles added by
 * URL (src/ingest: charset detection, Mozilla's Readability, the page's metadata), stored as
 * Markdown with front matter.
 */
import { basename, extname } from 'node:path';
import { decodeBody, DecodeError } from '../ingest/decode.ts';
import { extractArticle, ExtractError } from '../ingest/extract.ts';
import { toArticleMarkdown } from '../ingest/url.ts';
import { AttachmentError } from './attachments.ts';
import { describeFailure } from './wording.ts';

/** Stands for the page's address when the admin gives none: never stored, never shown. */
const NO_ADDRESS = 'https://attachment.invalid/';

export function isHtmlName(name: string): boolean {
  return ['.html', '.htm'].includes(extname(name).toLowerCase());
}

/**
 * The page's article as a Markdown file named after the attachment. `link` (the admin's option) is
 * the page's address; without it, only a canonical address the page itself gives is kept.
 */
export function htmlAttachmentArticle(name: string, bytes: Uint8Array, contentType: string | null, link: string | null): { name: string; bytes: Uint8Array } {
  const charset = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1] ?? null;
  try {
    const { text } = decodeBody(bytes, charset, 'html');
    const pageUrl = link ?? `${NO_ADDRESS}${encodeURIComponent(name)}`;
    const article = extractArticle(text, pageUrl);
    const canonicalUrl = article.canonicalUrl.startsWith(NO_ADDRESS) ? '' : article.canonicalUrl;
    const stem = basename(name, extname(name));
    return { name: `${stem}.md`, bytes: Buffer.from(toArticleMarkdown({ ...article, canonicalUrl })) };
  } catch (error) {
    if (error instanceof ExtractError || error instanceof DecodeError) throw new AttachmentError(describeFailure(error.reason), error.reason.code);
    throw error;
  }
}
