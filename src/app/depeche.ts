import { existsSync } from 'node:fs';
import type { Config } from '../config.ts';
import type { Timeline } from '../core/news.ts';
import type { Answer } from '../core/types.ts';
import type { Embedder, EmbedderSpec } from '../embed/embedder.ts';
import { silentLogger, type Logger } from '../log.ts';
import { LockedError } from '../store/lock.ts';
import { MetadataStore } from '../store/metadata-store.ts';
import { Engine } from './engine.ts';
import { indexIsStale, indexStatus, type Status } from './index-state.ts';
import type { ReindexOptions, ReindexProgress, ReindexReport } from './indexer.ts';
import { storePaths } from './paths.ts';
import { Library, type AddResult, type ArticleInput } from './library.ts';
import { Questions, type AnswerView, type AskOptions, type AskTimings, type FoundPassage, type RankedCandidate, type RankedPassage } from './questions.ts';
import { IndexSnapshot, type ArticleSummary } from './snapshot.ts';

export type { AddedArticle, AddResult, ArticleInput } from './library.ts';
export type { AnswerView, AskOptions, AskTimings, FoundPassage, RankedCandidate, RankedPassage } from './questions.ts';
export type { Status } from './index-state.ts';
export type { Timeline, TimelineEntry } from '../core/news.ts';

export interface DepecheOptions {
  /** Which embedder to use; defaults to the configured Transformers.js model. */
  embedder?: EmbedderSpec;
  /** Run query embedding in the calling thread (tests with the hash embedder); default: a worker. */
  inlineQueryEmbedder?: boolean;
  logger?: Logger;
  /** Start loading the embedding model at once (front ends about to answer questions). */
  preloadModel?: boolean;
  /** Today, for questions about relative periods ("hier", "la semaine dernière"); tests fix it. */
  clock?: () => Date;
}

export class BusyError extends Error {
  constructor() {
    super('a reindex is already running; try again when it has finished');
    this.name = 'BusyError';
  }
}

/**
 * The application: everything a front end (terminal, Discord) can ask of Dépêche. It owns the
 * snapshot questions are answered from and the one reindex that may run; questions (questions.ts)
 * and corpus writes (library.ts) are delegated. Questions are answered from an immutable snapshot
 * while reindexing runs on the model thread; when it commits, the new snapshot replaces the old one
 * in a single assignment.
 */
export class Depeche {
  private snapshot: IndexSnapshot | null = null;
  private running: Promise<ReindexReport> | null = null;
  private readonly spec: EmbedderSpec;
  private readonly log: Logger;
  private readonly questions: Questions;
  private readonly library: Library;
  /** How questions get their embedder and today's date (shared with questionsOver). */
  private readonly loadEmbedder: () => Promise<Embedder>;
  private readonly now: () => Date;

  private constructor(readonly config: Config, options: DepecheOptions) {
    this.spec = options.embedder ?? { kind: 'transformers', config: config.embedding };
    this.log = options.logger ?? silentLogger;
    const spec = this.spec;
    this.now = options.clock ?? (() => new Date());
    // Imported on demand: Transformers.js and ONNX Runtime belong on the model thread, and loading
    // them here too cost the main thread (cold start) about half a second.
    this.loadEmbedder = async (): Promise<Embedder> =>
      options.inlineQueryEmbedder ? (await import('../embed/create-embedder.ts')).createEmbedder(spec) : Engine.shared().embedder(spec);
    this.questions = this.questionsOver(() => this.snapshot);
    this.library = new Library({
      corpusDir: config.corpusDir,
      snapshot: () => this.snapshot,
      reindex: (onProgress) => this.reindex({}, onProgress),
    });
  }

  static async open(config: Config, options: DepecheOptions = {}): Promise<Depeche> {
    const app = new Depeche(config, options);
    // The model loads on its own thread while this one reads the index: cold start is the longer
    // of the two, not their sum. A failure here surfaces again on the first question.
    if (options.preloadModel && config.retrieval.denseWeight > 0) app.questions.warmUp();
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
    return indexIsStale(this.config, this.snapshot, this.modelId);
  }

  /** Builds or updates the index when it is missing or stale; returns the report, or null if it was fresh. */
  async ensureIndex(onProgress?: (p: ReindexProgress) => void): Promise<ReindexReport | null> {
    return this.needsReindex() ? this.reindex({}, onProgress) : null;
  }

