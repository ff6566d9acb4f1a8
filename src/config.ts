import { resolve } from 'node:path';
import { DEFAULT_BM25, type Bm25Params } from './core/bm25.ts';
import { ConfigError, settingsReader, type Env } from './settings/read.ts';

export { ConfigError } from './settings/read.ts';

/** Everything the core takes from the environment, validated once (adapters add their own settings). */
export interface Config {
  corpusDir: string;
  embeddingsDir: string;
  embedding: EmbeddingConfig;
  retrieval: RetrievalConfig;
  hnsw: HnswConfig;
  /**
   * Articles published (or, undated, added) more than this many days ago leave the index at the next
   * reindex; null keeps everything. Their files stay unless the reindex is asked to delete them.
   */
  retentionDays: number | null;
}

export interface EmbeddingConfig {
  /** Hub id (`Xenova/multilingual-e5-small`) or folder name under modelDir (`local/use-lite-en`). */
  model: string;
  /** Local models root. When set, nothing is downloaded. */
  modelDir: string | null;
  /** Where downloaded models are cached. */
  cacheDir: string;
  /** Hub base URL (a mirror, or the tests' local server). */
  remoteHost: string | null;
  queryPrefix: string;
  passagePrefix: string;
  /** Load the quantized ONNX file (the hub's Xenova models ship one; the offline model does not). */
  quantized: boolean;
  batchSize: number;
  /** Passage size limit in model tokens; capped by the model's own limit. */
  maxPassageTokens: number;
  overlapTokens: number;
}

export interface RetrievalConfig {
  /** Weight of the dense leg in score fusion (0 = lexical only, 1 = dense only). */
  denseWeight: number;
  /** Minimum share of the question's weighted terms a passage must hold to be quoted. */
  minRelevance: number;
  /** Candidates each leg contributes before fusion. */
  candidates: number;
  maxQuotes: number;
  /** BM25 parameters and the weights of its context fields (passage window, whole article with title). */
  bm25: Bm25Params;
  /** Where the lexical leg lives: FTS5 tables in the store (`disk`), or built in memory at each load. */
  lexicalIndex: 'disk' | 'memory';
}

export interface HnswConfig {
  m: number;
  efConstruction: number;
  efSearch: number;
}

interface ModelPreset {
  queryPrefix: string;
  passagePrefix: string;
  quantized: boolean;
  denseWeight: number;
}

/**
 * Settings that depend on the model. e5 models were trained with `query: ` / `passage: ` prefixes;
 * the offline USE-lite model is English-only, so on French news its dense scores get little weight
 * (BASELINES.md: the lexical leg carries quality with it).
 */
const MODEL_PRESETS: Record<string, ModelPreset> = {
  'Xenova/multilingual-e5-small': { queryPrefix: 'query: ', passagePrefix: 'passage: ', quantized: true, denseWeight: 0.5 },
  'Xenova/multilingual-e5-base': { queryPrefix: 'query: ', passagePrefix: 'passage: ', quantized: true, denseWeight: 0.5 },
  'local/use-lite-en': { queryPrefix: '', passagePrefix: '', quantized: false, denseWeight: 0.1 },
};
const DEFAULT_PRESET: ModelPreset = { queryPrefix: '', passagePrefix: '', quantized: true, denseWeight: 0.3 };

export const DEFAULT_MODEL = 'Xenova/multilingual-e5-small';

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const read = settingsReader(env);
  const model = read.str('EMBEDDING_MODEL') ?? DEFAULT_MODEL;
  const preset = MODEL_PRESETS[model] ?? DEFAULT_PRESET;
  const modelDir = read.str('MODEL_DIR');

  return {
    corpusDir: resolve(cwd, read.str('CORPUS_DIR') ?? 'corpus'),
    embeddingsDir: resolve(cwd, read.str('EMBEDDINGS_DIR') ?? 'embeddings'),
    embedding: {
      model,
      modelDir: modelDir === undefined ? null : resolve(cwd, modelDir),
      cacheDir: resolve(cwd, read.str('MODEL_CACHE_DIR') ?? '.cache/models'),
      remoteHost: read.httpUrl('MODEL_REMOTE_HOST'),
      // Prefixes keep their trailing space, so they are read untrimmed.
      queryPrefix: read.raw('QUERY_PREFIX') ?? preset.queryPrefix,
      passagePrefix: read.raw('PASSAGE_PREFIX') ?? preset.passagePrefix,
      quantized: read.bool('EMBEDDING_QUANTIZED', preset.quantized),
      batchSize: read.int('EMBED_BATCH_SIZE', 16, 1, 512),
      maxPassageTokens: read.int('PASSAGE_MAX_TOKENS', 128, 16, 8192),
      overlapTokens: read.int('PASSAGE_OVERLAP_TOKENS', 24, 0, 1024),
    },
    retrieval: {
      denseWeight: read.num('DENSE_WEIGHT', preset.denseWeight, 0, 1),
      minRelevance: read.num('MIN_RELEVANCE', 0.5, 0, 1),
      candidates: read.int('RETRIEVAL_CANDIDATES', 50, 1, 1000),
      maxQuotes: read.int('ANSWER_MAX_QUOTES', 3, 1, 10),
      bm25: {
        k1: read.num('BM25_K1', DEFAULT_BM25.k1, 0, 10),
        b: read.num('BM25_B', DEFAULT_BM25.b, 0, 1),
        windowWeight: read.num('BM25_WINDOW_WEIGHT', DEFAULT_BM25.windowWeight, 0, 10),
        articleWeight: read.num('BM25_ARTICLE_WEIGHT', DEFAULT_BM25.articleWeight, 0, 10),
      },
      lexicalIndex: lexicalIndexSetting(read.str('LEXICAL_INDEX')),
    },
    hnsw: {
      m: read.int('HNSW_M', 16, 4, 128),
      efConstruction: read.int('HNSW_EF_CONSTRUCTION', 200, 10, 2000),
      efSearch: read.int('HNSW_EF_SEARCH', 128, 10, 5000),
    },
    retentionDays: read.str('RETENTION_DAYS') === undefined ? null : read.int('RETENTION_DAYS', 0, 1, 100_000),
  };
}

/**
 * `memory` by default: per question the FTS5 leg measured 38–66 ms p50 at 22k passages against 0.45 ms
 * in memory (README, "Index"); `disk` trades that for a start-up that does not grow with the corpus.
 */
function lexicalIndexSetting(value: string | undefined): 'disk' | 'memory' {
  if (value === undefined || value === 'disk' || value === 'memory') return value ?? 'memory';
  throw new ConfigError('LEXICAL_INDEX', `must be disk or memory, got "${value}"`);
}
