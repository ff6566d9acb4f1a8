/**
 * Dépêche itself on the OrangeSum corpus: ingestion (a full reindex, as `npm run reindex -- --full`
 * does it), query latency through `Depeche.askTimed` (one client, then concurrent clients), and
 * recall@10 of the same ranking the answers are built from.
 */
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Depeche } from '../app/depeche.ts';
import type { ReindexReport } from '../app/indexer.ts';
import { storePaths } from '../app/paths.ts';
import { IndexSnapshot } from '../app/snapshot.ts';
import type { Config } from '../config.ts';
import { analyze } from '../core/text/analyze.ts';
import { retrieve } from '../core/retrieve.ts';
import type { LegHit } from '../core/fusion.ts';
import { Engine } from '../app/engine.ts';
import { MetadataStore } from '../store/metadata-store.ts';
import type { BenchQuestion } from './corpus.ts';
import { distribution, MiB, percentile, round, rssMiB, timed, type Distribution } from './stats.ts';

export interface IngestResult {
  articles: number;
  passages: number;
  embedded: number;
  batchSize: number;
  /** Texts per embedder call made by the indexer. */
  chunk: number;
  threads: string;
  wallMs: number;
  /** CPU time of the whole process (all threads) over the reindex wall time: cores kept busy. */
  coresBusy: number;
  phasesMs: Record<string, number>;
  embedMs: number;
  /** Passages embedded per second of embedding time (the indexer's own figure). */
  passagesPerSecEmbed: number;
  /** Passages indexed per second of the whole reindex (scan, cut, embed, index, commit). */
  passagesPerSecTotal: number;
  articlesPerSecTotal: number;
  passageChars: { mean: number; p50: number; p90: number; max: number };
  databaseBytes: number;
  indexBytes: number;
  /** How long the main thread (the one answering questions) was blocked at worst while the corpus was indexed. */
  eventLoop: EventLoopBlock;
  report: Omit<ReindexReport, 'failed'> & { failed: number };
}

/** Event-loop delay of the main thread over a phase (monitorEventLoopDelay, 10 ms resolution). */
export interface EventLoopBlock {
  maxMs: number;
  p99Ms: number;
  meanMs: number;
}

function watchEventLoop(): { stop: () => EventLoopBlock } {
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return {
    stop: () => {
      histogram.disable();
      return { maxMs: round(histogram.max / 1e6, 1), p99Ms: round(histogram.percentile(99) / 1e6, 1), meanMs: round(histogram.mean / 1e6, 1) };
    },
  };
}

/** Indexes the corpus from scratch through the application (reindex worker, cached vectors ignored). */
export async function ingest(config: Config): Promise<IngestResult> {
  const app = await Depeche.open(config);
  const phasesMs: Record<string, number> = {};
  let phase = '';
  let phaseStart = performance.now();
  try {
    const loop = watchEventLoop();
    const run = await timed(() =>
      app.reindex({ full: true }, (p) => {
        if (p.phase === phase) return;
        const now = performance.now();
        if (phase) phasesMs[phase] = round(now - phaseStart, 0);
        phase = p.phase;
        phaseStart = now;
      }),
    );
    const eventLoop = loop.stop();
    if (phase) phasesMs[phase] = round(performance.now() - phaseStart, 0);
    const report = run.value;
    const chars = passageLengths(config);
    const db = storePaths(config).database;
    const manifest = app.status();
    return {
      articles: report.articles,
      passages: report.passages,
      embedded: report.embedded,
      batchSize: config.embedding.batchSize,
      chunk: 64,
      threads: `onnxruntime-node 1.21 defaults on the model thread: intra-op threads = physical cores (${availableParallelism()}), sequential execution`,
      wallMs: round(run.wallMs, 0),
      coresBusy: round(run.cpuMs / run.wallMs, 2),
      phasesMs,
      embedMs: report.embedMs,
      passagesPerSecEmbed: report.embedRate,
      passagesPerSecTotal: round((report.passages / run.wallMs) * 1000, 1),
      articlesPerSecTotal: round((report.articles / run.wallMs) * 1000, 2),
      passageChars: {
        mean: round(chars.reduce((a, b) => a + b, 0) / Math.max(chars.length, 1), 0),
        p50: percentile(chars, 0.5),
        p90: percentile(chars, 0.9),
        max: Math.max(...chars),
      },
      databaseBytes: fileSize(db) + fileSize(`${db}-wal`),
      indexBytes: manifest.indexBytes,
      eventLoop,
      report: { ...report, failed: report.failed.length },
    };
  } finally {
    await app.close();
  }
}

