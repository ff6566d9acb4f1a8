import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { ArticleError, parseArticle } from '../core/article.ts';
import { cleanArticleText } from '../core/text/clean.ts';
import type { ArticleMeta } from '../core/types.ts';
import { sha256 } from '../store/files.ts';

/** File types an article may come in. */
export const ARTICLE_EXTENSIONS = ['.md', '.markdown', '.txt'] as const;

export interface CorpusFile {
  /** Path relative to the corpus folder, with forward slashes. */
  path: string;
  absolute: string;
  size: number;
  mtimeMs: number;
}

/**
 * Lists the article files under the corpus folder, sorted by path. Hidden files, temporary files of
 * atomic writes and README files are not articles.
 */
export function listCorpusFiles(dir: string): CorpusFile[] {
  if (!existsSync(dir)) throw new Error(`the corpus folder ${dir} does not exist (set CORPUS_DIR or create it)`);
  const out: CorpusFile[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name.includes('.tmp-')) continue;
      const absolute = join(folder, entry.name);
      if (entry.isDirectory()) {
        walk(absolute);
      } else if (entry.isFile() && isArticleFile(entry.name)) {
        const stat = statSync(absolute);
        out.push({ path: relative(dir, absolute).split(sep).join('/'), absolute, size: stat.size, mtimeMs: Math.floor(stat.mtimeMs) });
      }
    }
  };
  walk(dir);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function isArticleFile(name: string): boolean {
  if (/^readme\./i.test(name)) return false;
  return (ARTICLE_EXTENSIONS as readonly string[]).includes(extname(name).toLowerCase());
}

/** An article file read and cleaned: what the index stores of it. */
export interface PreparedArticle {
  meta: ArticleMeta;
  /** The body as read (Markdown turned to text), before page boilerplate is removed. */
  body: string;
  /** The cleaned text passages are cut from and quotes taken from. */
  text: string;
  textHash: string;
}

/**
 * Reads one article file as the index will: parses, cleans, and refuses it (ArticleError) when no
 * article text is left. Used by the indexer and to validate files before they are stored.
 */
export function prepareArticle(fileName: string, bytes: Uint8Array): PreparedArticle {
  const parsed = parseArticle(fileName, bytes);
  const { text } = cleanArticleText(parsed.body);
  if (text.trim() === '') throw new ArticleError(fileName, { code: 'only-boilerplate' });
  return { meta: parsed.meta, body: parsed.body, text, textHash: sha256(text) };
}
