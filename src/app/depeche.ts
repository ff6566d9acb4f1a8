import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { composeAnswer, NOT_FOUND_ANSWER } from '../core/answer.ts';
import { ArticleError, articleIdFromPath, parseArticle } from '../core/article.ts';
import { toFrontMatterMarkdown } from '../core/front-matter.ts';
import { checkQuestion } from '../core/question.ts';
import { retrieve } from '../core/retrieve.ts';
import { analyze } from '../core/text/analyze.ts';
import { cleanArticleText } from '../core/text/clean.ts';
import type { Answer, ArticleMeta, ScoredPassage } from '../core/types.ts';
import type { Config } from '../config.ts';
import type { Embedder, EmbedderSpec } from '../embed/embedder.ts';
import { createEmbedder } from '../embed/create-embedder.ts';
import { silentLogger, type Logger } from '../log.ts';
import { sha256, writeFileAtomic } from '../store/files.ts';
import { LockedError } from '../store/lock.ts';
import { MetadataStore } from '../store/metadata-store.ts';
import { isArticleFile, listCorpusFiles } from './corpus.ts';
import type { ArticleFailure, ReindexOptions, ReindexProgress, ReindexReport } from './indexer.ts';
import { storePaths } from './paths.ts';
import { Engine } from './engine.ts';
import { IndexSnapshot, type ArticleSummary } from './snapshot.ts';

export interface DepecheOptions {
  /** Which embedder to use; defaults to the configured Transformers.js model. */
  embedder?: EmbedderSpec;
  /** Run query embedding in the calling thread (tests with the hash embedder); default: a worker. */
  inlineQueryEmbedder?: boolean;
  logger?: Logger;
  /** Start loading the embedding model at once (front ends about to answer questions). */
  preloadModel?: boolean;
}

export interface AskTimings {
  embedMs: number;
  searchMs: number;
  composeMs: number;
}

export interface FoundPassage {
  articleId: string;
  title: string | null;
  source: string | null;
  url: string | null;
  published: string | null;
  text: string;
  score: number;
}

/** A ranked passage as the evaluation harness sees it: where it sits in its article's stored text. */
export interface RankedPassage {
  articleId: string;
  start: number;
  end: number;
  score: number;
  coverage: number;
}

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

export interface Status {
  articles: number;
  passages: number;
  model: string;
  indexModel: string | null;
  generation: number | null;
  builtAt: string | null;
  indexBytes: number;
  databaseBytes: number;
  reindexing: boolean;
  lastReindex: ReindexReport | null;
}

export class BusyError extends Error {
  constructor() {
    super('a reindex is already running; try again when it has finished');
    this.name = 'BusyError';
  }
}

/**
 * The application: everything a front end (terminal, Discord) can ask of Dépêche. Questions are
 * answered from an immutable snapshot of the index while reindexing runs in a worker thread; when
 * it commits, the new snapshot replaces the old one in a single assignment.
 */
export class Depeche {
  private snapshot: IndexSnapshot | null;
  private queryEmbedder: Promise<Embedder> | null = null;
  private running: Promise<ReindexReport> | null = null;
  private readonly spec: EmbedderSpec;
  private readonly log: Logger;

  private constructor(readonly config: Config, private readonly options: DepecheOptions) {
    this.spec = options.embedder ?? { kind: 'transformers', config: config.embedding };
    this.log = options.logger ?? silentLogger;
    this.snapshot = null;
  }

  static async open(config: Config, options: DepecheOptions = {}): Promise<Depeche> {
    const app = new Depeche(config, options);
    // The model loads on its own thread while this one reads the index: cold start is the longer
    // of the two, not their sum. A failure here surfaces again on the first question.
    if (options.preloadModel && config.retrieval.denseWeight > 0) app.embedder().catch(() => undefined);
    app.snapshot = app.loadSnapshot();
    return app;
  }

  /** The model the configuration asks for (what a fresh index would be built with). */
  get modelId(): string {
    return this.spec.kind === 'hash' ? `hash-${this.spec.dims}` : this.spec.config.model;
  }

  get isReindexing(): boolean {
    return this.running !== null;
  }

