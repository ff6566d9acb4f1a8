import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ArticleError, articleIdFromPath } from '../core/article.ts';
import type { ArticleReason } from '../core/failure.ts';
import { COPY_THRESHOLD, findNearCopies, relinkCopies, SHINGLE_WORDS, shingles, type CopyCorpus } from '../core/near-duplicates.ts';
import { analyze } from '../core/text/analyze.ts';
import { chunkSentences } from '../core/text/chunk.ts';
import { splitSentences } from '../core/text/sentences.ts';
import type { Config } from '../config.ts';
import type { TokenizingEmbedder } from '../embed/embedder.ts';
import { failpoint } from '../failpoint.ts';
import { sha256, sha256File } from '../store/files.ts';
import { FileLock } from '../store/lock.ts';
import { MetadataStore, type ArticleShingles, type Manifest, type ShingleIndex, type StoredArticle, type StoredPassage } from '../store/metadata-store.ts';
import { compactionPlan, describeFile, segmentOfLabel, segmentsOf, unchangedSince, type SegmentRef } from '../store/segments.ts';
import { CorruptIndexError, VectorIndex } from '../store/vector-index.ts';
import { listCorpusFiles, prepareArticle, type CorpusFile, type PreparedArticle } from './corpus.ts';
import { storePaths } from './paths.ts';

/** Bump when cleaning, sentence splitting, chunking or analysis change: every article is cut again. */
const PIPELINE_VERSION = 2;
/** Vectors computed per embedder call; each batch is saved at once so a crash loses little work. */
export const EMBED_CHUNK = 64;
/**
 * A copy's passage is indexed (it answers, citing the copy alone) only when less than this share of
 * its shingles is in the original: its new introduction or an added paragraph, never the text both hold.
 */
const OWN_PASSAGE_MAX_SHARED = 0.5;
/**
 * What near-copy detection the stored copyOf values and shingle rows come from: another value (or
 * none, as in a store from before the shingle table) means every article is compared again and its
 * shingles stored anew; otherwise a reindex compares only what changed, through the stored shingles.
 */
const COPY_DETECTION = `shingles=${SHINGLE_WORDS}/fnv1a-32,stored;jaccard>=${COPY_THRESHOLD};own-passages<${OWN_PASSAGE_MAX_SHARED}`;

export interface ReindexOptions {
  /** Re-read, re-cut and re-embed every article, ignoring cached vectors, and rebuild the index. */
  full?: boolean;
  /** With RETENTION_DAYS: also delete the files of the articles that leave the index for their age. */
  deleteExpired?: boolean;
}

export interface ReindexProgress {
  phase: 'scan' | 'embed' | 'index' | 'commit';
  done: number;
  total: number;
}

export interface ArticleFailure {
  file: string;
  /** A code with details, worded by each front end (core/failure.ts). */
  reason: ArticleReason;
}

/** Something a run did that the admin should know, as a code with details (worded by each front end). */
export type ReindexNote =
  | { code: 'model-changed'; from: string; to: string }
  | { code: 'chunking-changed' }
  /** A file that no longer reads: its last good version stays indexed. */
  | { code: 'kept-previous'; file: string }
  /** The index file was damaged (`detail` says how, for logs) and was rebuilt from the stored vectors. */
  | { code: 'index-rebuilt'; detail: string };

/** After committing, vector segments were merged (store/segments.ts): into a new base, or the deltas into one. */
export interface Compaction {
  kind: 'base' | 'deltas';
  /** Segments merged, and the live vectors the merged file holds. */
  segments: number;
  vectors: number;
  ms: number;
}

export interface ReindexReport {
  model: string;
  generation: number;
  full: boolean;
  rebuiltIndex: boolean;
  articles: number;
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
  failed: ArticleFailure[];
  passages: number;
  embedded: number;
  reusedVectors: number;
  durationMs: number;
  embedMs: number;
  /** Passages embedded per second of embedding time. */
  embedRate: number;
  finishedAt: string;
  notes: ReindexNote[];
  /** Articles left out for their age (RETENTION_DAYS), and whether their files were deleted. */
  expired?: { articles: number; filesDeleted: boolean };
  /** Present when the run compacted the vector segments after its commit (its generation is then the compaction's). */
  compaction?: Compaction;
}

interface Prepared {
  article: StoredArticle;
  passages: StoredPassage[];
  isNew: boolean;
}

type PassageCutter = (article: { id: string; text: string }) => StoredPassage[];

