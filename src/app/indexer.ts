import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ArticleError, articleIdFromPath, parseArticle } from '../core/article.ts';
import { analyze } from '../core/text/analyze.ts';
import { chunkSentences } from '../core/text/chunk.ts';
import { cleanArticleText } from '../core/text/clean.ts';
import { splitSentences } from '../core/text/sentences.ts';
import type { Config } from '../config.ts';
import type { TokenizingEmbedder } from '../embed/embedder.ts';
import { failpoint } from '../failpoint.ts';
import { sha256 } from '../store/files.ts';
import { FileLock } from '../store/lock.ts';
import { MetadataStore, type Manifest, type StoredArticle, type StoredPassage } from '../store/metadata-store.ts';
import { CorruptIndexError, VectorIndex } from '../store/vector-index.ts';
import { listCorpusFiles, type CorpusFile } from './corpus.ts';
import { storePaths } from './paths.ts';

/** Bump when cleaning, sentence splitting, chunking or analysis change: every article is cut again. */
const PIPELINE_VERSION = 1;
/** Vectors computed per embedder call; each batch is saved at once so a crash loses little work. */
export const EMBED_CHUNK = 64;
/** Deleted vectors stay in the HNSW graph as tombstones; past this share the graph is rebuilt. */
const MAX_TOMBSTONE_SHARE = 0.25;

export interface ReindexOptions {
  /** Re-read, re-cut and re-embed every article, ignoring cached vectors, and rebuild the index. */
  full?: boolean;
}

export interface ReindexProgress {
  phase: 'scan' | 'embed' | 'index' | 'commit';
  done: number;
  total: number;
}

export interface ArticleFailure {
  file: string;
  reason: string;
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
  notes: string[];
}

interface Prepared {
  article: StoredArticle;
  passages: StoredPassage[];
  isNew: boolean;
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
      return await run(config, embedder, store, options, onProgress);
    } finally {
      store.close();
    }
  } finally {
    lock.release();
  }
}

