import type { EmbeddingConfig } from '../config.ts';

export type TextKind = 'query' | 'passage';

/** Turns texts into L2-normalised vectors. One model, one vector space. */
export interface Embedder {
  /** Identifies the vector space: vectors of two embedders mix only when their ids are equal. */
  readonly modelId: string;
  readonly dims: number;
  /** Longest input the model reads, in its own tokens, prefix included. */
  readonly maxTokens: number;
  embed(texts: string[], kind: TextKind): Promise<Float32Array[]>;
  close(): Promise<void>;
}

/** An embedder that also counts tokens: what the indexer needs to size passages. */
export interface TokenizingEmbedder extends Embedder {
  /** Tokens the model would read for this passage text, passage prefix included. */
  countTokens(text: string): number;
}

/** A serialisable description of an embedder, so a worker thread can build the same one. */
export type EmbedderSpec =
  | { kind: 'transformers'; config: EmbeddingConfig }
  | { kind: 'hash'; dims: number; maxTokens: number };