/** How this run must go, from what the last committed generation says. */
interface RunPlan {
  manifest: Manifest | null;
  chunking: string;
  /** Cut every article again (full run, first run, other model or other passage settings). */
  recutAll: boolean;
  /** The stored copyOf values were detected otherwise (or never): compare every article again. */
  copiesStale: boolean;
  full: boolean;
  deleteExpired: boolean;
  notes: ReindexNote[];
}

/** Phases 1-2: what the corpus folder holds compared with the index. */
interface CorpusChanges {
  /** New and changed articles, read, cleaned and cut (plus kept versions to re-cut on a full run). */
  prepared: Prepared[];
  /** Ids of indexed articles that stay as they are. */
  keep: Set<string>;
  /** Unchanged files whose modification time moved (the stored one is updated, nothing else). */
  touched: { id: string; fileMtime: number }[];
  failed: ArticleFailure[];
  removedIds: string[];
  /** Files left out for their age (RETENTION_DAYS). */
  expired: string[];
  /** The articles stored before this run, by id (with their text). */
  stored: Map<string, StoredArticle>;
  /** Shingle rows to write with the commit (relateCopies). */
  shingles: ArticleShingles;
}

/** Phase 3: which passages keep their label (and vector), which leave, which must be embedded. */
interface PassagePlan {
  /** The first label this run gives (every label of a delta segment is at least this). */
  firstLabel: number;
  nextLabel: number;
  /** Stored passages of the changed and removed articles. */
  oldPassages: Map<string, StoredPassage[]>;
  removedLabels: number[];
  /** Passages new to the index (a passage of an edited article whose text did not change is not). */
  newPassages: StoredPassage[];
}

/** Phase 4: vectors for every passage the index file needs. */
interface Embedded {
  vectors: Map<string, Float32Array>;
  reusedVectors: number;
  embedded: number;
  embedMs: number;
}

/** Phase 5: the vector segments of the new generation. */
interface WrittenIndex {
  generation: number;
  dims: number;
  segments: SegmentRef[];
  passages: number;
  tombstones: number;
}

/**
 * Brings the index in line with the corpus folder: new and changed articles are cut and embedded,
 * removed ones leave the index, unchanged ones are not touched. The new state becomes visible in
 * one SQLite transaction that also points the manifest at a freshly written index file, so a crash at
 * any point leaves the previous state whole, and the next run redoes only what was not committed.
 */
export async function reindex(
  config: Config,
  embedder: TokenizingEmbedder,
  options: ReindexOptions = {},
  onProgress: (p: ReindexProgress) => void = () => {},
): Promise<ReindexReport> {
  const paths = storePaths(config);
  mkdirSync(config.embeddingsDir, { recursive: true });
  const lock = FileLock.acquire(paths.lock);
  try {
    const store = MetadataStore.open(paths.database);
    try {
      const report = await run(config, embedder, store, options, onProgress);
      // The run's generation is committed and answerable: merging segments only changes how it is stored.
      const compacted = await compact(config, embedder.modelId, store, onProgress);
      if (!compacted) return report;
      const done = { ...report, generation: compacted.generation, compaction: compacted.compaction };
      store.setReport(done);
      return done;
    } finally {
      store.close();
    }
  } finally {
    lock.release();
  }
}

/**
 * One reindex, phase by phase: scan the corpus → read and cut changed files → plan passages (reuse or
 * re-embed) → embed (cached, in saved batches) → write the index file → commit. Nothing the current
 * generation uses is modified before the commit.
 */
async function run(
  config: Config,
  embedder: TokenizingEmbedder,
  store: MetadataStore,
  options: ReindexOptions,
  onProgress: (p: ReindexProgress) => void,
): Promise<ReindexReport> {
  const started = performance.now();
  // The lexical tables are derived from the stored terms: missing or damaged, they are rebuilt first.
  store.repairLexical();
  const plan = planRun(config, embedder, store, options);
  const cut = passageCutter(config, embedder);
  const changes = await scanCorpus(config, store, plan, cut, options, onProgress);
  relateCopies(store, changes, plan, cut);
  const passages = planPassages(store, changes, plan);
  const opened = openCurrentIndex(config, plan);
  const report = (generation: number, indexed: number, rebuilt: boolean, e: Omit<Embedded, 'vectors'>) =>
    buildReport(embedder.modelId, plan, changes, { generation, passages: indexed, rebuiltIndex: rebuilt, ...e, durationMs: performance.now() - started });

  if (changes.prepared.length === 0 && changes.removedIds.length === 0 && !opened.rebuild) {
    store.touchArticles(changes.touched);
    store.setShingles(changes.shingles, COPY_DETECTION);
    // A run killed after its commit left its clean-up undone: finish it.
    removeStaleIndexFiles(config.embeddingsDir, segmentsOf(plan.manifest!));
    store.pruneVectors(embedder.modelId, false);
    const unchanged = report(plan.manifest!.generation, plan.manifest!.passages, false, { reusedVectors: 0, embedded: 0, embedMs: 0 });
    store.setReport(unchanged);
    return unchanged;
  }

  // A rebuilt index file holds every passage; an updated one gets only the new ones.
  const prepared = changes.prepared.flatMap((p) => p.passages);
  const wanted = opened.rebuild ? [...keptPassages(store, changes), ...prepared] : passages.newPassages;
  const embedded = await embedPassages(store, embedder, wanted, changes.prepared, plan.full, onProgress);
  const written = await writeIndex(config, embedder.dims, plan, opened, wanted, passages, embedded.vectors, onProgress);
  const done = report(written.generation, written.passages, opened.rebuild, embedded);
  commitGeneration(config, embedder.modelId, store, plan, changes, passages, written, done, onProgress);
  return done;
}

