import { analyze } from '../core/text/analyze.ts';
import type { TextKind, TokenizingEmbedder } from './embedder.ts';
import { fnv1a } from '../core/hash.ts';

/**
 * A small deterministic embedder for tests: the analysed terms of a text hashed into `dims` buckets
 * (feature hashing), L2-normalised. Texts sharing words get close vectors; no model is loaded.
 */
export class HashEmbedder implements TokenizingEmbedder {
  readonly modelId: string;

  constructor(readonly dims = 64, readonly maxTokens = 64) {
    this.modelId = `hash-${dims}`;
  }

  countTokens(text: string): number {
    return text.split(/\s+/).filter(Boolean).length;
  }

  async embed(texts: string[], _kind: TextKind): Promise<Float32Array[]> {
    return texts.map((text) => this.vector(text));
  }

  async close(): Promise<void> {}

  private vector(text: string): Float32Array {
    const v = new Float32Array(this.dims);
    for (const term of analyze(text)) {
      const h = fnv1a(term);
      v[h % this.dims]! += h & 0x80000000 ? -1 : 1;
    }
    let norm = Math.hypot(...v);
    if (norm === 0) {
      v[0] = 1; // a text with no terms still needs a unit vector for cosine search
      norm = 1;
    }
    return v.map((x) => x / norm);
  }
}
