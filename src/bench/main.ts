/**
 * `npm run bench`: how fast Dépêche is, on the offline model and the OrangeSum news corpus, side by
 * side with the LangChain.js pipeline on the same corpus, model and questions. Prints a table and
 * writes everything measured as JSON under bench-results/. Not a test: nothing here asserts.
 *
 *   npm run bench                      full run (3 000 articles, 500 questions, index at 10k, 100k, 1M)
 *   npm run bench -- --quick           small sizes, one to two minutes
 *   npm run bench -- --scale 10k,100k  index sizes to measure (1M alone builds for about an hour)
 *   npm run bench -- --include a.json  add the index-scale rows of an earlier run to this report
 *   npm run bench -- --report r.json --include a.json   print a stored run again (merged), run nothing
 *
 * Other options: --articles N, --questions N, --clients N, --cold-runs N, --workdir DIR (kept),
 * --reuse (with --workdir: keep an index already built there, skip ingestion), --skip a,b
 * (cold,queries,reindex,recall,langchain,scale), --out FILE. `reindex` is a question asked in a loop
 * during a full reindex (it indexes the corpus once more).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../config.ts';
import { reportConfigError } from '../settings/report.ts';
import { storePaths } from '../app/paths.ts';
import {
  bytesPerPassage,
  indexFileBytes,
  ingest,
  passageLengths,
  passageVectors,
  queryLatency,
  questionsDuringReindex,
  recall,
} from './app-bench.ts';
import { runChild } from './child.ts';
import { datasetPath, readOrangeSum, titleQuestions, writeCorpus } from './corpus.ts';
import { datasetsDir } from '../eval/datasets.ts';
import { machineInfo, median, round } from './stats.ts';
import { fitVectorModel } from './synthetic.ts';
import { printReport } from './report.ts';
import type { BenchResults, ColdRun, LangChainRun, ScaleRow } from './types.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    articles: { type: 'string' },
    questions: { type: 'string' },
    clients: { type: 'string', default: '8' },
    'cold-runs': { type: 'string' },
    scale: { type: 'string' },
    workdir: { type: 'string' },
    reuse: { type: 'boolean', default: false },
    skip: { type: 'string', default: '' },
    out: { type: 'string' },
    include: { type: 'string', multiple: true, default: [] },
    report: { type: 'string' },
  },
});

const quick = values.quick;
const articleCount = Number(values.articles ?? (quick ? 40 : 3000));
const questionCount = Number(values.questions ?? (quick ? 40 : 500));
const warmupCount = quick ? 5 : 20;
const clients = Number(values.clients);
const coldRuns = Number(values['cold-runs'] ?? (quick ? 1 : 5));
const scaleSizes = (values.scale ?? (quick ? '10k' : '10k,100k,1m')).split(',').filter(Boolean).map(parseSize);
const skip = new Set(values.skip.split(',').filter(Boolean));

function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(s.trim());
  if (!m) throw new Error(`--scale: cannot read size "${s}" (e.g. 10k, 100k, 1m)`);
  return Math.round(Number(m[1]) * (m[2]!.toLowerCase() === 'k' ? 1e3 : m[2]!.toLowerCase() === 'm' ? 1e6 : 1));
}

const SECTIONS = ['ingest', 'coldStart', 'queries', 'duringReindex', 'recall', 'memory', 'langchain'] as const;

/**
 * Adds what earlier runs (--include) measured and this one did not: whole sections, and index-scale
 * rows of other sizes. The report names the run each came from.
 */
function mergeScale(results: BenchResults): void {
  for (const file of values.include) {
    const earlier = JSON.parse(readFileSync(resolve(file), 'utf8')) as BenchResults;
    for (const key of SECTIONS) {
      if (results[key] !== undefined || earlier[key] === undefined) continue;
      (results as unknown as Record<string, unknown>)[key] = earlier[key];
      (results.mergedFrom ??= {})[key] = `${file} (${earlier.startedAt})`;
    }
    for (const row of earlier.scale ?? []) {
      if (results.scale?.some((r) => r.size === row.size)) continue;
      (results.scale ??= []).push({ ...row, from: row.from ?? `${file} (${earlier.startedAt})` });
    }
    results.scale?.sort((a, b) => a.size - b.size);
  }
}