function planRun(config: Config, embedder: TokenizingEmbedder, store: MetadataStore, options: ReindexOptions): RunPlan {
  const notes: ReindexNote[] = [];
  const manifest = store.manifest();
  const chunking = chunkingKey(config, embedder);
  const recutAll = options.full === true || manifest === null || manifest.model !== embedder.modelId || manifest.chunking !== chunking;
  if (manifest && manifest.model !== embedder.modelId) {
    notes.push({ code: 'model-changed', from: manifest.model, to: embedder.modelId });
  } else if (manifest && manifest.chunking !== chunking) {
    notes.push({ code: 'chunking-changed' });
  }
  return { manifest, chunking, recutAll, copiesStale: store.copyDetection() !== COPY_DETECTION, full: options.full === true, deleteExpired: options.deleteExpired === true, notes };
}

/** Phases 1-2: which files are new, changed, unchanged, broken, gone; the new and changed ones are read and cut. */
async function scanCorpus(
  config: Config,
  store: MetadataStore,
  plan: RunPlan,
  cut: PassageCutter,
  options: ReindexOptions,
  onProgress: (p: ReindexProgress) => void,
): Promise<CorpusChanges> {
  const stored = store.articles();
  const storedByPath = new Map(stored.map((a) => [a.path, a]));
  const files = listCorpusFiles(config.corpusDir);
  const changes: CorpusChanges = { prepared: [], keep: new Set(), touched: [], failed: [], removedIds: [], expired: [], stored: new Map(stored.map((a) => [a.id, a])), shingles: { replaceAll: false, articles: [] } };
  // Published (or, undated, added) before this day: out of the index (RETENTION_DAYS).
  const cutoff = config.retentionDays === null ? null : new Date(Date.now() - config.retentionDays * 86_400_000).toISOString();
  const expired = (a: StoredArticle, file: CorpusFile) => {
    if (cutoff === null || (a.published ?? a.addedAt) >= cutoff.slice(0, (a.published ?? a.addedAt).length)) return false;
    changes.expired.push(file.path);
    if (options.deleteExpired) rmSync(file.absolute, { force: true });
    return true;
  };
  const owners = new Map<string, string>();

  // A file that cannot be read or parsed any more keeps its last good version in the index.
  const keepPrevious = (old: StoredArticle) => {
    plan.notes.push({ code: 'kept-previous', file: old.path });
    if (plan.recutAll) changes.prepared.push({ article: old, passages: cut(old), isNew: false });
    else changes.keep.add(old.id);
  };

  for (const [i, file] of files.entries()) {
    onProgress({ phase: 'scan', done: i, total: files.length });
    if (i % 25 === 24) await yieldToEventLoop(); // parsing and cutting thousands of files: let questions through
    const id = articleIdFromPath(file.path);
    const owner = owners.get(id);
    if (owner !== undefined) {
      changes.failed.push({ file: file.path, reason: { code: 'id-clash', id, with: owner } });
      continue;
    }
    owners.set(id, file.path);
    const old = storedByPath.get(file.path);
    const outcome = readChangedFile(file, id, old, plan.recutAll);
    switch (outcome.kind) {
      case 'unchanged':
        if (expired(old!, file)) break;
        changes.keep.add(old!.id);
        if (outcome.touched) changes.touched.push({ id: old!.id, fileMtime: file.mtimeMs });
        break;
      case 'read':
        if (expired(old ? { ...outcome.article, addedAt: old.addedAt } : outcome.article, file)) break;
        changes.prepared.push({ article: outcome.article, passages: cut(outcome.article), isNew: !old });
        break;
      case 'failed':
        changes.failed.push(outcome.failure);
        if (old) keepPrevious(old);
        break;
    }
  }
  onProgress({ phase: 'scan', done: files.length, total: files.length });

  const changedIds = new Set(changes.prepared.map((p) => p.article.id));
  changes.removedIds = stored.filter((a) => !changes.keep.has(a.id) && !changedIds.has(a.id)).map((a) => a.id);
  return changes;
}

