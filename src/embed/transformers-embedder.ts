import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { env, pipeline, type FeatureExtractionPipeline } from '@xenova/transformers';
import type { EmbeddingConfig } from '../config.ts';
import type { TextKind, TokenizingEmbedder } from './embedder.ts';

/**
 * Any Transformers.js feature-extraction model, run in the calling thread. Inference blocks the
 * thread it runs on, so the app only uses this inside worker threads.
 */
export class TransformersEmbedder implements TokenizingEmbedder {
  private constructor(
    private readonly extractor: FeatureExtractionPipeline,
    private readonly config: EmbeddingConfig,
    readonly dims: number,
    readonly maxTokens: number,
  ) {}

  get modelId(): string {
    return this.config.model;
  }

  static async load(config: EmbeddingConfig): Promise<TransformersEmbedder> {
    configureHub(config);
    let extractor: FeatureExtractionPipeline;
    try {
      extractor = (await pipeline('feature-extraction', config.model, {
        quantized: config.quantized,
      })) as FeatureExtractionPipeline;
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

  /**
   * Questions that arrive while the model is busy are embedded together, in one model call, when it
   * is free again: with several members asking at once, a batch of 8 short questions cost 15 to 30 %
   * less CPU per question than 8 separate calls (measured on the 2-core machine), so the queue drains
   * faster. A lone question waits for nothing more than one turn of the event loop.
   */
  async embed(texts: string[], kind: TextKind): Promise<Float32Array[]> {
    if (kind !== 'query' || texts.length === 0) return this.embedNow(texts, kind);
    return new Promise((resolve, reject) => {
      this.waiting.push({ texts, resolve, reject });
      if (this.waiting.length === 1) setImmediate(() => void this.flushQuestions());
    });
  }

  private waiting: { texts: string[]; resolve: (v: Float32Array[]) => void; reject: (e: unknown) => void }[] = [];

  private async flushQuestions(): Promise<void> {
    const group = this.waiting.splice(0, this.waiting.length);
    try {
      const vectors = await this.embedNow(group.flatMap((w) => w.texts), 'query');
      let at = 0;
      for (const w of group) {
        w.resolve(vectors.slice(at, at + w.texts.length));
        at += w.texts.length;
      }
    } catch (error) {
      for (const w of group) w.reject(error);
    }
  }

  private async embedNow(texts: string[], kind: TextKind): Promise<Float32Array[]> {
    const prefix = kind === 'query' ? this.config.queryPrefix : this.config.passagePrefix;
    // Batches of similar lengths waste less work on padding; results go back in input order.
    const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
    const out = new Array<Float32Array>(texts.length);
    const size = this.config.batchSize;
    for (let at = 0; at < order.length; at += size) {
      // onnxruntime runs synchronously inside its promise: without this, a long passage job would
      // hold the model thread and a member's question would wait for the whole job.
      if (at > 0) await yieldToEventLoop();
      const batch = order.slice(at, at + size);
      const tensor = await this.extractor(
        batch.map((i) => prefix + texts[i]),
        { pooling: 'mean', normalize: true },
      );
      const data = tensor.data as Float32Array;
      batch.forEach((inputIndex, row) => {
        out[inputIndex] = data.slice(row * this.dims, (row + 1) * this.dims);
      });
    }
    return out;
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
