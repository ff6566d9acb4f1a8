import type { EmbedderSpec, TokenizingEmbedder } from './embedder.ts';
import { HashEmbedder } from './hash-embedder.ts';
import { TransformersEmbedder } from './transformers-embedder.ts';

/** Builds the embedder a spec describes, in the calling thread. */
export async function createEmbedder(spec: EmbedderSpec): Promise<TokenizingEmbedder> {
  if (spec.kind === 'hash') return new HashEmbedder(spec.dims, spec.maxTokens);
  return TransformersEmbedder.load(spec.config);
}