type FileOutcome = { kind: 'unchanged'; touched: boolean } | { kind: 'read'; article: StoredArticle } | { kind: 'failed'; failure: ArticleFailure };

/** One corpus file: unchanged (same size and time, or same bytes), or read into an article, or why not. */
function readChangedFile(file: CorpusFile, id: string, old: StoredArticle | undefined, recutAll: boolean): FileOutcome {
  if (!recutAll && old && old.fileSize === file.size && old.fileMtime === file.mtimeMs) return { kind: 'unchanged', touched: false };
  let bytes: Buffer;
  try {
    bytes = readFileSync(file.absolute);
  } catch (error) {
    return { kind: 'failed', failure: { file: file.path, reason: { code: 'unreadable-file', errno: (error as NodeJS.ErrnoException).code ?? null } } };
  }
  const fileHash = sha256(bytes);
  if (!recutAll && old && old.fileHash === fileHash) return { kind: 'unchanged', touched: true };
  try {
    return { kind: 'read', article: storedArticle(file, id, prepareArticle(file.path, bytes), fileHash) };
  } catch (error) {
    if (!(error instanceof ArticleError)) throw error;
    return { kind: 'failed', failure: { file: file.path, reason: error.reason } };
  }
}

function storedArticle(file: CorpusFile, id: string, prepared: PreparedArticle, fileHash: string): StoredArticle {
  const now = new Date().toISOString();
  return {
    id,
    path: file.path,
    ...prepared.meta,
    text: prepared.text,
    fileHash,
    textHash: prepared.textHash,
    fileSize: file.size,
    fileMtime: file.mtimeMs,
    indexedAt: now,
    // Only a first insert keeps it (the store never updates added_at): the day it entered the corpus.
    addedAt: now,
    copyOf: null, // decided once every article of the run is known (relateCopies)
  };
}

/**
 * Phase 2b: which articles are near-copies of an earlier one (the article that entered the corpus
 * first is the original; same day: the earlier publication, then the path). The decisions are those
 * of comparing every article (findNearCopies), but a run compares only what it changed through the
 * stored shingle index (relinkCopies): new and changed articles, the copies of a removed or changed
 * original (its first copy is promoted), the later articles similar to a new original. Only when the
 * detection settings changed (or a store predates the shingle table), or every article is read again
 * anyway, is every article compared and its shingles stored anew. A copy keeps its row (its own
 * title, outlet, date, link) but only its own passages — what the original does not hold — are
 * indexed: the shared text answers once, from the original, and is cited with its copies. Kept articles whose relation (or original) changed are
 * re-cut; their unchanged passages keep their labels and vectors.
 */