  /** True when there is no index, it was built with another model, or the corpus folder changed. */
  needsReindex(): boolean {
    const snapshot = this.snapshot;
    if (!snapshot || snapshot.manifest.model !== this.modelId) return true;
    const files = listCorpusFiles(this.config.corpusDir);
    const indexed = new Map(snapshot.summaries().map((a) => [a.path, a]));
    if (files.length !== indexed.size) return true;
    const store = MetadataStore.open(storePaths(this.config).database);
    try {
      const stored = new Map(store.articles().map((a) => [a.path, a]));
      return files.some((f) => {
        const a = stored.get(f.path);
        return !a || a.fileSize !== f.size || a.fileMtime !== f.mtimeMs;
      });
    } finally {
      store.close();
    }
  }

  /** Builds or updates the index when it is missing or stale; returns the report, or null if it was fresh. */
  async ensureIndex(onProgress?: (p: ReindexProgress) => void): Promise<ReindexReport | null> {
    return this.needsReindex() ? this.reindex({}, onProgress) : null;
  }

  async ask(rawQuestion: string): Promise<Answer> {
    return (await this.askTimed(rawQuestion)).answer;
  }

  /** Answers a question and says where the time went (for benchmarks and logs). */
  async askTimed(rawQuestion: string): Promise<{ answer: Answer; timings: AskTimings }> {
    const timings: AskTimings = { embedMs: 0, searchMs: 0, composeMs: 0 };
    const check = checkQuestion(rawQuestion);
    if (!check.ok) return { answer: { question: rawQuestion, found: false, answer: check.message, citations: [] }, timings };
    const question = check.question;
    const snapshot = this.snapshot;
    if (!snapshot) {
      return {
        answer: { question, found: false, answer: 'Le corpus n’est pas encore indexé : un administrateur doit lancer une indexation.', citations: [] },
        timings,
      };
    }
    const { ranked, terms } = await this.rank(snapshot, question, timings);
    const t = performance.now();
    const answer = composeAnswer(question, terms, ranked, snapshot, {
      minRelevance: this.config.retrieval.minRelevance,
      maxQuotes: this.config.retrieval.maxQuotes,
    });
    timings.composeMs = performance.now() - t;
    return { answer, timings };
  }

  /**
   * Answers a question and also returns the ranked passages the answer was composed from (the
   * evaluation harness scores both from one retrieval, exactly as `ask` runs it).
   */
  async askRanked(rawQuestion: string, limit = 10): Promise<{ answer: Answer; ranked: RankedPassage[]; timings: AskTimings }> {
    const timings: AskTimings = { embedMs: 0, searchMs: 0, composeMs: 0 };
    const check = checkQuestion(rawQuestion);
    const snapshot = this.snapshot;
    if (!check.ok || !snapshot) return { ...(await this.askTimed(rawQuestion)), ranked: [] };
    const { ranked, terms } = await this.rank(snapshot, check.question, timings);
    const t = performance.now();
    const answer = composeAnswer(check.question, terms, ranked, snapshot, {
      minRelevance: this.config.retrieval.minRelevance,
      maxQuotes: this.config.retrieval.maxQuotes,
    });
    timings.composeMs = performance.now() - t;
    const top = ranked.slice(0, limit).map((r) => ({
      articleId: r.passage.articleId,
      start: r.passage.start,
      end: r.passage.end,
      score: r.score,
      coverage: r.coverage,
    }));
    return { answer, ranked: top, timings };
  }

  /** The passages that best match a question, without composing an answer (Discord's /sources). */
  async findPassages(rawQuestion: string, limit = 5): Promise<{ found: boolean; message: string | null; passages: FoundPassage[] }> {
    const check = checkQuestion(rawQuestion);
    if (!check.ok) return { found: false, message: check.message, passages: [] };
    const snapshot = this.snapshot;
    if (!snapshot) return { found: false, message: 'Le corpus n’est pas encore indexé.', passages: [] };
    const { ranked } = await this.rank(snapshot, check.question, { embedMs: 0, searchMs: 0, composeMs: 0 });
    const relevant = ranked.filter((r) => r.coverage > this.config.retrieval.minRelevance).slice(0, limit);
    const passages = relevant.map((r) => {
      const a = snapshot.article(r.passage.articleId)!;
      return {
        articleId: a.id,
        title: a.title,
        source: a.source,
        url: a.url,
        published: a.published,
        text: a.text.slice(r.passage.start, r.passage.end),
        score: Math.round(r.score * 1e4) / 1e4,
      };
    });
    return { found: passages.length > 0, message: passages.length > 0 ? null : NOT_FOUND_ANSWER, passages };
  }