async function run(
  config: Config,
  embedder: TokenizingEmbedder,
  store: MetadataStore,
  options: ReindexOptions,
  onProgress: (p: ReindexProgress) => void,
): Promise<ReindexReport> {
  const started = performance.now();
  const paths = storePaths(config);
  const notes: string[] = [];
  const manifest = store.manifest();
  const chunking = chunkingKey(config, embedder);
  const recutAll = options.full === true || manifest === null || manifest.model !== embedder.modelId || manifest.chunking !== chunking;
  if (manifest && manifest.model !== embedder.modelId) {
    notes.push(`the index was built with model ${manifest.model}; re-embedding everything with ${embedder.modelId}`);
  } else if (manifest && manifest.chunking !== chunking) {
    notes.push('passage settings changed since the last run; cutting every article again');
  }

  // 1. Scan: which files are new, changed, unchanged, broken, gone.
  const stored = store.articles();
  const storedByPath = new Map(stored.map((a) => [a.path, a]));
  const files = listCorpusFiles(config.corpusDir);
  const failed: ArticleFailure[] = [];
  const prepared: Prepared[] = [];
  const keep = new Set<string>();
  const touched: { id: string; fileMtime: number }[] = [];
  const owners = new Map<string, string>();
  const cut = passageCutter(config, embedder);

  // A file that cannot be read or parsed any more keeps its last good version in the index.
  const keepPrevious = (old: StoredArticle) => {
    notes.push(`${old.path}: kept the previously indexed version`);
    if (recutAll) prepared.push({ article: old, passages: cut(old), isNew: false });
    else keep.add(old.id);
  };

  for (const [i, file] of files.entries()) {
    onProgress({ phase: 'scan', done: i, total: files.length });
    if (i % 25 === 24) await yieldToEventLoop(); // parsing and cutting thousands of files: let questions through
    const id = articleIdFromPath(file.path);
    const owner = owners.get(id);
    if (owner !== undefined) {
      failed.push({ file: file.path, reason: `same article id "${id}" as ${owner}: rename one of the two files` });
      continue;
    }
    owners.set(id, file.path);
    const old = storedByPath.get(file.path);
    if (!recutAll && old && old.fileSize === file.size && old.fileMtime === file.mtimeMs) {
      keep.add(old.id);
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = readFileSync(file.absolute);
    } catch (error) {
      failed.push({ file: file.path, reason: `unreadable: ${(error as Error).message}` });
      if (old) keepPrevious(old);
      continue;
    }
    const fileHash = sha256(bytes);
    if (!recutAll && old && old.fileHash === fileHash) {
      keep.add(old.id);
      touched.push({ id: old.id, fileMtime: file.mtimeMs });
      continue;
    }
    try {
      const article = prepareArticle(file, id, bytes, fileHash);
      prepared.push({ article, passages: cut(article), isNew: !old });
    } catch (error) {
      if (!(error instanceof ArticleError)) throw error;
      failed.push({ file: file.path, reason: error.reason });
      if (old) keepPrevious(old);
    }
  }
  onProgress({ phase: 'scan', done: files.length, total: files.length });

  const changedIds = new Set(prepared.map((p) => p.article.id));
  const removedIds = stored.filter((a) => !keep.has(a.id) && !changedIds.has(a.id)).map((a) => a.id);

  // 2. Labels: an unchanged passage of an edited article keeps its label (and its vector in the index).
  let nextLabel = store.nextLabel();
  const oldPassages = new Map<string, StoredPassage[]>();
  for (const id of [...changedIds, ...removedIds]) oldPassages.set(id, store.passagesOf(id));
  const reused = new Set<number>();
  for (const p of prepared) {
    const available = new Map<string, number[]>();
    if (!recutAll) {
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
  const removedLabels = [...oldPassages.values()].flat().map((p) => p.label).filter((l) => !reused.has(l));
  const newPassages = prepared.flatMap((p) => p.passages).filter((p) => !reused.has(p.label));

  const nothingChanged = prepared.length === 0 && removedIds.length === 0;
  const paramsChanged = manifest !== null && (manifest.m !== config.hnsw.m || manifest.efConstruction !== config.hnsw.efConstruction);
  let index: VectorIndex | null = null;
  let rebuild = recutAll || paramsChanged;
  if (!rebuild && manifest) {
    const live = manifest.passages - removedLabels.length + newPassages.length;
    if (manifest.tombstones + removedLabels.length > MAX_TOMBSTONE_SHARE * Math.max(live, 1)) rebuild = true;
  }
  if (!rebuild && manifest) {
    try {
      index = VectorIndex.load(join(config.embeddingsDir, manifest.indexFile), manifest.indexSha256, manifest.dims, config.hnsw, manifest.tombstones);
    } catch (error) {
      if (!(error instanceof CorruptIndexError)) throw error;
      notes.push(`${error.message}: rebuilt it from the stored vectors`);
      rebuild = true;
    }
  }

  if (nothingChanged && !rebuild) {
    store.touchArticles(touched);
    // A run killed after its commit left its clean-up undone: finish it.
    removeStaleIndexFiles(config.embeddingsDir, manifest!.indexFile);
    store.pruneVectors(embedder.modelId, false);
    const report = finish(store, manifest!, 0, 0, 0, false);
    return report;
  }

  // 3. Vectors: from the cache when this model already embedded the same text, else computed now.
  const keptPassages = rebuild ? store.passages().filter((p) => !changedIds.has(p.articleId) && !removedIds.includes(p.articleId)) : [];
  const wanted = rebuild ? [...keptPassages, ...prepared.flatMap((p) => p.passages)] : newPassages;
  const vectors = options.full ? new Map<string, Float32Array>() : store.vectors(embedder.modelId, wanted.map((p) => p.hash));
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

  // 4. Index: a new file per generation; the current one is never modified in place.
  const dims = embedder.dims;
  let tombstones = manifest?.tombstones ?? 0;
  if (rebuild || !index) {
    index = VectorIndex.create(dims, Math.ceil(wanted.length * 1.1) + 16, config.hnsw);
    tombstones = 0;
    for (const [i, p] of wanted.entries()) {
      if (i % 500 === 0) {
        onProgress({ phase: 'index', done: i, total: wanted.length });
        await yieldToEventLoop(); // let questions through on the model thread
      }
      index.add(p.label, vectors.get(p.hash)!);
    }
  } else {
    for (const label of removedLabels) index.remove(label);
    tombstones += removedLabels.length;
    newPassages.forEach((p) => index!.add(p.label, vectors.get(p.hash)!));
  }
  onProgress({ phase: 'index', done: wanted.length, total: wanted.length });
  const generation = (manifest?.generation ?? 0) + 1;
  const indexFile = `index-${String(generation).padStart(6, '0')}.hnsw`;
  const indexSha256 = index.save(join(config.embeddingsDir, indexFile));
  failpoint('after-index-write');

  // 5. Commit: articles, passages and manifest switch together.
  onProgress({ phase: 'commit', done: 0, total: 1 });
  const next: Manifest = {
    generation,
    indexFile,
    indexSha256,
    model: embedder.modelId,
    dims,
    space: 'cosine',
    m: config.hnsw.m,
    efConstruction: config.hnsw.efConstruction,
    chunking,
    passages: index.size,
    tombstones,
    builtAt: new Date().toISOString(),
  };
  const counts = {
    added: prepared.filter((p) => p.isNew).length,
    updated: prepared.filter((p) => !p.isNew).length,
  };
  const report: ReindexReport = {
    model: embedder.modelId,
    generation,
    full: options.full === true,
    rebuiltIndex: rebuild,
    articles: keep.size + prepared.length,
    added: counts.added,
    updated: counts.updated,
    removed: removedIds.length,
    unchanged: keep.size,
    failed,
    passages: index.size,
    embedded: missing.length,
    reusedVectors,
    durationMs: Math.round(performance.now() - started),
    embedMs: Math.round(embedMs),
    embedRate: missing.length > 0 ? Math.round((missing.length / embedMs) * 1000 * 10) / 10 : 0,
    finishedAt: new Date().toISOString(),
    notes,
  };
  store.commit({
    upsertArticles: prepared.map((p) => p.article),
    removeArticleIds: removedIds,
    // Every passage row of a changed article is rewritten: one whose text did not change keeps its
    // label (and its vector in the index) but may have moved within the article (new offsets, ord).
    removePassageLabels: recutAll ? store.passages().map((p) => p.label) : [...oldPassages.values()].flat().map((p) => p.label),
    addPassages: prepared.flatMap((p) => p.passages),
    manifest: next,
    nextLabel,
    report,
  });
  store.touchArticles(touched);
  failpoint('after-commit');
  onProgress({ phase: 'commit', done: 1, total: 1 });

  // 6. Clean up what no generation uses any more.
  removeStaleIndexFiles(config.embeddingsDir, indexFile);
  store.pruneVectors(embedder.modelId, options.full === true);
  return report;

  function finish(s: MetadataStore, m: Manifest, embedded: number, reusedV: number, embedMsV: number, rebuilt: boolean): ReindexReport {
    const r: ReindexReport = {
      model: embedder.modelId,
      generation: m.generation,
      full: options.full === true,
      rebuiltIndex: rebuilt,
      articles: keep.size,
      added: 0,
      updated: 0,
      removed: 0,
      unchanged: keep.size,
      failed,
      passages: m.passages,
      embedded,
      reusedVectors: reusedV,
      durationMs: Math.round(performance.now() - started),
      embedMs: embedMsV,
      embedRate: 0,
      finishedAt: new Date().toISOString(),
      notes,
    };
    s.setReport(r);
    return r;
  }
}

/** Parses, cleans and describes one article file; throws ArticleError when it is not usable. */
export function prepareArticle(file: CorpusFile, id: string, bytes: Uint8Array, fileHash: string): StoredArticle {
  const parsed = parseArticle(file.path, bytes);
  const { text } = cleanArticleText(parsed.body);
  if (text.trim() === '') throw new ArticleError(file.path, 'no article text left once page boilerplate is removed');
  return {
    id,
    path: file.path,
    ...parsed.meta,
    text,
    fileHash,
    textHash: sha256(text),
    fileSize: file.size,
    fileMtime: file.mtimeMs,
    indexedAt: new Date().toISOString(),
  };
}

/** Cuts an article into token-sized passages of whole sentences (labels are assigned later). */
function passageCutter(config: Config, embedder: TokenizingEmbedder) {
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

function removeStaleIndexFiles(dir: string, current: string): void {
  for (const name of readdirSync(dir)) {
    if ((/^index-\d+\.hnsw/.test(name) && name !== current) || name.includes('.hnsw.tmp-')) {
      rmSync(join(dir, name), { force: true });
    }
  }
}
