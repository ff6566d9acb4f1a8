/**
 * The learned sentence ranker: a logistic regression over FEATURES, trained by `npm run train-ranker`
 * (src/eval/train-ranker.ts) on the dev halves only, and shipped as weights.json. Its probability
 * that a sentence answers the question ranks the candidates and decides whether anything was found.
 */
import { DENSE_FEATURE, FEATURE_COUNT, FEATURES } from './features.ts';
import shipped from './weights.json' with { type: 'json' };

export interface RankerWeights {
  /** Feature names, in the order of `weights` (checked against FEATURES when loaded). */
  features: string[];
  weights: number[];
  bias: number;
  /** Probability the best sentence must reach for the question to count as answered. */
  threshold: number;
}

export interface WeightsFile {
  /** Key under `models` used for a model with no weights of its own (trained without the dense feature). */
  fallback: string;
  models: Record<string, RankerWeights>;
}

export class Ranker {
  constructor(
    readonly weights: Float64Array,
    readonly bias: number,
    readonly threshold: number,
  ) {}

  static from(w: RankerWeights): Ranker {
    if (w.features.length !== FEATURE_COUNT || w.features.some((f, i) => f !== FEATURES[i])) {
      throw new Error(`ranker weights are for features [${w.features.join(', ')}], this build has [${FEATURES.join(', ')}]: run npm run train-ranker`);
    }
    return new Ranker(Float64Array.from(w.weights), w.bias, w.threshold);
  }

  /** Probability that the sentence with these features answers the question. */
  probability(f: Float64Array): number {
    let z = this.bias;
    for (let i = 0; i < f.length; i++) z += this.weights[i]! * f[i]!;
    return 1 / (1 + Math.exp(-z));
  }
}

const cache = new Map<string, Ranker>();

/**
 * The ranker for an embedding model: its own weights when weights.json has them and the question was
 * embedded with it (`dense`), else the fallback trained without the dense feature.
 */
export function rankerFor(modelId: string | null, dense: boolean, file: WeightsFile = shipped as WeightsFile): Ranker {
  const key = dense && modelId !== null && file.models[modelId] ? modelId : file.fallback;
  let r = file === shipped ? cache.get(key) : undefined;
  if (!r) {
    r = Ranker.from(file.models[key]!);
    if (file === shipped) cache.set(key, r);
  }
  return r;
}

/** The fallback ranker (no dense feature): what answers when no model is named. */
export function defaultRanker(): Ranker {
  return rankerFor(null, false);
}

/**
 * Fits a logistic regression by Newton's method (iteratively reweighted least squares) with a small
 * L2 penalty: a fixed number of iterations, no randomness, so the same rows give the same weights.
 * `skip` lists features held at weight 0 (the dense feature for the model-free fallback).
 */
export function fitLogistic(rows: readonly Float64Array[], labels: readonly number[], options: { l2: number; iterations: number; skip?: readonly number[] }): { weights: number[]; bias: number } {
  const d = FEATURE_COUNT + 1; // last column is the bias
  const skip = new Set(options.skip ?? []);
  const beta = new Float64Array(d);
  for (let it = 0; it < options.iterations; it++) {
    const grad = new Float64Array(d);
    const hess = new Float64Array(d * d);
    const x = new Float64Array(d);
    for (let n = 0; n < rows.length; n++) {
      const row = rows[n]!;
      for (let i = 0; i < FEATURE_COUNT; i++) x[i] = skip.has(i) ? 0 : row[i]!;
      x[d - 1] = 1;
      let z = 0;
      for (let i = 0; i < d; i++) z += beta[i]! * x[i]!;
      const p = 1 / (1 + Math.exp(-z));
      const r = p - labels[n]!;
      const w = Math.max(p * (1 - p), 1e-9);
      for (let i = 0; i < d; i++) {
        if (x[i] === 0) continue;
        grad[i]! += r * x[i]!;
        for (let j = i; j < d; j++) hess[i * d + j]! += w * x[i]! * x[j]!;
      }
    }
    for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) hess[i * d + j] = hess[j * d + i]!;
    // The penalty leaves the bias free; skipped features get an identity row (their step is 0).
    for (let i = 0; i < d - 1; i++) {
      grad[i]! += options.l2 * beta[i]!;
      hess[i * d + i]! += options.l2 + (skip.has(i) ? 1 : 0);
    }
    const step = solve(hess, grad, d);
    for (let i = 0; i < d; i++) beta[i]! -= step[i]!;
  }
  return { weights: Array.from(beta.subarray(0, d - 1), (v, i) => (skip.has(i) ? 0 : v)), bias: beta[d - 1]! };
}

/** Solves A x = b (A dense d×d, symmetric positive definite here) by Gaussian elimination with partial pivoting. */
function solve(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let c = 0; c < d; c++) {
    let p = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(m[r * d + c]!) > Math.abs(m[p * d + c]!)) p = r;
    if (p !== c) {
      for (let k = 0; k < d; k++) [m[c * d + k], m[p * d + k]] = [m[p * d + k]!, m[c * d + k]!];
      [x[c], x[p]] = [x[p]!, x[c]!];
    }
    const pivot = m[c * d + c]!;
    if (Math.abs(pivot) < 1e-12) continue;
    for (let r = c + 1; r < d; r++) {
      const f = m[r * d + c]! / pivot;
      if (f === 0) continue;
      for (let k = c; k < d; k++) m[r * d + k]! -= f * m[c * d + k]!;
      x[r]! -= f * x[c]!;
    }
  }
  for (let c = d - 1; c >= 0; c--) {
    let s = x[c]!;
    for (let k = c + 1; k < d; k++) s -= m[c * d + k]! * x[k]!;
    const pivot = m[c * d + c]!;
    x[c] = Math.abs(pivot) < 1e-12 ? 0 : s / pivot;
  }
  return x;
}

export { DENSE_FEATURE };