async function main(): Promise<void> {
  if (values.report) {
    const stored = JSON.parse(readFileSync(resolve(values.report), 'utf8')) as BenchResults;
    mergeScale(stored);
    if (values.out) writeFileSync(resolve(values.out), `${JSON.stringify(stored, null, 2)}\n`);
    printReport(stored);
    return;
  }
  const started = new Date();
  const t0 = performance.now();
  const durationsMs: Record<string, number> = {};
  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    process.stderr.write(`bench: ${name}…\n`);
    try {
      return await fn();
    } finally {
      durationsMs[name] = round(performance.now() - t, 0);
      process.stderr.write(`bench: ${name} done in ${(durationsMs[name]! / 1000).toFixed(1)} s\n`);
    }
  };

  const workdir = values.workdir ? resolve(values.workdir) : mkdtempSync(join(tmpdir(), 'depeche-bench-'));
  mkdirSync(workdir, { recursive: true });
  const env = {
    CORPUS_DIR: join(workdir, 'corpus'),
    EMBEDDINGS_DIR: join(workdir, 'embeddings'),
    MODEL_DIR: process.env.MODEL_DIR ? resolve(process.env.MODEL_DIR) : resolve(repoRoot, '../shared/models'),
    EMBEDDING_MODEL: process.env.EMBEDDING_MODEL ?? 'local/use-lite-en',
  };
  const config = loadConfig({ ...process.env, ...env }, repoRoot);
  const dataset = datasetPath(datasetsDir(process.env, repoRoot));
  const articles = readOrangeSum(dataset, articleCount);
  const { questions, warmup } = titleQuestions(articles, questionCount, warmupCount);
  const questionsFile = join(workdir, 'questions.json');
  writeFileSync(questionsFile, JSON.stringify({ questions, warmup }));

  const results: BenchResults = {
    startedAt: started.toISOString(),
    finishedAt: '',
    quick,
    machine: { atStart: machineInfo(), loadAverageAtEnd: [0, 0, 0] },
    setup: {
      model: config.embedding.model,
      modelDir: env.MODEL_DIR,
      corpus: `OrangeSum test+valid (${dataset}), first ${articles.length} articles, Markdown with front matter`,
      articles: articles.length,
      questions: `OrangeSum titles (front matter, not indexed text) of every ${Math.max(1, Math.floor(articles.length / questionCount))}th article; gold = that article`,
      questionCount: questions.length,
      warmup: warmup.length,
      clients,
      hnsw: config.hnsw,
      retrieval: config.retrieval,
      embedding: { batchSize: config.embedding.batchSize, maxPassageTokens: config.embedding.maxPassageTokens, overlapTokens: config.embedding.overlapTokens },
    },
    durationsMs,
  };

  try {
    const haveIndex = existsSync(storePaths(config).database);
    if (!(values.reuse && haveIndex)) {
      rmSync(env.CORPUS_DIR, { recursive: true, force: true });
      rmSync(env.EMBEDDINGS_DIR, { recursive: true, force: true });
      writeCorpus(articles, env.CORPUS_DIR);
      mkdirSync(env.EMBEDDINGS_DIR, { recursive: true });
      results.ingest = await step('ingestion', () => ingest(config));
    } else {
      process.stderr.write(`bench: reusing the index in ${env.EMBEDDINGS_DIR}\n`);
    }

    if (!skip.has('cold')) {
      results.coldStart = await step('cold start', async () => {
        const runs: { value: ColdRun; wallMs: number }[] = [];
        for (let i = 0; i < coldRuns; i++) runs.push(await runChild<ColdRun>('./cold-start.ts', [questions[0]!.text], env));
        const pick = (f: (r: ColdRun) => number) => round(median(runs.map((r) => f(r.value))), 0);
        return {
          runs: runs.length,
          readyMs: pick((r) => r.readyMs),
          spawnToExitMs: round(median(runs.map((r) => r.wallMs)), 0),
          importsMs: pick((r) => r.importsMs),
          openMs: pick((r) => r.openMs),
          freshnessCheckMs: pick((r) => r.freshnessCheckMs),
          firstAskMs: pick((r) => r.firstAskMs),
          firstAskEmbedMs: pick((r) => r.firstAskEmbedMs),
          rssMiB: pick((r) => r.rssMiB),
          maxRssMiB: pick((r) => r.maxRssMiB),
          all: runs.map((r) => r.value),
        };
      });
    }

    if (!skip.has('queries')) results.queries = await step('query latency', () => queryLatency(config, questions, warmup, clients));
    if (!skip.has('reindex')) results.duringReindex = await step('questions during a full reindex', () => questionsDuringReindex(config, questions, warmup));

    let queryVectors: Float32Array[] = [];
    if (!skip.has('recall') || !skip.has('scale')) {
      const r = await step('recall', () => recall(config, questions));
      results.recall = r.result;
      queryVectors = r.vectors;
    }

    const passages = passageLengths(config);
    const dbPath = storePaths(config).database;
    const dbBytes = (existsSync(dbPath) ? statSync(dbPath).size : 0) + (existsSync(`${dbPath}-wal`) ? statSync(`${dbPath}-wal`).size : 0);
    const indexBytes = indexFileBytes(config);
    results.memory = {
      passages: passages.length,
      indexBytesPerPassage: bytesPerPassage(indexBytes, passages.length),
      databaseBytesPerPassage: bytesPerPassage(dbBytes, passages.length),
      processRssMiB: results.coldStart?.rssMiB ?? null,
      rssBytesPerPassage: results.coldStart ? bytesPerPassage(results.coldStart.rssMiB * 1024 * 1024, passages.length) : null,
    };

    if (!skip.has('langchain')) {
      // Chunks comparable to Dépêche's passages: 90th percentile of their length in characters, and
      // the same overlap share as Dépêche's token overlap.
      const sorted = [...passages].sort((a, b) => a - b);
      const chunkSize = sorted[Math.ceil(0.9 * sorted.length) - 1] ?? 300;
      const chunkOverlap = Math.round((chunkSize * config.embedding.overlapTokens) / config.embedding.maxPassageTokens);
      const args = [
        '--dataset', dataset, '--articles', String(articles.length), '--questions', questionsFile, '--model-dir', env.MODEL_DIR,
        '--model', env.EMBEDDING_MODEL, '--chunk-size', String(chunkSize), '--chunk-overlap', String(chunkOverlap),
        '--clients', String(clients), '--candidates', String(config.retrieval.candidates),
      ];
      results.langchain = (await step('LangChain.js', () => runChild<LangChainRun>('./langchain.ts', args, {}))).value;
    }

    if (!skip.has('scale') && scaleSizes.length > 0) {
      results.scale = await step('index scale', () => scale(config, queryVectors, workdir));
    }
    mergeScale(results);
  } finally {
    results.finishedAt = new Date().toISOString();
    results.machine.loadAverageAtEnd = machineInfo().loadAverage;
    durationsMs.total = round(performance.now() - t0, 0);
    const out = values.out ? resolve(values.out) : join(repoRoot, 'bench-results', `bench-${started.toISOString().replace(/[:.]/g, '-')}${quick ? '-quick' : ''}.json`);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    printReport(results);
    process.stdout.write(`\nJSON: ${out}\n`);
    if (!values.workdir) rmSync(workdir, { recursive: true, force: true });
  }
}

