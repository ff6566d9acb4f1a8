import { resolve } from 'node:path';
import { DEFAULT_BM25, type Bm25Params } from './core/bm25.ts';

/** Everything the core and its adapters take from the environment, validated once. */
export interface Config {
  corpusDir: string;
  embeddingsDir: string;
  embedding: EmbeddingConfig;
  retrieval: RetrievalConfig;
  hnsw: HnswConfig;
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
}

export interface HnswConfig {
  m: number;
  efConstruction: number;
  efSearch: number;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, reason: string) {
    super(`${variable}: ${reason}`);
    this.name = 'ConfigError';
  }
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

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const str = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const model = str('EMBEDDING_MODEL') ?? DEFAULT_MODEL;
  const preset = MODEL_PRESETS[model] ?? DEFAULT_PRESET;
  const modelDir = str('MODEL_DIR');
  const remoteHost = str('MODEL_REMOTE_HOST');
  if (remoteHost !== undefined && !/^https?:\/\//.test(remoteHost)) {
    throw new ConfigError('MODEL_REMOTE_HOST', `must be an http(s) URL, got "${remoteHost}"`);
  }
  // Prefixes keep their trailing space, so they are read untrimmed.
  const prefix = (name: string, fallback: string) => env[name] ?? fallback;

  return {
    corpusDir: resolve(cwd, str('CORPUS_DIR') ?? 'corpus'),
    embeddingsDir: resolve(cwd, str('EMBEDDINGS_DIR') ?? 'embeddings'),
    embedding: {
      model,
      modelDir: modelDir === undefined ? null : resolve(cwd, modelDir),
      cacheDir: resolve(cwd, str('MODEL_CACHE_DIR') ?? '.cache/models'),
      remoteHost: remoteHost ?? null,
      queryPrefix: prefix('QUERY_PREFIX', preset.queryPrefix),
      passagePrefix: prefix('PASSAGE_PREFIX', preset.passagePrefix),
      quantized: bool(env, 'EMBEDDING_QUANTIZED', preset.quantized),
      batchSize: int(env, 'EMBED_BATCH_SIZE', 16, 1, 512),
      maxPassageTokens: int(env, 'PASSAGE_MAX_TOKENS', 128, 16, 8192),
      overlapTokens: int(env, 'PASSAGE_OVERLAP_TOKENS', 24, 0, 1024),
    },
    retrieval: {
      denseWeight: num(env, 'DENSE_WEIGHT', preset.denseWeight, 0, 1),
      minRelevance: num(env, 'MIN_RELEVANCE', 0.5, 0, 1),
      candidates: int(env, 'RETRIEVAL_CANDIDATES', 50, 1, 1000),
      maxQuotes: int(env, 'ANSWER_MAX_QUOTES', 3, 1, 10),
      bm25: {
        k1: num(env, 'BM25_K1', DEFAULT_BM25.k1, 0, 10),
        b: num(env, 'BM25_B', DEFAULT_BM25.b, 0, 1),
        windowWeight: num(env, 'BM25_WINDOW_WEIGHT', DEFAULT_BM25.windowWeight, 0, 10),
        articleWeight: num(env, 'BM25_ARTICLE_WEIGHT', DEFAULT_BM25.articleWeight, 0, 10),
      },
    },
    hnsw: {
      m: int(env, 'HNSW_M', 16, 4, 128),
      efConstruction: int(env, 'HNSW_EF_CONSTRUCTION', 200, 10, 2000),
      efSearch: int(env, 'HNSW_EF_SEARCH', 128, 10, 5000),
    },
  };
}

/** A number from the environment within [min, max], or `fallback` when unset. */
export function num(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(name, `must be a number between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

/** A whole number from the environment within [min, max], or `fallback` when unset. */
export function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = num(env, name, fallback, min, max);
  if (!Number.isInteger(value)) throw new ConfigError(name, `must be a whole number, got "${env[name]}"`);
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${env[name]}"`);
}