function fileSize(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

/** Character lengths of the indexed passages (to size the comparison pipeline's chunks alike). */
export function passageLengths(config: Config): number[] {
  const store = MetadataStore.open(storePaths(config).database);
  try {
    return store.passages().map((p) => p.end - p.start);
  } finally {
    store.close();
  }
}

export interface QueryRecord {
  totalMs: number;
  embedMs: number;
  searchMs: number;
  composeMs: number;
  found: boolean;
  /** The answer quotes the question's own article. */
  citesGold: boolean;
}

export interface LatencyResult {
  clients: number;
  questions: number;
  wallMs: number;
  questionsPerSec: number;
  total: Distribution;
  embed: Distribution;
  search: Distribution;
  compose: Distribution;
  found: number;
  citesGold: number;
}

export function summarizeLatency(records: QueryRecord[], clients: number, wallMs: number): LatencyResult {
  return {
    clients,
    questions: records.length,
    wallMs: round(wallMs, 0),
    questionsPerSec: round((records.length / wallMs) * 1000, 1),
    total: distribution(records.map((r) => r.totalMs)),
    embed: distribution(records.map((r) => r.embedMs)),
    search: distribution(records.map((r) => r.searchMs)),
    compose: distribution(records.map((r) => r.composeMs)),
    found: records.filter((r) => r.found).length,
    citesGold: records.filter((r) => r.citesGold).length,
  };
}

/**
 * Asks every question through `Depeche.askTimed` with `clients` concurrent callers. The query
 * embedder is one worker thread, so concurrent questions queue there; `totalMs` is the time a caller
 * waits, queueing included.
 */
export async function askAll(app: Depeche, questions: readonly BenchQuestion[], clients: number): Promise<{ records: QueryRecord[]; wallMs: number }> {
  const records = new Array<QueryRecord>(questions.length);
  let next = 0;
  const t0 = performance.now();
  const client = async () => {
    for (let i = next++; i < questions.length; i = next++) {
      const q = questions[i]!;
      const start = performance.now();
      records[i] = await timedQuestion(app, q, start);
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return { records, wallMs: performance.now() - t0 };
}

export interface QueryBench {
  warmup: number;
  single: LatencyResult;
  concurrent: LatencyResult;
  rssMiB: number;
}

export async function queryLatency(config: Config, questions: readonly BenchQuestion[], warmup: readonly BenchQuestion[], clients: number): Promise<QueryBench> {
  const app = await Depeche.open(config);
  try {
    // Warm-up: starts the query worker, loads the model, lets V8 compile the hot paths.
    await askAll(app, warmup, 1);
    const single = await askAll(app, questions, 1);
    const concurrent = await askAll(app, questions, clients);
    return {
      warmup: warmup.length,
      single: summarizeLatency(single.records, 1, single.wallMs),
      concurrent: summarizeLatency(concurrent.records, clients, concurrent.wallMs),
      rssMiB: rssMiB(),
    };
  } finally {
    await app.close();
  }
}

export interface DuringReindexResult {
  /** Questions answered while the full reindex ran (one client asking in a loop). */
  questions: number;
  total: Distribution;
  embed: Distribution;
  search: Distribution;
  reindexWallMs: number;
  /** When the slowest question was asked, since the reindex started (which phase held it up). */
  slowestAskedAtMs: number;
  /** The reindex's phases, each with its start since the reindex started. */
  phasesAtMs: Record<string, number>;
  passages: number;
  eventLoop: EventLoopBlock;
}

/**
 * A member asking while an administrator rebuilds everything: `reindex({ full: true })` runs on the
 * model thread while one client asks questions back to back until it ends. Questions go ahead of
 * reindex batches on that thread (src/embed/model-queue.ts); this says what they wait.
 */
export async function questionsDuringReindex(config: Config, questions: readonly BenchQuestion[], warmup: readonly BenchQuestion[]): Promise<DuringReindexResult> {
  const app = await Depeche.open(config);
  try {
    await askAll(app, warmup, 1); // model loaded and hot paths compiled, as on a bot that has been up a while
    const records: QueryRecord[] = [];
    const askedAt: number[] = [];
    const phasesAtMs: Record<string, number> = {};
    let running = true;
    const loop = watchEventLoop();
    const started = performance.now();
    const reindex = app.reindex({ full: true }, (p) => {
      phasesAtMs[p.phase] ??= round(performance.now() - started, 0);
    }).finally(() => {
      running = false;
    });
    for (let i = 0; running; i++) {
      const q = questions[i % questions.length]!;
      const start = performance.now();
      askedAt.push(start - started);
      records.push(await timedQuestion(app, q, start));
    }
    const report = await reindex;
    const reindexWallMs = performance.now() - started;
    return {
      questions: records.length,
      total: distribution(records.map((r) => r.totalMs)),
      embed: distribution(records.map((r) => r.embedMs)),
      search: distribution(records.map((r) => r.searchMs)),
      reindexWallMs: round(reindexWallMs, 0),
      slowestAskedAtMs: round(askedAt[records.reduce((worst, r, i) => (r.totalMs > records[worst]!.totalMs ? i : worst), 0)] ?? 0, 0),
      phasesAtMs,
      passages: report.passages,
      eventLoop: loop.stop(),
    };
  } finally {
    await app.close();
  }
}

export interface RecallResult {
  questions: number;
  /** Share of questions whose article is among the first k distinct articles of the ranking. */
  hybrid: { r1: number; r10: number };
  dense: { r1: number; r10: number };
  lexical: { r1: number; r10: number };
}

/**
 * Recall of the ranking answers are built from (BM25 + HNSW fused as in `Depeche`), and of each leg
 * alone, over `candidates` passages deduplicated by article. Also returns the query vectors, which
 * the index-scale part reuses as real queries.
 */
export async function recall(config: Config, questions: readonly BenchQuestion[]): Promise<{ result: RecallResult; vectors: Float32Array[] }> {
  const snapshot = IndexSnapshot.load(config);
  if (!snapshot) throw new Error('no index to measure recall on');
  // Through the process's one model thread, like the application (see engine.ts).
  const embedder = await Engine.shared().embedder({ kind: 'transformers', config: config.embedding });
  try {
    const vectors = await embedder.embed(questions.map((q) => q.text), 'query');
    const { denseWeight, candidates } = config.retrieval;
    const hits = { hybrid: [0, 0], dense: [0, 0], lexical: [0, 0] };
    const count = (key: keyof typeof hits, labels: number[], gold: string) => {
      const articles = distinctArticles(snapshot, labels, 10);
      if (articles[0] === gold) hits[key][0]!++;
      if (articles.includes(gold)) hits[key][1]!++;
    };
    questions.forEach((q, i) => {
      const terms = analyze(q.text);
      const ranked = retrieve(snapshot, terms, vectors[i]!, { denseWeight, candidates });
      count('hybrid', ranked.map((r) => r.label), q.gold);
      count('dense', snapshot.dense.search(vectors[i]!, candidates).map((h: LegHit) => h.label), q.gold);
      count('lexical', snapshot.lexical.search(terms, candidates).map((h) => h.label), q.gold);
    });
    const n = questions.length;
    const share = (x: number) => round(x / n, 3);
    return {
      result: {
        questions: n,
        hybrid: { r1: share(hits.hybrid[0]!), r10: share(hits.hybrid[1]!) },
        dense: { r1: share(hits.dense[0]!), r10: share(hits.dense[1]!) },
        lexical: { r1: share(hits.lexical[0]!), r10: share(hits.lexical[1]!) },
      },
      vectors,
    };
  } finally {
    await embedder.close();
  }
}

function distinctArticles(snapshot: IndexSnapshot, labels: number[], k: number): string[] {
  const out: string[] = [];
  for (const label of labels) {
    const id = snapshot.passage(label)?.articleId;
    if (id !== undefined && !out.includes(id)) out.push(id);
    if (out.length >= k) break;
  }
  return out;
}

/** All cached passage vectors of the index (to fit the synthetic vectors of the scale part). */
export function passageVectors(config: Config, limit = Infinity): Float32Array[] {
  const store = MetadataStore.open(storePaths(config).database);
  try {
    const manifest = store.manifest();
    if (!manifest) return [];
    const hashes = store.passages().map((p) => p.hash);
    return [...store.vectors(manifest.model, hashes.slice(0, Math.min(hashes.length, limit))).values()];
  } finally {
    store.close();
  }
}

export function indexFileBytes(config: Config): number {
  const store = MetadataStore.open(storePaths(config).database);
  try {
    const m = store.manifest();
    return m ? fileSize(join(config.embeddingsDir, m.indexFile)) : 0;
  } finally {
    store.close();
  }
}

export const bytesPerPassage = (bytes: number, passages: number) => round(bytes / Math.max(passages, 1), 0);
export const mib = (bytes: number) => round(bytes / MiB, 1);

/** One question asked and timed: where its time went, whether it was answered and from the right article. */
async function timedQuestion(app: Depeche, q: BenchQuestion, start: number): Promise<QueryRecord> {
  const { answer, timings } = await app.askTimed(q.text);
  return {
    totalMs: performance.now() - start,
    embedMs: timings.embedMs,
    searchMs: timings.searchMs,
    composeMs: timings.composeMs,
    found: answer.found,
    citesGold: answer.citations.some((c) => c.articleId === q.gold),
  };
}
