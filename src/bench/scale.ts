/**
 * Child process of the benchmark: the HNSW index alone at one size, through the application's own
 * `VectorIndex` (same parameters, same add/save/load/search code).
 *
 *   build: builds the index from real or synthetic vectors, saves it, measures search latency and
 *          recall@10 against hnswlib-node's exact BruteforceSearch (ef swept), RSS of the index.
 *   load:  in a fresh process, loads the saved index as the application does at start-up (checksum
 *          then read) and measures the time, RSS and search latency of the loaded index.
 *   segments: in a fresh process, the saved index as the base segment of the application's
 *          segmented dense leg (store/segments.ts): cold start (process start → base loaded and
 *          searched), a delta of `--delta` new vectors written as a reindex writes it (graph, fsync,
 *          checksum), the new generation loaded by a reader that holds the base (only the delta is
 *          read), search latency over base + delta with 1 % of the base as tombstones, recall@10 of
 *          that search against BruteforceSearch over the same live vectors, and RSS.
 *
 * Prints one JSON object on stdout.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import hnswlib from 'hnswlib-node';
import { describeFile, loadSegments, SegmentedIndex, type SegmentRef } from '../store/segments.ts';
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
    delta: { type: 'string', default: '200' },
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

if (values.mode === 'segments') {
  const dir = dirname(values.index!);
  const base: SegmentRef = { ...describeFile(dir, basename(values.index!), values.checksum!, size, 0) };
  const [baseIndex] = loadSegments(dir, [base], DIMS, params);
  baseIndex!.search(queries[0]!, 10);
  const coldStartMs = performance.now(); // since this process started: node, modules, checksum + read, one search
  const rssBase = rssMiB();

  // The writer: a delta of new vectors with labels after the base's, as a reindex writes it.
  const model = JSON.parse(readFileSync(values.model!, 'utf8')) as VectorModel;
  const added = syntheticBlock(model, Number(values.seed) + 1, 0, Number(values.delta));
  let t = performance.now();
  const delta = VectorIndex.create(DIMS, added.length, params);
  added.forEach((v, i) => delta.add(size + i, v));
  const deltaFile = `${basename(values.index!)}.delta`;
  const deltaSha = delta.save(`${dir}/${deltaFile}`);
  const deltaWriteMs = performance.now() - t;

  // A reader that holds the base loads the new generation: only the delta is read.
  const dead = new Set<number>();
  for (let label = 0; label < size; label += 100) dead.add(label);
  const refs: SegmentRef[] = [{ ...base, dead: dead.size }, describeFile(dir, deltaFile, deltaSha, added.length, size)];
  t = performance.now();
  const parts = loadSegments(dir, refs, DIMS, params);
  const newGenerationLoadMs = performance.now() - t;
  const isLive = (label: number) => !dead.has(label);
  const segmented = new SegmentedIndex(refs, parts, isLive);
  const asIndex = segmented as unknown as VectorIndex;
  const searchK10 = searchLatency(asIndex, 10);
  const searchK50 = searchLatency(asIndex, 50);
  gc();
  const rssServing = rssMiB();

  // Recall@10 against exact search over the same live vectors.
  const truthQueries = queries.slice(0, Number(values['truth-queries']));
  const exact = new hnswlib.BruteforceSearch('cosine', DIMS);
  exact.initIndex(size + added.length);
  forEachBlock((vectors, first) => vectors.forEach((v, i) => exact.addPoint(Array.from(v), first + i)));
  added.forEach((v, i) => exact.addPoint(Array.from(v), size + i));
  let found = 0;
  for (const q of truthQueries) {
    const truth = new Set(exact.searchKnn(Array.from(q), 10, isLive).neighbors);
    found += segmented.search(q, 10).filter((h) => truth.has(h.label)).length;
  }
  const result = {
    size,
    delta: added.length,
    tombstones: dead.size,
    efSearch: params.efSearch,
    coldStartMs: round(coldStartMs, 0),
    rssBaseMiB: rssBase,
    deltaWriteMs: round(deltaWriteMs, 1),
    newGenerationLoadMs: round(newGenerationLoadMs, 1),
    searchK10,
    searchK50,
    recallAt10: round(found / (10 * truthQueries.length), 4),
    truthQueries: truthQueries.length,
    rssServingMiB: rssServing,
    peakRssMiB: maxRssMiB(),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else if (values.mode === 'load') {
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