function relateCopies(store: MetadataStore, changes: CorpusChanges, plan: RunPlan, cut: PassageCutter): void {
  if (changes.prepared.length === 0 && changes.removedIds.length === 0 && !plan.copiesStale) return;
  const prepared = new Map(changes.prepared.map((p) => [p.article.id, p]));
  // The articles new in this run entered the corpus together: one addedAt, so the order stored is
  // the order decided here (published, then path), and the next runs compare in that same order.
  const entered = changes.prepared.filter((p) => p.isNew).map((p) => p.article.addedAt).sort()[0];
  for (const p of changes.prepared) if (p.isNew) p.article.addedAt = entered!;
  const current = (id: string): StoredArticle => prepared.get(id)?.article ?? changes.stored.get(id)!;
  // A changed article keeps the day it entered the corpus (the store never updates added_at);
  // articles new in this run entered together, after all others: publication date decides.
  const addedAt = (a: StoredArticle) => changes.stored.get(a.id)?.addedAt ?? '\uffff';
  const byEntry = (a: StoredArticle, b: StoredArticle) =>
    compare(addedAt(a), addedAt(b)) || compare(a.published ?? '9999', b.published ?? '9999') || compare(a.path, b.path);

  let decided: Map<string, string | null>;
  // A run that re-reads every article (first run, --full, other model or passages) compares them all at once.
  if (plan.copiesStale || plan.recutAll) {
    const articles = [...[...changes.keep].map(current), ...changes.prepared.map((p) => p.article)].sort(byEntry);
    const found = findNearCopies(articles);
    decided = new Map(articles.map((a) => [a.id, found.get(a.id)?.of ?? null]));
    changes.shingles = { replaceAll: true, articles: articles.map((a) => ({ id: a.id, shingles: shingles(a.text) })) };
  } else {
    const fresh = new Map(changes.prepared.map((p) => [p.article.id, shingles(p.article.text)]));
    decided = relinkCopies(copyCorpus(store.shingleIndex(), changes, fresh, current, byEntry), fresh.keys(), changes.removedIds);
    changes.shingles = { replaceAll: false, articles: [...fresh].map(([id, s]) => ({ id, shingles: s })) };
  }

  const originalShingles = new Map<string, Set<number>>();
  const ownPassages = (article: StoredArticle, passages: StoredPassage[]): StoredPassage[] => {
    if (article.copyOf === null) return passages;
    let inOriginal = originalShingles.get(article.copyOf);
    if (!inOriginal) originalShingles.set(article.copyOf, (inOriginal = shingles(current(article.copyOf).text)));
    return passages.filter((p) => {
      const own = shingles(article.text.slice(p.start, p.end));
      let shared = 0;
      for (const s of own) if (inOriginal.has(s)) shared++;
      return own.size > 0 && shared < OWN_PASSAGE_MAX_SHARED * own.size;
    });
  };
  const changedOriginals = new Set(prepared.keys());
  for (const [id, copyOf] of decided) {
    const p = prepared.get(id);
    if (p) {
      p.article.copyOf = copyOf;
      p.passages = ownPassages(p.article, p.passages);
      continue;
    }
    const old = changes.stored.get(id)!;
    if (old.copyOf === copyOf && (copyOf === null || !changedOriginals.has(copyOf))) continue;
    const article = { ...old, copyOf };
    changes.keep.delete(id);
    changes.prepared.push({ article, passages: ownPassages(article, cut(article)), isNew: false });
  }
}

/**
 * The corpus as this run leaves it, for relinkCopies: stored shingle rows for the kept articles
 * (those of removed and changed ones are stale), shingles computed now for the new and changed ones.
 */
