import { env, pipeline, type FeatureExtractionPipeline, type PretrainedModelOptions } from '@huggingface/transformers';
import type { EmbeddingConfig } from '../config.ts';
import type { TextKind, TokenizingEmbedder } from './embedder.ts';
import { ModelQueue } from './model-queue.ts';

/** After a question, passage calls stay small this long: members' questions come in bursts. */
const QUESTION_BURST_MS = 5000;

/**
 * Any Transformers.js feature-extraction model, run in the calling thread. Inference blocks the
 * thread it runs on, so the app only uses this inside worker threads. Calls go through a
 * ModelQueue: questions first, passages in small calls between them.
 */
export class TransformersEmbedder implements TokenizingEmbedder {
  private readonly queue: ModelQueue;

  private constructor(
    private readonly extractor: FeatureExtractionPipeline,
    private readonly config: EmbeddingConfig,
    readonly dims: number,
    readonly maxTokens: number,
  ) {
    this.queue = new ModelQueue((texts, kind) => this.runBatch(texts, kind), {
      batchSize: config.batchSize,
      burstBatchSize: Math.max(1, Math.ceil(config.batchSize / 4)),
      burstMs: QUESTION_BURST_MS,
    });
  }

  get modelId(): string {
    return this.config.model;
  }

  static async load(config: EmbeddingConfig): Promise<TransformersEmbedder> {
    configureHub(config);
    let extractor: FeatureExtractionPipeline;
    try {
      // (typed through a plain signature: the library's overloads are too large for tsc to resolve)
      const load = pipeline as (task: 'feature-extraction', model: string, options: PretrainedModelOptions) => Promise<FeatureExtractionPipeline>;
      extractor = await load('feature-extraction', config.model, {
        // q8 reads onnx/model_quantized.onnx and fp32 onnx/model.onnx, the files Transformers.js 2
        // read for quantized true/false, so caches and model folders made for it still serve.
        dtype: config.quantized ? 'q8' : 'fp32',
        device: 'cpu',
      });
    } catch (error) {
      throw new Error(describeLoadFailure(config, error), { cause: error });
    }
    const probe = await extractor('probe', { pooling: 'mean', normalize: true });
    const dims = probe.dims.at(-1) as number;
    const modelMax = Number(extractor.tokenizer.model_max_length);
    // Some tokenizers report a huge sentinel (1e30) for "no limit": fall back to 512 then.
    const maxTokens = Number.isFinite(modelMax) && modelMax > 0 && modelMax < 100_000 ? modelMax : 512;
    return new TransformersEmbedder(extractor, config, dims, maxTokens);
  }

  countTokens(text: string): number {
    return this.extractor.tokenizer.encode(this.config.passagePrefix + text).length;
  }

  embed(texts: string[], kind: TextKind): Promise<Float32Array[]> {
    return this.queue.embed(texts, kind);
  }

  /** One model call on these texts, in this order, outside the queue. */
  async runBatch(texts: string[], kind: TextKind): Promise<Float32Array[]> {
    const prefix = kind === 'query' ? this.config.queryPrefix : this.config.passagePrefix;
    const tensor = await this.extractor(
      texts.map((t) => prefix + t),
      { pooling: 'mean', normalize: true },
    );
    const data = tensor.data as Float32Array;
    return texts.map((_, row) => data.slice(row * this.dims, (row + 1) * this.dims));
  }

  async close(): Promise<void> {
    await this.extractor.dispose();
  }
}

/** Points Transformers.js at a local models folder (no downloads) or at the hub with a cache. */
function configureHub(config: EmbeddingConfig): void {
  env.useFSCache = true;
  env.cacheDir = config.cacheDir;
  if (config.modelDir !== null) {
    env.localModelPath = config.modelDir.endsWith('/') ? config.modelDir : `${config.modelDir}/`;
    env.allowLocalModels = true;
    env.allowRemoteModels = false;
  } else {
    // The file cache under cacheDir is checked first; a file missing there is downloaded once into it.
    env.allowLocalModels = false;
    env.allowRemoteModels = true;
    if (config.remoteHost !== null) {
      env.remoteHost = config.remoteHost.endsWith('/') ? config.remoteHost : `${config.remoteHost}/`;
    }
  }
}

function describeLoadFailure(config: EmbeddingConfig, error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error);
  if (config.modelDir !== null) {
    return (
      `cannot load embedding model "${config.model}" from MODEL_DIR=${config.modelDir} ` +
      `(expected ${config.modelDir}/${config.model}/ with config.json, tokenizer.json and ` +
      `onnx/model${config.quantized ? '_quantized' : ''}.onnx): ${reason}`
    );
  }
  return `cannot load or download embedding model "${config.model}" (set MODEL_DIR to use a local copy): ${reason}`;
}
