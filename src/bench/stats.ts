/** Small measuring helpers shared by the benchmark parts. */
import { cpus, loadavg, totalmem } from 'node:os';

/** Value at quantile q (0..1) of the samples, nearest-rank method. */
export function percentile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

export interface Distribution {
  n: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function distribution(samples: readonly number[]): Distribution {
  const n = samples.length;
  const mean = n === 0 ? Number.NaN : samples.reduce((a, b) => a + b, 0) / n;
  return {
    n,
    mean: round(mean, 3),
    p50: round(percentile(samples, 0.5), 3),
    p95: round(percentile(samples, 0.95), 3),
    p99: round(percentile(samples, 0.99), 3),
    max: round(n === 0 ? Number.NaN : Math.max(...samples), 3),
  };
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 0.5);
}

export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export const MiB = 1024 * 1024;

export function rssMiB(): number {
  return round(process.memoryUsage().rss / MiB, 1);
}

/** Peak resident set of this process so far (all threads), from the kernel. */
export function maxRssMiB(): number {
  return round((process.resourceUsage().maxRSS * 1024) / MiB, 1);
}

/** Wall and CPU time (all threads of the process) of an async step: cpu/wall says how many cores it kept busy. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; wallMs: number; cpuMs: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { value, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  loadAverage: [number, number, number];
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  const [l1, l5, l15] = loadavg();
  return {
    cpu: list[0]?.model ?? 'unknown',
    cores: list.length,
    memoryGiB: round(totalmem() / 1024 ** 3, 1),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverage: [round(l1!, 2), round(l5!, 2), round(l15!, 2)],
  };
}

/** Deterministic uniform numbers in [0, 1) (mulberry32). */
export function uniformRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Deterministic standard normal numbers (mulberry32 + Box-Muller, both outputs used). */
export function normalRng(seed: number): () => number {
  const uniform = uniformRng(seed);
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(uniform() || 1e-12));
    const theta = 2 * Math.PI * uniform();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
}