  private async rank(snapshot: IndexSnapshot, question: string, timings: AskTimings): Promise<{ ranked: ScoredPassage[]; terms: string[] }> {
    const terms = analyze(question);
    let vector: Float32Array | null = null;
    const { denseWeight, candidates } = this.config.retrieval;
    // Vectors of another model live in another space: without a matching index, lexical only.
    if (denseWeight > 0 && snapshot.manifest.model === this.modelId) {
      const t = performance.now();
      const embedder = await this.embedder();
      [vector] = (await embedder.embed([question], 'query')) as [Float32Array];
      timings.embedMs = performance.now() - t;
    }
    const t = performance.now();
    const ranked = retrieve(snapshot, terms, vector, { denseWeight, candidates });
    timings.searchMs = performance.now() - t;
    return { ranked, terms };
  }

  private embedder(): Promise<Embedder> {
    if (!this.queryEmbedder) {
      this.queryEmbedder = this.options.inlineQueryEmbedder ? createEmbedder(this.spec) : Engine.shared().embedder(this.spec);
      this.queryEmbedder.catch(() => {
        this.queryEmbedder = null; // let the next question try again
      });
    }
    return this.queryEmbedder;
  }

  /** Reindexes on the model thread; questions keep being answered from the current snapshot meanwhile. */
  async reindex(options: ReindexOptions = {}, onProgress?: (p: ReindexProgress) => void): Promise<ReindexReport> {
    if (this.running) throw new BusyError();
    const started = Date.now();
    this.log.info('reindex.start', { full: options.full === true });
    const job = Engine.shared().reindex(this.config, this.spec, options, onProgress);
    this.running = job;
    try {
      const report = await job;
      this.snapshot = this.loadSnapshot();
      this.log.info('reindex.done', { ...summary(report), ms: Date.now() - started });
      return report;
    } catch (error) {
      this.log.error('reindex.failed', { error, ms: Date.now() - started });
      throw error;
    } finally {
      this.running = null;
    }
  }

  /**
   * Validates articles, stores the good ones in the corpus folder and indexes them. Nothing is
   * written for a file that fails validation, and files written here are removed again if indexing
   * fails, so the corpus folder and the index never disagree.
   */
  async addArticles(inputs: ArticleInput[], onProgress?: (p: ReindexProgress) => void): Promise<AddResult> {
    if (this.running) throw new BusyError();
    const failed: ArticleFailure[] = [];
    const skipped: ArticleFailure[] = [];
    const written: { path: string; absolute: string; previous: Buffer | null }[] = [];
    const knownTexts = new Map((this.snapshot?.summaries() ?? []).map((a) => [sha256(this.snapshot!.article(a.id)!.text), a.id]));
    for (const input of inputs) {
      const prepared = this.prepareInput(input);
      if ('reason' in prepared) {
        failed.push(prepared);
        continue;
      }
      const duplicateOf = knownTexts.get(prepared.textHash);
      if (duplicateOf !== undefined) {
        const unchanged = input.replace === true && duplicateOf === articleIdFromPath(prepared.fileName);
        skipped.push({ file: input.name, reason: unchanged ? `unchanged: article ${duplicateOf} already has this text` : `same text as article ${duplicateOf}, already in the corpus` });
        continue;
      }
      knownTexts.set(prepared.textHash, prepared.fileName);
      const absolute = join(this.config.corpusDir, prepared.fileName);
      const previous = input.replace === true && existsSync(absolute) ? readFileSync(absolute) : null;
      writeFileAtomic(absolute, prepared.content);
      written.push({ path: prepared.fileName, absolute, previous });
    }
    if (written.length === 0) return { added: [], skipped, failed, report: null };
    let report: ReindexReport;
    try {
      report = await this.reindex({}, onProgress);
    } catch (error) {
      for (const w of written) restore(w);
      throw error;
    }
    const byPath = new Map((this.snapshot?.summaries() ?? []).map((a) => [a.path, a]));
    const added: AddedArticle[] = [];
    for (const w of written) {
      const a = byPath.get(w.path);
      const failure = report.failed.find((f) => f.file === w.path);
      if (!a || failure) {
        failed.push({ file: w.path, reason: failure?.reason ?? 'was not indexed' });
        restore(w);
        continue;
      }
      const text = this.snapshot!.article(a.id)!.text;
      added.push({ ...a, opening: text.slice(0, 200), ...(w.previous ? { replaced: true } : {}) });
    }
    return { added, skipped, failed, report };
  }