function copyCorpus(
  index: ShingleIndex,
  changes: CorpusChanges,
  fresh: Map<string, Set<number>>,
  current: (id: string) => StoredArticle,
  byEntry: (a: StoredArticle, b: StoredArticle) => number,
): CopyCorpus {
  const stale = new Set([...changes.removedIds, ...fresh.keys()]);
  const freshHolders = new Map<number, string[]>();
  for (const [id, own] of fresh) for (const h of own) freshHolders.set(h, [...(freshHolders.get(h) ?? []), id]);
  const removed = new Set(changes.removedIds);
  const storedCopies = new Map<string, string[]>();
  for (const a of changes.stored.values()) {
    if (a.copyOf !== null && !removed.has(a.id)) storedCopies.set(a.copyOf, [...(storedCopies.get(a.copyOf) ?? []), a.id]);
  }
  const computed = new Map(fresh);
  return {
    before: (a, b) => byEntry(current(a), current(b)) < 0,
    shinglesOf: (id) => {
      let own = computed.get(id);
      if (!own) computed.set(id, (own = shingles(current(id).text)));
      return own;
    },
    sizeOf: (id) => fresh.get(id)?.size ?? index.size(id),
    sharing: (own) => {
      const counts = new Map<string, number>();
      for (const h of own) {
        for (const id of index.holders(h)) if (!stale.has(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
        for (const id of freshHolders.get(h) ?? []) counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      return counts;
    },
    storedCopyOf: (id) => changes.stored.get(id)?.copyOf,
    storedCopiesOf: (id) => storedCopies.get(id) ?? [],
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Phase 3: an unchanged passage of an edited article keeps its label (and its vector in the index). */
function planPassages(store: MetadataStore, changes: CorpusChanges, plan: RunPlan): PassagePlan {
  const firstLabel = store.nextLabel();
  let nextLabel = firstLabel;
  const oldPassages = new Map<string, StoredPassage[]>();
  for (const id of [...changes.prepared.map((p) => p.article.id), ...changes.removedIds]) oldPassages.set(id, store.passagesOf(id));
  const reused = new Set<number>();
  for (const p of changes.prepared) {
    const available = new Map<string, number[]>();
    if (!plan.recutAll) {
      for (const old of oldPassages.get(p.article.id) ?? []) {
        available.set(old.hash, [...(available.get(old.hash) ?? []), old.label]);
      }
    }
    for (const passage of p.passages) {
      const label = available.get(passage.hash)?.shift();
      if (label !== undefined) reused.add(label);
      passage.label = label ?? nextLabel++;
    }
  }
  return {
    firstLabel,
    nextLabel,
    oldPassages,
    removedLabels: [...oldPassages.values()].flat().map((p) => p.label).filter((l) => !reused.has(l)),
    newPassages: changes.prepared.flatMap((p) => p.passages).filter((p) => !reused.has(p.label)),
  };
}

/**
 * Whether the current segments can take a delta, or the index must be rebuilt (other passages or
 * HNSW parameters, or a damaged file). A segment file changed since it was written (size or time)
 * is checked against its checksum; an untouched one is not re-read (a base of 1M passages is 2 GB).
 */
function openCurrentIndex(config: Config, plan: RunPlan): { rebuild: boolean } {
  const { manifest } = plan;
  const paramsChanged = manifest !== null && (manifest.m !== config.hnsw.m || manifest.efConstruction !== config.hnsw.efConstruction);
  if (plan.recutAll || paramsChanged || !manifest) return { rebuild: plan.recutAll || paramsChanged };
  for (const ref of segmentsOf(manifest)) {
    if (unchangedSince(config.embeddingsDir, ref)) continue;
    const problem = segmentProblem(config.embeddingsDir, ref);
    if (problem) {
      plan.notes.push({ code: 'index-rebuilt', detail: new CorruptIndexError(join(config.embeddingsDir, ref.file), problem).message });
      return { rebuild: true };
    }
  }
  return { rebuild: false };
}

function segmentProblem(dir: string, ref: SegmentRef): string | null {
  try {
    return sha256File(join(dir, ref.file)) === ref.sha256 ? null : 'checksum mismatch';
  } catch {
    return 'file missing';
  }
}

/** Stored passages of the articles this run does not touch (a rebuilt index needs them too). */
function keptPassages(store: MetadataStore, changes: CorpusChanges): StoredPassage[] {
  const changed = new Set([...changes.prepared.map((p) => p.article.id), ...changes.removedIds]);
  return store.passages().filter((p) => !changed.has(p.articleId));
}

/**
 * Phase 4: vectors from the cache when this model already embedded the same text, else computed now
 * in batches of EMBED_CHUNK, each saved at once so a crash loses little work.
 */
async function embedPassages(
  store: MetadataStore,
  embedder: TokenizingEmbedder,
  wanted: StoredPassage[],
  prepared: Prepared[],
  full: boolean,
  onProgress: (p: ReindexProgress) => void,
): Promise<Embedded> {
  const vectors = full ? new Map<string, Float32Array>() : store.vectors(embedder.modelId, wanted.map((p) => p.hash));
  const reusedVectors = vectors.size;
  const missing = uniqueTexts(wanted.filter((p) => !vectors.has(p.hash)), prepared, store);
  const embedStarted = performance.now();
  for (let at = 0; at < missing.length; at += EMBED_CHUNK) {
    onProgress({ phase: 'embed', done: at, total: missing.length });
    await yieldToEventLoop();
    const batch = missing.slice(at, at + EMBED_CHUNK);
    const computed = await embedder.embed(batch.map((m) => m.text), 'passage');
    const entries = batch.map((m, i): [string, Float32Array] => [m.hash, computed[i]!]);
    store.putVectors(embedder.modelId, entries);
    for (const [hash, v] of entries) vectors.set(hash, v);
    failpoint('after-embed-batch');
  }
  const embedMs = performance.now() - embedStarted;
  onProgress({ phase: 'embed', done: missing.length, total: missing.length });
  return { vectors, reusedVectors, embedded: missing.length, embedMs };
}

/**
 * Phase 5: a rebuild writes a new base holding every passage; an update writes only its new passages,
 * as a delta segment, and counts its removed ones as tombstones of their segments. No file the
 * current generation uses is modified.
 */
async function writeIndex(
  config: Config,
  dims: number,
  plan: RunPlan,
  opened: { rebuild: boolean },
  wanted: StoredPassage[],
  passages: PassagePlan,
  vectors: Map<string, Float32Array>,
  onProgress: (p: ReindexProgress) => void,
): Promise<WrittenIndex> {
  const generation = (plan.manifest?.generation ?? 0) + 1;
  const file = `index-${String(generation).padStart(6, '0')}.hnsw`;
  const build = async (list: { label: number; hash: string }[], firstLabel: number): Promise<SegmentRef> => {
    const index = await buildSegment(dims, config, list, vectors, onProgress);
    const sha = index.save(join(config.embeddingsDir, file));
    return describeFile(config.embeddingsDir, file, sha, list.length, firstLabel);
  };
  let segments: SegmentRef[];
  if (opened.rebuild || !plan.manifest) {
    segments = [await build(wanted, 0)];
  } else {
    segments = segmentsOf(plan.manifest).map((ref) => ({ ...ref }));
    for (const label of passages.removedLabels) segments[segmentOfLabel(segments, label)]!.dead++;
    if (passages.newPassages.length > 0) segments.push(await build(passages.newPassages, passages.firstLabel));
  }
  onProgress({ phase: 'index', done: wanted.length, total: wanted.length });
  failpoint('after-index-write');
  const tombstones = segments.reduce((n, r) => n + r.dead, 0);
  return { generation, dims, segments, passages: segments.reduce((n, r) => n + r.vectors, 0) - tombstones, tombstones };
}

/** One HNSW graph over these passages' vectors, yielding now and then so questions get through. */
async function buildSegment(
  dims: number,
  config: Config,
  list: { label: number; hash: string }[],
  vectors: Map<string, Float32Array>,
  onProgress: (p: ReindexProgress) => void,
): Promise<VectorIndex> {
  const index = VectorIndex.create(dims, Math.ceil(list.length * 1.1) + 16, config.hnsw);
  for (const [i, p] of list.entries()) {
    if (i % 500 === 0) {
      onProgress({ phase: 'index', done: i, total: list.length });
      await yieldToEventLoop(); // let questions through on the model thread
    }
    index.add(p.label, vectors.get(p.hash)!);
  }
  return index;
}

/**
 * Merges segments when they pass the share segments.ts sets: every segment into a new base
 * (tombstones dropped), or the deltas into one. Runs after the reindex committed, from the stored
 * vectors, and commits a new generation pointing at the merged file; a kill before that commit
 * leaves the previous generation whole, and the next run compacts again.
 */
async function compact(
  config: Config,
  model: string,
  store: MetadataStore,
  onProgress: (p: ReindexProgress) => void,
): Promise<{ generation: number; compaction: Compaction } | null> {
  const manifest = store.manifest();
  if (!manifest || manifest.model !== model) return null;
  const segments = segmentsOf(manifest);
  const plan = compactionPlan(segments);
  if (!plan) return null;
  const started = performance.now();
  const keep = plan.kind === 'base' ? 0 : 1;
  const firstLabel = keep === 0 ? 0 : segments[1]!.firstLabel;
  const rows = store.passageHashes(firstLabel, Number.MAX_SAFE_INTEGER);
  const vectors = store.vectors(model, rows.map((r) => r.hash));
  if (rows.some((r) => !vectors.has(r.hash))) return null; // a cached vector is missing: the next full run rebuilds
  const generation = manifest.generation + 1;
  const file = `index-${String(generation).padStart(6, '0')}.hnsw`;
  const index = await buildSegment(manifest.dims, config, rows, vectors, onProgress);
  const merged = describeFile(config.embeddingsDir, file, index.save(join(config.embeddingsDir, file)), rows.length, firstLabel);
  failpoint('after-compaction-write');
  const next = [...segments.slice(0, keep), merged];
  const tombstones = next.reduce((n, r) => n + r.dead, 0);
  const written = store.replaceManifest(manifest.generation, {
    ...manifest,
    generation,
    indexFile: next[0]!.file,
    indexSha256: next[0]!.sha256,
    segments: next,
    passages: next.reduce((n, r) => n + r.vectors, 0) - tombstones,
    tombstones,
    builtAt: new Date().toISOString(),
  });
  if (!written) return null;
  failpoint('after-compaction-commit');
  removeStaleIndexFiles(config.embeddingsDir, next);
  return { generation, compaction: { kind: plan.kind, segments: segments.length - keep, vectors: rows.length, ms: Math.round(performance.now() - started) } };
}

/** Phase 6: articles, passages, manifest and report switch together; then what no generation uses goes. */
function commitGeneration(
  config: Config,
  model: string,
  store: MetadataStore,
  plan: RunPlan,
  changes: CorpusChanges,
  passages: PassagePlan,
  written: WrittenIndex,
  report: ReindexReport,
  onProgress: (p: ReindexProgress) => void,
): void {
  onProgress({ phase: 'commit', done: 0, total: 1 });
  const manifest: Manifest = {
    generation: written.generation,
    indexFile: written.segments[0]!.file,
    indexSha256: written.segments[0]!.sha256,
    model,
    dims: written.dims,
    space: 'cosine',
    m: config.hnsw.m,
    efConstruction: config.hnsw.efConstruction,
    chunking: plan.chunking,
    passages: written.passages,
    tombstones: written.tombstones,
    builtAt: new Date().toISOString(),
    segments: written.segments,
  };
  store.commit({
    upsertArticles: changes.prepared.map((p) => p.article),
    removeArticleIds: changes.removedIds,
    // Every passage row of a changed article is rewritten: one whose text did not change keeps its
    // label (and its vector in the index) but may have moved within the article (new offsets, ord).
    removePassageLabels: plan.recutAll ? store.passages().map((p) => p.label) : [...passages.oldPassages.values()].flat().map((p) => p.label),
    addPassages: changes.prepared.flatMap((p) => p.passages),
    manifest,
    nextLabel: passages.nextLabel,
    report,
    copyDetection: COPY_DETECTION,
    shingles: changes.shingles,
  });
  store.touchArticles(changes.touched);
  failpoint('after-commit');
  onProgress({ phase: 'commit', done: 1, total: 1 });

  removeStaleIndexFiles(config.embeddingsDir, written.segments);
  store.pruneVectors(model, plan.full);
}

/** The one place a run's report is written, whether it changed the index or found nothing to do. */
function buildReport(
  model: string,
  plan: RunPlan,
  changes: CorpusChanges,
  outcome: { generation: number; passages: number; rebuiltIndex: boolean; embedded: number; reusedVectors: number; embedMs: number; durationMs: number },
): ReindexReport {
  const added = changes.prepared.filter((p) => p.isNew).length;
  return {
    model,
    generation: outcome.generation,
    full: plan.full,
    rebuiltIndex: outcome.rebuiltIndex,
    articles: changes.keep.size + changes.prepared.length,
    added,
    updated: changes.prepared.length - added,
    removed: changes.removedIds.length,
    unchanged: changes.keep.size,
    failed: changes.failed,
    passages: outcome.passages,
    embedded: outcome.embedded,
    reusedVectors: outcome.reusedVectors,
    durationMs: Math.round(outcome.durationMs),
    embedMs: Math.round(outcome.embedMs),
    embedRate: outcome.embedded > 0 ? Math.round((outcome.embedded / outcome.embedMs) * 1000 * 10) / 10 : 0,
    finishedAt: new Date().toISOString(),
    notes: plan.notes,
    ...(changes.expired.length > 0 ? { expired: { articles: changes.expired.length, filesDeleted: plan.deleteExpired } } : {}),
  };
}

/** Cuts an article into token-sized passages of whole sentences (labels are assigned later). */
function passageCutter(config: Config, embedder: TokenizingEmbedder): PassageCutter {
  const maxTokens = Math.min(config.embedding.maxPassageTokens, embedder.maxTokens);
  const overlapTokens = Math.min(config.embedding.overlapTokens, Math.floor(maxTokens / 3));
  return (article: { id: string; text: string }): StoredPassage[] => {
    const spans = chunkSentences(article.text, splitSentences(article.text), {
      maxTokens,
      overlapTokens,
      countTokens: (text) => embedder.countTokens(text),
    });
    return spans.map((span, ord) => {
      const text = article.text.slice(span.start, span.end);
      return {
        label: -1,
        articleId: article.id,
        ord,
        start: span.start,
        end: span.end,
        hash: passageHash(config, text),
        terms: analyze(text).join(' '),
      };
    });
  };
}

function passageHash(config: Config, text: string): string {
  // The prefix is part of what the model reads, so it is part of the cache key.
  return sha256(`${config.embedding.passagePrefix}\u0000${text}`);
}

function chunkingKey(config: Config, embedder: TokenizingEmbedder): string {
  const e = config.embedding;
  return `v${PIPELINE_VERSION};max=${Math.min(e.maxPassageTokens, embedder.maxTokens)};overlap=${e.overlapTokens};prefix=${JSON.stringify(e.passagePrefix)}`;
}

/** The distinct texts to embed for these passages (the same text in two places is embedded once). */
function uniqueTexts(passages: StoredPassage[], prepared: Prepared[], store: MetadataStore): { hash: string; text: string }[] {
  const texts = new Map(prepared.map((p) => [p.article.id, p.article.text]));
  const out = new Map<string, string>();
  for (const p of passages) {
    if (out.has(p.hash)) continue;
    let text = texts.get(p.articleId);
    if (text === undefined) {
      text = store.articleText(p.articleId);
      texts.set(p.articleId, text);
    }
    out.set(p.hash, text.slice(p.start, p.end));
  }
  return [...out].map(([hash, text]) => ({ hash, text }));
}

/** Deletes the index files the committed generation does not use (left by older generations or killed runs). */
function removeStaleIndexFiles(dir: string, current: readonly SegmentRef[]): void {
  const used = new Set(current.map((r) => r.file));
  for (const name of readdirSync(dir)) {
    if ((/^index-\d+\.hnsw/.test(name) && !used.has(name)) || name.includes('.hnsw.tmp-')) {
      rmSync(join(dir, name), { force: true });
    }
  }
}
