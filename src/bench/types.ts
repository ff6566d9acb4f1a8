/** What `npm run bench` measures and stores as JSON (main.ts writes it, report.ts prints it). */
import type { Config } from '../config.ts';
import type { DuringReindexResult, IngestResult, QueryBench, RecallResult } from './app-bench.ts';
import type { Distribution, MachineInfo } from './stats.ts';

export interface ColdStart {
  runs: number;
  readyMs: number;
  spawnToExitMs: number;
  importsMs: number;
  openMs: number;
  freshnessCheckMs: number;
  firstAskMs: number;
  firstAskEmbedMs: number;
  rssMiB: number;
  maxRssMiB: number;
  all: ColdRun[];
}

/** One cold start (cold-start.ts), times since the child process started. */
export interface ColdRun {
  moduleStartMs: number;
  importsMs: number;
  openMs: number;
  freshnessCheckMs: number;
  firstAskMs: number;
  firstAskEmbedMs: number;
  readyMs: number;
  rssMiB: number;
  maxRssMiB: number;
  found: boolean;
}

export interface LangChainRun {
  runtime: string;
  modelLoadMs: number;
  articles: number;
  chunkSize: number;
  chunkOverlap: number;
  chunks: number;
  chunkChars: { mean: number; p50: number; p90: number; max: number };
  batchSize: number;
  ingestWallMs: number;
  embedMs: number;
  coresBusy: number;
  chunksPerSecEmbed: number;
  chunksPerSecTotal: number;
  articlesPerSecTotal: number;
  rssAfterIngestMiB: number;
  single: { questions: number; wallMs: number; questionsPerSec: number; total: Distribution; embed: Distribution; search: Distribution };
  concurrent: { clients: number; wallMs: number; questionsPerSec: number; total: Distribution };
  recall: { r1: number; r10: number; chunkR10: number };
  rssMiB: number;
  peakRssMiB: number;
}

export interface ScaleRow {
  size: number;
  /** Set when the row was measured by an earlier run (--include). */
  from?: string;
  source: 'real' | 'synthetic';
  build: {
    buildMs: number;
    generateMs: number;
    insertsPerSec: number;
    saveMs: number;
    fileBytes: number;
    fileMiB: number;
    bytesPerVector: number;
    rssBeforeMiB: number;
    rssBuiltMiB: number;
    indexRssMiB: number;
    searchK10: Distribution;
    searchK50: Distribution;
    recallAt10: number;
    truthQueries: number;
    truthMs: number;
    sweep: { ef: number; recallAt10: number; p50: number; p95: number }[];
  };
  load: { loadMs: number; rssBeforeMiB: number; rssAfterLoadMiB: number; peakRssMiB: number; indexRssMiB: number; searchK10: Distribution; searchK50: Distribution };
  /** The index as the base segment of the segmented dense leg, plus a delta (scale.ts, mode segments). */
  segments?: {
    delta: number;
    tombstones: number;
    efSearch: number;
    coldStartMs: number;
    rssBaseMiB: number;
    deltaWriteMs: number;
    newGenerationLoadMs: number;
    searchK10: Distribution;
    searchK50: Distribution;
    recallAt10: number;
    truthQueries: number;
    rssServingMiB: number;
    peakRssMiB: number;
  };
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  machine: { atStart: MachineInfo; loadAverageAtEnd: [number, number, number] };
  setup: {
    model: string;
    modelDir: string;
    corpus: string;
    articles: number;
    questions: string;
    questionCount: number;
    warmup: number;
    clients: number;
    hnsw: Config['hnsw'];
    retrieval: Config['retrieval'];
    embedding: { batchSize: number; maxPassageTokens: number; overlapTokens: number };
  };
  ingest?: IngestResult;
  coldStart?: ColdStart;
  queries?: QueryBench;
  duringReindex?: DuringReindexResult;
  recall?: RecallResult;
  memory?: { passages: number; indexBytesPerPassage: number; databaseBytesPerPassage: number; processRssMiB: number | null; rssBytesPerPassage: number | null };
  langchain?: LangChainRun;
  scale?: ScaleRow[];
  /** Sections taken from earlier runs (--include), and which. */
  mergedFrom?: Record<string, string>;
  durationsMs: Record<string, number>;
}
