/**
 * The corpus-writing side of the application: validates article files, writes them into the corpus
 * folder atomically, has them indexed, and puts the folder back as it was when indexing fails, so the
 * corpus folder and the index never disagree. Also removes articles.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { ArticleError, articleIdFromPath } from '../core/article.ts';
import { toFrontMatterMarkdown } from '../core/front-matter.ts';
import type { ArticleMeta } from '../core/types.ts';
import { sha256, writeFileAtomic } from '../store/files.ts';
import { isArticleFile, listCorpusFiles, prepareArticle } from './corpus.ts';
import type { ArticleFailure, ReindexProgress, ReindexReport } from './indexer.ts';
import type { ArticleSummary, IndexSnapshot } from './snapshot.ts';

export interface ArticleInput {
  /** File name as given (its extension decides the format). */
  name: string;
  bytes: Uint8Array;
  /** Metadata that overrides what the file says (e.g. Discord command options). */
  overrides?: Partial<ArticleMeta>;
  /**
   * Store under exactly this file name, replacing the article already stored under it (an updated
   * version of a page fetched from the same canonical URL). Default: a free name is chosen.
   */
  replace?: boolean;
}

export interface AddedArticle extends ArticleSummary {
  /** The first characters of the stored text, so an admin can check what was extracted. */
  opening: string;
  /** True when it replaced an earlier version stored under the same name (ArticleInput.replace). */
  replaced?: boolean;
}

export interface AddResult {
  added: AddedArticle[];
  skipped: ArticleFailure[];
  failed: ArticleFailure[];
  report: ReindexReport | null;
}

export interface LibraryOptions {
  corpusDir: string;
  /** The snapshot currently answered from (what is already indexed). */
  snapshot: () => IndexSnapshot | null;
  /** Indexes the corpus folder as it now is; the snapshot afterwards is the new one. */
  reindex: (onProgress?: (p: ReindexProgress) => void) => Promise<ReindexReport>;
}

/** A file ready to be written: its name in the corpus folder and its bytes. */
interface StorableFile {
  fileName: string;
  content: Uint8Array | string;
  textHash: string;
}

/** What was written into the corpus folder, and what was there before (to put back). */
interface Written {
  path: string;
  absolute: string;
  previous: Buffer | null;
}

export class Library {
  constructor(private readonly options: LibraryOptions) {}

  /**
   * Validates articles, stores the good ones in the corpus folder and indexes them. Nothing is
   * written for a file that fails validation, and files written here are removed again if indexing
   * fails. The caller makes sure no reindex is running.
   */
  async add(inputs: ArticleInput[], onProgress?: (p: ReindexProgress) => void): Promise<AddResult> {
    const failed: ArticleFailure[] = [];
    const skipped: ArticleFailure[] = [];
    const written: Written[] = [];
    const snapshot = this.options.snapshot();
    const knownTexts = new Map((snapshot?.summaries() ?? []).map((a) => [sha256(snapshot!.article(a.id)!.text), a.id]));
    for (const input of inputs) {
      const prepared = this.storable(input);
      if ('reason' in prepared) {
        failed.push(prepared);
        continue;
      }
      const duplicateOf = knownTexts.get(prepared.textHash);
      if (duplicateOf !== undefined) {
        const unchanged = input.replace === true && duplicateOf === articleIdFromPath(prepared.fileName);
        skipped.push({ file: input.name, reason: { code: unchanged ? 'unchanged' : 'duplicate', of: duplicateOf } });
        continue;
      }
      knownTexts.set(prepared.textHash, prepared.fileName);
      const absolute = join(this.options.corpusDir, prepared.fileName);
      const previous = input.replace === true && existsSync(absolute) ? readFileSync(absolute) : null;
      writeFileAtomic(absolute, prepared.content);
      written.push({ path: prepared.fileName, absolute, previous });
    }
    if (written.length === 0) return { added: [], skipped, failed, report: null };
    let report: ReindexReport;
    try {
      report = await this.options.reindex(onProgress);
    } catch (error) {
      for (const w of written) restore(w);
      throw error;
    }
    const indexed = this.options.snapshot();
    const byPath = new Map((indexed?.summaries() ?? []).map((a) => [a.path, a]));
    const added: AddedArticle[] = [];
    for (const w of written) {
      const a = byPath.get(w.path);
      const failure = report.failed.find((f) => f.file === w.path);
      if (!a || failure) {
        failed.push({ file: w.path, reason: failure?.reason ?? { code: 'not-indexed' } });
        restore(w);
        continue;
      }
      const text = indexed!.article(a.id)!.text;
      added.push({ ...a, opening: text.slice(0, 200), ...(w.previous ? { replaced: true } : {}) });
    }
    return { added, skipped, failed, report };
  }

  /** Removes an article's file from the corpus and its passages from the index. */
  async remove(id: string): Promise<ReindexReport> {
    const article = this.options.snapshot()?.summaries().find((a) => a.id === id);
    if (!article) throw new Error(`no article with id "${id}"`);
    const absolute = join(this.options.corpusDir, article.path);
    const bytes = existsSync(absolute) ? readFileSync(absolute) : null;
    rmSync(absolute, { force: true });
    try {
      return await this.options.reindex();
    } catch (error) {
      if (bytes) writeFileAtomic(absolute, bytes); // put it back: the index still has it
      throw error;
    }
  }

  /** The file to write for an input, or why it is refused (read exactly as the indexer will read it). */
  private storable(input: ArticleInput): ArticleFailure | StorableFile {
    const name = basename(input.name);
    if (!isArticleFile(name)) return { file: name, reason: { code: 'unsupported-type', ext: extname(name).toLowerCase() } };
    try {
      const article = prepareArticle(name, input.bytes);
      const overrides = Object.fromEntries(Object.entries(input.overrides ?? {}).filter(([, v]) => v !== undefined && v !== null));
      const rewrite = Object.keys(overrides).length > 0;
      const stem = articleIdFromPath(name);
      const ext = rewrite ? '.md' : extname(name).toLowerCase();
      const fileName = input.replace === true ? `${stem}${ext}` : this.freeName(stem, ext);
      // With overrides the article is stored as Markdown with front matter; otherwise byte for byte.
      const content = rewrite ? toFrontMatterMarkdown({ ...article.meta, ...overrides }, article.body.trim()) : input.bytes;
      if (rewrite) prepareArticle(fileName, Buffer.from(content)); // the stored file must read too
      return { fileName, content, textHash: article.textHash };
    } catch (error) {
      if (error instanceof ArticleError) return { file: name, reason: error.reason };
      throw error;
    }
  }

  private freeName(stem: string, ext: string): string {
    const taken = new Set(listCorpusFiles(this.options.corpusDir).map((f) => articleIdFromPath(f.path)));
    let candidate = stem;
    for (let n = 2; taken.has(candidate); n++) candidate = `${stem}-${n}`;
    return `${candidate}${ext}`;
  }
}

/** Puts back what `add` wrote: the earlier version of a replaced file, or nothing. */
function restore(w: Written): void {
  if (w.previous) writeFileAtomic(w.absolute, w.previous);
  else rmSync(w.absolute, { force: true });
}