  /** Removes an article's file from the corpus and its passages from the index. */
  async removeArticle(id: string): Promise<ReindexReport> {
    if (this.running) throw new BusyError();
    const article = this.snapshot?.summaries().find((a) => a.id === id);
    if (!article) throw new Error(`no article with id "${id}"`);
    const absolute = join(this.config.corpusDir, article.path);
    const bytes = existsSync(absolute) ? readFileSync(absolute) : null;
    rmSync(absolute, { force: true });
    try {
      return await this.reindex({});
    } catch (error) {
      if (bytes) writeFileAtomic(absolute, bytes); // put it back: the index still has it
      throw error;
    }
  }

  listArticles(): ArticleSummary[] {
    return this.snapshot?.summaries() ?? [];
  }

  status(): Status {
    const snapshot = this.snapshot;
    const size = (path: string) => (existsSync(path) ? statSync(path).size : 0);
    const database = storePaths(this.config).database;
    let lastReindex: ReindexReport | null = null;
    if (existsSync(database)) {
      const store = MetadataStore.open(database);
      try {
        lastReindex = store.lastReport<ReindexReport>();
      } finally {
        store.close();
      }
    }
    return {
      articles: snapshot?.articleCount ?? 0,
      passages: snapshot?.passageCount ?? 0,
      model: this.modelId,
      indexModel: snapshot?.manifest.model ?? null,
      generation: snapshot?.manifest.generation ?? null,
      builtAt: snapshot?.manifest.builtAt ?? null,
      indexBytes: snapshot ? size(join(this.config.embeddingsDir, snapshot.manifest.indexFile)) : 0,
      databaseBytes: size(database) + size(`${database}-wal`),
      reindexing: this.isReindexing,
      lastReindex,
    };
  }

  async close(): Promise<void> {
    if (this.running) await this.running.catch(() => undefined);
    const embedder = await this.queryEmbedder?.catch(() => null);
    await embedder?.close();
    this.queryEmbedder = null;
  }

  private loadSnapshot(): IndexSnapshot | null {
    try {
      return IndexSnapshot.load(this.config);
    } catch (error) {
      // A damaged index is rebuilt by the next reindex (from stored vectors when they are intact).
      this.log.error('index.unusable', { error });
      return null;
    }
  }

  private prepareInput(input: ArticleInput): ArticleFailure | { fileName: string; content: Uint8Array | string; textHash: string } {
    const name = basename(input.name);
    if (!isArticleFile(name)) return { file: name, reason: `unsupported file type "${extname(name) || name}": use .md or .txt` };
    try {
      const parsed = parseArticle(name, input.bytes);
      const { text } = cleanArticleText(parsed.body);
      if (text.trim() === '') return { file: name, reason: 'no article text left once page boilerplate is removed' };
      const overrides = Object.fromEntries(Object.entries(input.overrides ?? {}).filter(([, v]) => v !== undefined && v !== null));
      const stem = articleIdFromPath(name);
      const ext = Object.keys(overrides).length > 0 ? '.md' : extname(name).toLowerCase();
      const fileName = input.replace === true ? `${stem}${ext}` : this.freeName(stem, ext);
      // With overrides the article is stored as Markdown with front matter; otherwise byte for byte.
      const content = Object.keys(overrides).length > 0 ? toFrontMatterMarkdown({ ...parsed.meta, ...overrides }, parsed.body.trim()) : input.bytes;
      if (Object.keys(overrides).length > 0) parseArticle(fileName, Buffer.from(content)); // the stored file must parse too
      return { fileName, content, textHash: sha256(text) };
    } catch (error) {
      if (error instanceof ArticleError) return { file: name, reason: error.reason };
      throw error;
    }
  }

  private freeName(stem: string, ext: string): string {
    const taken = new Set(listCorpusFiles(this.config.corpusDir).map((f) => articleIdFromPath(f.path)));
    let candidate = stem;
    for (let n = 2; taken.has(candidate); n++) candidate = `${stem}-${n}`;
    return `${candidate}${ext}`;
  }
}

/** Puts back what addArticles wrote: the earlier version of a replaced file, or nothing. */
function restore(w: { absolute: string; previous: Buffer | null }): void {
  if (w.previous) writeFileAtomic(w.absolute, w.previous);
  else rmSync(w.absolute, { force: true });
}

function summary(r: ReindexReport) {
  return { generation: r.generation, articles: r.articles, added: r.added, updated: r.updated, removed: r.removed, failed: r.failed.length, passages: r.passages, embedded: r.embedded };
}

export { LockedError };
