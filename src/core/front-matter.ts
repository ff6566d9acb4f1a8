/**
 * The one writer of corpus Markdown files (articles stored with metadata, pages fetched by URL,
 * evaluation datasets). What it writes, article.ts reads back to the same metadata and the same body:
 * quotes are verbatim only if the stored text is exactly the text that was given.
 */
import type { ArticleMeta } from './types.ts';

/** The fields written, in this order. `author` is kept for people reading the file; the reader ignores it. */
export interface FrontMatter extends Partial<ArticleMeta> {
  author?: string | null;
}

const KEYS = ['title', 'source', 'author', 'url', 'published', 'language'] as const;

/**
 * `---` front matter (each value a JSON string, which YAML reads as a double-quoted scalar; empty
 * values left out), a blank line, then the body with every line escaped so the Markdown reader takes
 * none of it as markup. parseArticle gives back the body with a line break before and after it.
 */
export function toFrontMatterMarkdown(meta: FrontMatter, body: string): string {
  const lines = ['---'];
  for (const key of KEYS) {
    const value = meta[key];
    if (value) lines.push(`${key}: ${JSON.stringify(value)}`);
  }
  lines.push('---', '', escapeMarkdown(body), '');
  return lines.join('\n');
}

/**
 * Backslash-escapes what the corpus Markdown reader (article.ts) would otherwise take as markup:
 * inline marks anywhere, and block marks (heading, quote, bullet, rule, setext underline, table) at
 * the start of every line. Escaped punctuation reads back as itself.
 */
export function escapeMarkdown(text: string): string {
  return text.split('\n').map(escapeLine).join('\n');
}

function escapeLine(line: string): string {
  return line
    .replace(/[\\`*_[\]<~]/g, (c) => `\\${c}`)
    .replace(/\\<!/g, '\\<\\!') // <!-- would open a comment
    .replace(/^(\s*)([#>+=|-])/, '$1\\$2');
}
