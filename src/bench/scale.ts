/**
 * Child process of the benchmark: the HNSW index alone at one size, through the application's own
 * `VectorIndex` (same parameters, same add/save/load/search code).
 *
 *   build: builds the index from real or synthetic vectors, saves it, measures search latency and
 *          recall@10 against hnswlib-node's exact BruteforceSearch (ef swept), RSS of the index.
 *   load:  in a fresh process, loads the saved index as the application does at start-up (checksum
 *          then read) and measures the time, RSS and search latency of the loaded index.
 *
 * Prints one JSON object on stdout.
 */
import { readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import hnswlib from 'hnswlib-node';
import { VectorIndex, type HnswParams } from '../store/vector-index.ts';
import { distribution, maxRssMiB, MiB, round, rssMiB, type Distribution } from './stats.ts';
import { BLOCK, syntheticBlock, type VectorModel } from './synthetic.ts';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'build' },
    size: { type: 'string', default: '10000' },
    source: { type: 'string', default: 'synthetic' },
    model: { type: 'string' },
    real: { type: 'string' },
    queries: { type: 'string' },
    index: { type: 'string' },
    checksum: { type: 'string' },
    m: { type: 'string', default: '16' },
    'ef-construction': { type: 'string', default: '200' },
    'ef-search': { type: 'string', default: '128' },
    sweep: { type: 'string', default: '32,64,128,256,512' },
    'truth-queries': { type: 'string', default: '100' },
    'latency-queries': { type: 'string', default: '500' },
    seed: { type: 'string', default: '42' },
  },
});

const DIMS = 512;
const size = Number(values.size);
const params: HnswParams = { m: Number(values.m), efConstruction: Number(values['ef-construction']), efSearch: Number(values['ef-search']) };
const queries = readVectors(values.queries!);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

function readVectors(path: string): Float32Array[] {
  const buf = readFileSync(path);
  const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const out: Float32Array[] = [];
  for (let at = 0; at < all.length; at += DIMS) out.push(all.slice(at, at + DIMS));
  return out;
}

/** Calls `fn` on every block of the vector set, in label order. */
function forEachBlock(fn: (vectors: Float32Array[], firstLabel: number) => void): { generateMs: number } {
  let generateMs = 0;
  if (values.source === 'real') {
    const real = readVectors(values.real!);
    if (real.length < size) throw new Error(`only ${real.length} real vectors for a ${size}-vector index`);
    fn(real.slice(0, size), 0);
    return { generateMs };
  }
  const model = JSON.parse(readFileSync(values.model!, 'utf8')) as VectorModel;
  for (let block = 0; block * BLOCK < size; block++) {
    const t = performance.now();
    const vectors = syntheticBlock(model, Number(values.seed), block, Math.min(BLOCK, size - block * BLOCK));
    generateMs += performance.now() - t;
    fn(vectors, block * BLOCK);
  }
  return { generateMs };
}

/** Reaches the hnswlib index inside VectorIndex to change ef between measurements (benchmark only). */
function setEf(index: VectorIndex, ef: number): void {
  (index as unknown as { index: hnswlib.HierarchicalNSW }).index.setEf(ef);
}

function searchLatency(index: VectorIndex, k: number): Distribution {
  const n = Number(values['latency-queries']);
  const list = Array.from({ length: n }, (_, i) => queries[i % queries.length]!);
  for (const q of list.slice(0, Math.min(100, n))) index.search(q, k); // warm-up
  const samples: number[] = [];
  for (const q of list) {
    const t = performance.now();
    index.search(q, k);
    samples.push(performance.now() - t);
  }
  return distribution(samples);
}

if (values.mode === 'load') {
  const rss0 = rssMiB();
  const t = performance.now();
  const index = VectorIndex.load(values.index!, values.checksum!, DIMS, params, 0);
  const loadMs = performance.now() - t;
  gc();
  const rssLoaded = rssMiB();
  const result = {
    size: index.size,
    loadMs: round(loadMs, 0),
    rssBeforeMiB: rss0,
    rssAfterLoadMiB: rssLoaded,
    peakRssMiB: maxRssMiB(),
    indexRssMiB: round(rssLoaded - rss0, 1),
    searchK10: searchLatency(index, 10),
    searchK50: searchLatency(index, 50),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  gc();
  const rss0 = rssMiB();
  const index = VectorIndex.create(DIMS, size, params);
  let addMs = 0;
  const { generateMs } = forEachBlock((vectors, first) => {
    const t = performance.now();
    vectors.forEach((v, i) => index.add(first + i, v));
    addMs += performance.now() - t;
  });
  gc();
  const rssBuilt = rssMiB();
  const path = values.index!;
  let t = performance.now();
  const checksum = index.save(path);
  const saveMs = performance.now() - t;
  const fileBytes = statSync(path).size;

  const searchK10 = searchLatency(index, 10);
  const searchK50 = searchLatency(index, 50);

  // Recall@10 against exact search, for a sample of the queries, at several ef.
  const truthQueries = queries.slice(0, Number(values['truth-queries']));
  const sweep = [...new Set([...values.sweep!.split(',').map(Number), params.efSearch])].sort((a, b) => a - b);
  const approx = new Map<number, { labels: number[][]; latency: Distribution }>();
  for (const ef of sweep) {
    setEf(index, ef);
    const labels = truthQueries.map((q) => index.search(q, 10).map((h) => h.label));
    approx.set(ef, { labels, latency: searchLatency(index, 10) });
  }
  setEf(index, params.efSearch);

  t = performance.now();
  const exact = new hnswlib.BruteforceSearch('cosine', DIMS);
  exact.initIndex(size);
  forEachBlock((vectors, first) => vectors.forEach((v, i) => exact.addPoint(Array.from(v), first + i)));
  const truth = truthQueries.map((q) => new Set(exact.searchKnn(Array.from(q), 10).neighbors));
  const truthMs = performance.now() - t;

  const recallAt = (ef: number) => {
    const labels = approx.get(ef)!.labels;
    let found = 0;
    labels.forEach((list, i) => (found += list.filter((l) => truth[i]!.has(l)).length));
    return round(found / (10 * truth.length), 4);
  };
  const result = {
    size,
    source: values.source,
    params,
    buildMs: round(addMs, 0),
    generateMs: round(generateMs, 0),
    insertsPerSec: round((size / addMs) * 1000, 0),
    saveMs: round(saveMs, 0),
    fileBytes,
    fileMiB: round(fileBytes / MiB, 1),
    bytesPerVector: round(fileBytes / size, 0),
    checksum,
    rssBeforeMiB: rss0,
    rssBuiltMiB: rssBuilt,
    indexRssMiB: round(rssBuilt - rss0, 1),
    searchK10,
    searchK50,
    recallAt10: recallAt(params.efSearch),
    truthQueries: truth.length,
    truthMs: round(truthMs, 0),
    sweep: sweep.map((ef) => ({ ef, recallAt10: recallAt(ef), p50: approx.get(ef)!.latency.p50, p95: approx.get(ef)!.latency.p95 })),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
