/**
 * Synthetic passage vectors for the index-scale figures, shaped like the real ones: a Gaussian with
 * the mean and covariance of real passage vectors (the top `rank` principal directions exactly, the
 * remaining variance spread evenly over the other directions), each sample L2-normalised. Real
 * sentence embeddings are far from uniform on the sphere (USE-lite passages have a mean cosine of
 * about 0.7 to each other), and HNSW's speed and recall depend on that shape, so uniform random
 * vectors would measure another problem. Generation is deterministic per block of vectors, so the
 * HNSW index and the exact search see the same vectors without keeping them all in memory.
 */
import { normalRng } from './stats.ts';

export interface VectorModel {
  dims: number;
  rank: number;
  mean: number[];
  /** dims × rank loading matrix (row-major): a sample is mean + W z + residualStd ε. */
  loadings: number[];
  residualStd: number;
  /** Share of the total variance carried by the `rank` directions. */
  explained: number;
  fittedOn: number;
}

export const BLOCK = 10_000;

/** Fits the model on real vectors (all of the same length). */
export function fitVectorModel(vectors: readonly Float32Array[], rank = 64, maxSamples = 20_000): VectorModel {
  if (vectors.length < rank * 2) throw new Error(`need at least ${rank * 2} real vectors to fit the synthetic model, got ${vectors.length}`);
  const dims = vectors[0]!.length;
  const step = Math.max(1, Math.floor(vectors.length / maxSamples));
  const sample = vectors.filter((_, i) => i % step === 0);
  const n = sample.length;
  const mean = new Float64Array(dims);
  for (const v of sample) for (let j = 0; j < dims; j++) mean[j]! += v[j]!;
  for (let j = 0; j < dims; j++) mean[j]! /= n;

  // Covariance (upper triangle, then mirrored).
  const cov = new Float64Array(dims * dims);
  const centered = new Float64Array(dims);
  for (const v of sample) {
    for (let j = 0; j < dims; j++) centered[j] = v[j]! - mean[j]!;
    for (let a = 0; a < dims; a++) {
      const ca = centered[a]!;
      const row = a * dims;
      for (let b = a; b < dims; b++) cov[row + b]! += ca * centered[b]!;
    }
  }
  for (let a = 0; a < dims; a++) {
    for (let b = a; b < dims; b++) {
      const c = cov[a * dims + b]! / n;
      cov[a * dims + b] = c;
      cov[b * dims + a] = c;
    }
  }
  let trace = 0;
  for (let a = 0; a < dims; a++) trace += cov[a * dims + a]!;

  // Top-`rank` subspace by subspace iteration, then the exact covariance within it.
  const rng = normalRng(7);
  let q: Float64Array = Float64Array.from({ length: dims * rank }, rng); // dims × rank
  orthonormalize(q, dims, rank);
  for (let it = 0; it < 40; it++) {
    q = multiply(cov, q, dims, rank);
    orthonormalize(q, dims, rank);
  }
  const cq = multiply(cov, q, dims, rank);
  const inner = new Float64Array(rank * rank); // Qᵀ C Q
  for (let i = 0; i < rank; i++) {
    for (let k = 0; k < rank; k++) {
      let s = 0;
      for (let a = 0; a < dims; a++) s += q[a * rank + i]! * cq[a * rank + k]!;
      inner[i * rank + k] = s;
    }
  }
  let innerTrace = 0;
  for (let i = 0; i < rank; i++) innerTrace += inner[i * rank + i]!;
  const chol = cholesky(inner, rank);
  const loadings = new Array<number>(dims * rank).fill(0); // Q L
  for (let a = 0; a < dims; a++) {
    for (let k = 0; k < rank; k++) {
      let s = 0;
      for (let i = k; i < rank; i++) s += q[a * rank + i]! * chol[i * rank + k]!;
      loadings[a * rank + k] = s;
    }
  }
  const residual = Math.max(trace - innerTrace, 0) / (dims - rank);
  return { dims, rank, mean: [...mean], loadings, residualStd: Math.sqrt(residual), explained: innerTrace / trace, fittedOn: n };
}

/** Vectors [block * BLOCK, block * BLOCK + count) of the synthetic set drawn from `model` with `seed`. */
export function syntheticBlock(model: VectorModel, seed: number, block: number, count = BLOCK): Float32Array[] {
  const { dims, rank, mean, loadings, residualStd } = model;
  const normal = normalRng(seed * 1_000_003 + block);
  const z = new Float64Array(rank);
  const out: Float32Array[] = [];
  for (let n = 0; n < count; n++) {
    for (let k = 0; k < rank; k++) z[k] = normal();
    const v = new Float32Array(dims);
    let norm = 0;
    for (let a = 0; a < dims; a++) {
      let s = mean[a]! + residualStd * normal();
      const row = a * rank;
      for (let k = 0; k < rank; k++) s += loadings[row + k]! * z[k]!;
      v[a] = s;
      norm += s * s;
    }
    const inv = 1 / Math.sqrt(norm);
    for (let a = 0; a < dims; a++) v[a]! *= inv;
    out.push(v);
  }
  return out;
}

/** C (dims × dims) times Q (dims × rank). */
function multiply(c: Float64Array, q: Float64Array, dims: number, rank: number): Float64Array {
  const out = new Float64Array(dims * rank);
  for (let a = 0; a < dims; a++) {
    const row = a * dims;
    const o = a * rank;
    for (let b = 0; b < dims; b++) {
      const cab = c[row + b]!;
      if (cab === 0) continue;
      const qb = b * rank;
      for (let k = 0; k < rank; k++) out[o + k]! += cab * q[qb + k]!;
    }
  }
  return out;
}

/** Modified Gram-Schmidt on the columns of a dims × rank matrix. */
function orthonormalize(q: Float64Array, dims: number, rank: number): void {
  for (let k = 0; k < rank; k++) {
    for (let i = 0; i < k; i++) {
      let dot = 0;
      for (let a = 0; a < dims; a++) dot += q[a * rank + i]! * q[a * rank + k]!;
      for (let a = 0; a < dims; a++) q[a * rank + k]! -= dot * q[a * rank + i]!;
    }
    let norm = 0;
    for (let a = 0; a < dims; a++) norm += q[a * rank + k]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let a = 0; a < dims; a++) q[a * rank + k]! /= norm;
  }
}

/** Lower-triangular L with L Lᵀ = m (m symmetric positive semi-definite, tiny jitter added). */
function cholesky(m: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = m[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / l[j * n + j]!;
    }
  }
  return l;
}