  async ask(rawQuestion: string): Promise<Answer> {
    return (await this.questions.askTimed(rawQuestion)).answer;
  }

  /** Answers a question and says where the time went (for benchmarks and logs). */
  askTimed(rawQuestion: string, options?: AskOptions): Promise<{ answer: Answer; timings: AskTimings }> {
    return this.questions.askTimed(rawQuestion, options);
  }

  /**
   * Answers a question and also returns the ranked passages the answer was composed from (the
   * evaluation harness scores both from one retrieval, exactly as `ask` runs it).
   */
  askRanked(rawQuestion: string, limit = 10, withCandidates = false): Promise<{ answer: Answer; ranked: RankedPassage[]; timings: AskTimings; candidates?: RankedCandidate[] }> {
    return this.questions.askRanked(rawQuestion, limit, withCandidates);
  }

  /** The passages that best match a question, without composing an answer (Discord's /sources). */
  findPassages(rawQuestion: string, limit = 5): Promise<{ found: boolean; message: string | null; passages: FoundPassage[] }> {
    return this.questions.findPassages(rawQuestion, limit);
  }

  /** The dated quotes about a subject in chronological order, one per article. */
  timeline(subject: string): Promise<Timeline> {
    return this.questions.timeline(subject);
  }

  /** Reindexes on the model thread; questions keep being answered from the current snapshot meanwhile. */
  async reindex(options: ReindexOptions = {}, onProgress?: (p: ReindexProgress) => void): Promise<ReindexReport> {
    if (this.running) throw new BusyError();
    const started = Date.now();
    this.log.info('reindex.start', { full: options.full === true });
    // Answer from the new generation as soon as it is committed, not after the compaction that may follow.
    const progress = (p: ReindexProgress) => {
      if (p.phase === 'commit' && p.done === p.total) this.snapshot = this.loadSnapshot() ?? this.snapshot;
      onProgress?.(p);
    };
    const job = Engine.shared().reindex(this.config, this.spec, options, progress);
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
    return this.library.add(inputs, onProgress);
  }

  /** Removes an article's file from the corpus and its passages from the index. */
  async removeArticle(id: string): Promise<ReindexReport> {
    if (this.running) throw new BusyError();
    return this.library.remove(id);
  }

  /** The generation questions are answered from (null: nothing indexed yet). */
  get generation(): number | null {
    return this.snapshot?.manifest.generation ?? null;
  }

  /**
   * Loads the generation another process committed (a Discord shard reading what the writer process
   * indexed). Cheap when nothing changed: one small row of the metadata store is read. True when a
   * new generation was loaded.
   */
  refresh(): boolean {
    if (this.running) return false;
    const { database } = storePaths(this.config);
    if (!existsSync(database)) return false;
    const store = MetadataStore.open(database, { readonly: true });
    let committed: number | null;
    try {
      committed = store.manifest()?.generation ?? null;
    } finally {
      store.close();
    }
    if (committed === this.generation) return false;
    this.snapshot = this.loadSnapshot();
    return true;
  }

  /**
   * Questions answered from another view with this application's settings and embedder: several
   * libraries' snapshots seen as one (app/libraries.ts).
   */
  questionsOver(view: () => AnswerView | null): Questions {
    return new Questions({ retrieval: this.config.retrieval, modelId: this.modelId, snapshot: view, now: this.now, loadEmbedder: this.loadEmbedder });
  }

  /** The snapshot questions are answered from now (null before the first index). */
  currentSnapshot(): IndexSnapshot | null {
    return this.snapshot;
  }

  listArticles(): ArticleSummary[] {
    return this.snapshot?.summaries() ?? [];
  }

  status(): Status {
    return indexStatus(this.config, this.snapshot, this.modelId, this.isReindexing);
  }

  async close(): Promise<void> {
    if (this.running) await this.running.catch(() => undefined);
    await this.questions.close();
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
}

function summary(r: ReindexReport) {
  return { generation: r.generation, articles: r.articles, added: r.added, updated: r.updated, removed: r.removed, failed: r.failed.length, passages: r.passages, embedded: r.embedded };
}

export { LockedError };
