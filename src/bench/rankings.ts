/**
 * Rankings of a built index, to prove a speed change ranks exactly as before, and to profile search:
 *
 *   node dist/bench/rankings.js dump --workdir DIR --out before.json [--repeat N]
 *   node dist/bench/rankings.js compare before.json after.json
 *
 * `dump` loads the index of a benchmark workdir (CORPUS_DIR/EMBEDDINGS_DIR under it, the questions of
 * its questions.json), embeds the questions once, then times the lexical leg and the whole retrieval
 * (`--repeat` runs the search loop N times, for `node --cpu-prof`) and writes every ranked list.
 * `compare` says whether two dumps hold the same labels in the same order with scores within 1e-9.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Engine } from '../app/engine.ts';
import { IndexSnapshot } from '../app/snapshot.ts';
import { loadConfig } from '../config.ts';
import { retrieve } from '../core/retrieve.ts';
import { analyze } from '../core/text/analyze.ts';
import type { BenchQuestion } from './corpus.ts';
import { distribution, round } from './stats.ts';

interface Ranked {
  question: string;
  lexical: [label: number, score: number, coverage: number][];
  fused: [label: number, score: number, lexical: number, dense: number, coverage: number][];
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { workdir: { type: 'string' }, out: { type: 'string' }, repeat: { type: 'string', default: '1' }, candidates: { type: 'string' } },
});

async function dump(): Promise<void> {
  const workdir = resolve(values.workdir ?? '.');
  const config = loadConfig(
    {
      ...process.env,
      CORPUS_DIR: join(workdir, 'corpus'),
      EMBEDDINGS_DIR: join(workdir, 'embeddings'),
      MODEL_DIR: process.env.MODEL_DIR ?? resolve(repoRoot, '../shared/models'),
      EMBEDDING_MODEL: process.env.EMBEDDING_MODEL ?? 'local/use-lite-en',
    },
    repoRoot,
  );
  const { questions, warmup } = JSON.parse(readFileSync(join(workdir, 'questions.json'), 'utf8')) as { questions: BenchQuestion[]; warmup: BenchQuestion[] };
  const texts = [...questions, ...warmup].map((q) => q.text);
  const t0 = performance.now();
  const snapshot = IndexSnapshot.load(config);
  if (!snapshot) throw new Error(`no index in ${workdir}`);
  const loadMs = performance.now() - t0;
  const embedder = await Engine.shared().embedder({ kind: 'transformers', config: config.embedding });
  const vectors = await embedder.embed(texts, 'query');
  await embedder.close();
  const terms = texts.map((t) => analyze(t));
  const options = { denseWeight: config.retrieval.denseWeight, candidates: Number(values.candidates ?? config.retrieval.candidates) };

  const t1 = performance.now();
  snapshot.lexical.search(terms[0]!, options.candidates); // first search (lazy structures), timed apart
  const firstSearchMs = performance.now() - t1;
  const lexicalMs: number[] = [];
  const retrieveMs: number[] = [];
  const out: Ranked[] = [];
  for (let r = 0; r < Number(values.repeat); r++) {
    texts.forEach((question, i) => {
      let t = performance.now();
      const lexical = snapshot.lexical.search(terms[i]!, options.candidates);
      lexicalMs.push(performance.now() - t);
      t = performance.now();
      const fused = retrieve(snapshot, terms[i]!, vectors[i]!, options);
      retrieveMs.push(performance.now() - t);
      if (r === 0) {
        out.push({
          question,
          lexical: lexical.map((h) => [h.label, h.score, h.coverage]),
          fused: fused.map((h) => [h.label, h.score, h.lexical, h.dense, h.coverage]),
        });
      }
    });
  }
  process.stdout.write(
    `${JSON.stringify({
      passages: snapshot.passageCount,
      questions: texts.length,
      loadMs: round(loadMs, 1),
      firstSearchMs: round(firstSearchMs, 2),
      lexicalMs: distribution(lexicalMs),
      retrieveMs: distribution(retrieveMs),
    })}\n`,
  );
  if (values.out) writeFileSync(resolve(values.out), JSON.stringify(out));
}

function compare(a: string, b: string): void {
  const before = JSON.parse(readFileSync(resolve(a), 'utf8')) as Ranked[];
  const after = JSON.parse(readFileSync(resolve(b), 'utf8')) as Ranked[];
  const problems: string[] = [];
  if (before.length !== after.length) problems.push(`${before.length} questions vs ${after.length}`);
  let maxDiff = 0;
  let lists = 0;
  before.forEach((x, i) => {
    const y = after[i];
    if (!y || x.question !== y.question) return void problems.push(`question ${i} differs`);
    for (const key of ['lexical', 'fused'] as const) {
      lists++;
      const p = x[key];
      const q = y[key];
      if (p.length !== q.length) problems.push(`${key} list of question ${i}: ${p.length} vs ${q.length} hits`);
      p.forEach((row, j) => {
        const other = q[j];
        if (!other || other[0] !== row[0]) return void problems.push(`${key} rank ${j} of question ${i}: label ${row[0]} vs ${other?.[0]}`);
        for (let c = 1; c < row.length; c++) maxDiff = Math.max(maxDiff, Math.abs(row[c]! - other[c]!));
      });
    }
  });
  if (maxDiff > 1e-9) problems.push(`largest score difference ${maxDiff} > 1e-9`);
  process.stdout.write(`${lists} ranked lists compared, largest score difference ${maxDiff}\n`);
  for (const p of problems.slice(0, 20)) process.stdout.write(`DIFFERENT: ${p}\n`);
  process.stdout.write(problems.length === 0 ? 'identical rankings\n' : `${problems.length} differences\n`);
  if (problems.length > 0) process.exitCode = 1;
}

if (positionals[0] === 'compare') compare(positionals[1]!, positionals[2]!);
else if (positionals[0] === 'dump') await dump();
else throw new Error('usage: rankings.js dump --workdir DIR --out FILE [--repeat N] | compare A B');