async function scale(config: Config, queryVectors: Float32Array[], workdir: string): Promise<ScaleRow[]> {
  const dir = join(workdir, 'scale');
  mkdirSync(dir, { recursive: true });
  const real = passageVectors(config);
  const write = (path: string, vectors: Float32Array[]) => {
    const all = new Float32Array(vectors.length * (vectors[0]?.length ?? 0));
    vectors.forEach((v, i) => all.set(v, i * v.length));
    writeFileSync(path, all);
  };
  const queriesFile = join(dir, 'queries.f32');
  const realFile = join(dir, 'real.f32');
  const modelFile = join(dir, 'model.json');
  write(queriesFile, queryVectors);
  write(realFile, real);
  const model = fitVectorModel(real);
  writeFileSync(modelFile, JSON.stringify(model));
  process.stderr.write(`bench: synthetic vectors: Gaussian fitted on ${model.fittedOn} real passage vectors, rank ${model.rank} explains ${(model.explained * 100).toFixed(1)} % of the variance\n`);

  const rows: ScaleRow[] = [];
  for (const size of scaleSizes) {
    const source = real.length >= size && size <= 10_000 ? 'real' : 'synthetic';
    const indexFile = join(dir, `scale-${size}.hnsw`);
    const common = ['--size', String(size), '--queries', queriesFile, '--index', indexFile, '--m', String(config.hnsw.m), '--ef-construction', String(config.hnsw.efConstruction), '--ef-search', String(config.hnsw.efSearch)];
    process.stderr.write(`bench:   ${size.toLocaleString('en')} vectors (${source})…\n`);
    const build = await runChild<ScaleRow['build'] & { checksum: string }>(
      './scale.ts',
      [...common, '--mode', 'build', '--source', source, '--model', modelFile, '--real', realFile, '--truth-queries', String(Math.min(100, queryVectors.length))],
      {},
      ['--expose-gc', '--max-old-space-size=8192'],
    );
    const load = await runChild<ScaleRow['load']>('./scale.ts', [...common, '--mode', 'load', '--checksum', build.value.checksum], {}, ['--expose-gc']);
    const segments = await runChild<NonNullable<ScaleRow['segments']>>(
      './scale.ts',
      [...common, '--mode', 'segments', '--checksum', build.value.checksum, '--model', modelFile, '--real', realFile, '--source', source, '--truth-queries', String(Math.min(100, queryVectors.length))],
      {},
      ['--expose-gc', '--max-old-space-size=8192'],
    );
    rmSync(indexFile, { force: true });
    rmSync(`${indexFile}.delta`, { force: true });
    const { checksum: _checksum, ...buildValue } = build.value;
    rows.push({ size, source, build: buildValue, load: load.value, segments: segments.value });
    const sg = segments.value;
    process.stderr.write(
      `bench:   ${size.toLocaleString('en')} as segments: cold start ${sg.coldStartMs} ms, delta of ${sg.delta} written in ${sg.deltaWriteMs} ms, new generation loaded in ${sg.newGenerationLoadMs} ms, ` +
        `search p95 ${sg.searchK10.p95} ms (k 10) / ${sg.searchK50.p95} ms (k 50), recall@10 ${sg.recallAt10} (ef ${sg.efSearch}), RSS ${sg.rssServingMiB} MiB\n`,
    );
    process.stderr.write(`bench:   ${size.toLocaleString('en')}: built in ${(build.value.buildMs / 1000).toFixed(1)} s, recall@10 ${build.value.recallAt10}, search p95 ${load.value.searchK10.p95} ms\n`);
  }
  return rows;
}

try {
  await main();
} catch (error) {
  if (!reportConfigError(error, process.stderr)) throw error;
  process.exitCode = 1;
}
