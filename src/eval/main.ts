/**
 * npm run eval -- feedback [--guild ID] [--json]   (members' 👎 answers labelled by admins: src/eval/feedback-set.ts)
 * npm run eval -- <dataset folder | seed | fresh> [--split dev|test] [--k 10] [--mode bm25|dense|hybrid|all]
 *                 [--limit N] [--articles N] [--offtopic DATASET] [--workdir DIR] [--json]
 *
 * Prints a table (or, with --json, one JSON object per mode, one per line) and saves the results under
 * eval-results/. The index built for a dataset and model is kept in the workdir, so runs with other
 * modes or splits reuse it instead of embedding again.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import dotenv from 'dotenv';
import type { Split } from './datasets.ts';
import { reportConfigError } from '../settings/report.ts';
import { feedbackReport, runFeedbackEval } from './feedback-set.ts';
import { MODES, runEval, type EvalRun, type Mode, type ModeResult } from './harness.ts';

const USAGE = 'usage: npm run eval -- feedback [--guild ID] [--json]\n       npm run eval -- <dataset folder | seed | fresh> [--split dev|test] [--k 10] [--mode bm25|dense|hybrid|all] [--limit N] [--articles N] [--offtopic DATASET] [--workdir DIR] [--json]';

function parse(argv: string[]) {
  let dataset: string | null = null;
  let split: Split = 'dev';
  let k = 10;
  let modes: readonly Mode[] = MODES;
  let limit: number | null = null;
  let articles: number | null = null;
  let offTopic: string | null = null;
  let workdir = '.cache/eval';
  let json = false;
  let guild: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    if (arg === '--split') {
      const v = value();
      if (v !== 'dev' && v !== 'test') throw new Error(`--split must be dev or test, got "${v}"`);
      split = v;
    } else if (arg === '--k') {
      k = Number(value());
      if (!Number.isInteger(k) || k < 1 || k > 100) throw new Error('--k must be a whole number between 1 and 100');
    } else if (arg === '--mode') {
      const v = value();
      if (v === 'all') modes = MODES;
      else if ((MODES as readonly string[]).includes(v)) modes = [v as Mode];
      else throw new Error(`--mode must be bm25, dense, hybrid or all, got "${v}"`);
    } else if (arg === '--limit') {
      limit = Number(value());
      if (!Number.isInteger(limit) || limit < 1) throw new Error('--limit must be a positive whole number');
    } else if (arg === '--articles') {
      articles = Number(value());
      if (!Number.isInteger(articles) || articles < 2) throw new Error('--articles must be a whole number ≥ 2');
    } else if (arg === '--offtopic') {
      offTopic = value();
    } else if (arg === '--workdir') {
      workdir = value();
    } else if (arg === '--guild') {
      guild = value();
      if (!/^\d{17,20}$/.test(guild)) throw new Error('--guild must be a server id');
    } else if (arg === '--json') {
      json = true;
    } else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (arg.startsWith('--')) {
      throw new Error(`unknown option ${arg}\n${USAGE}`);
    } else if (dataset === null) {
      dataset = arg;
    } else {
      throw new Error(`one dataset at a time\n${USAGE}`);
    }
  }
  if (dataset === null) throw new Error(USAGE);
  return { dataset, split, k, modes, limit, articles, offTopic, workdir, json, guild };
}

const pct = (x: number | undefined) => (x === undefined ? '' : x.toFixed(3));

function table(run: EvalRun, k: number): string {
  const piaf = run.results.some((r) => r.answerContainsGold !== undefined);
  const seed = run.results.some((r) => r.answersRight !== undefined);
  const extraK = ![1, 5, 10].includes(k);
  const head = ['mode', 'queries', 'R@1', 'R@5', 'R@10', ...(extraK ? [`R@${k}`] : []), 'MRR@10', 'qps', 'found'];
  if (piaf) head.push('answer quotes gold', 'R@1/5/10 gold paragraph');
  if (seed) head.push('answers right');
  const off = run.results.some((r) => r.offTopicFound !== undefined);
  if (off) head.push('off-topic found');
  const rows = run.results.map((r: ModeResult) => {
    const row = [r.mode, String(r.queries), pct(r['recall@1']), pct(r['recall@5']), pct(r['recall@10'])];
    if (extraK) row.push(pct(r[`recall@${k}`]));
    row.push(pct(r['mrr@10']), String(r.qps), pct(r.found));
    if (piaf) {
      const p = r.paragraphRecall ?? {};
      row.push(pct(r.answerContainsGold), [p['recall@1'], p['recall@5'], p['recall@10']].map(pct).join(' / '));
    }
    if (seed) row.push(r.answersRight ?? '');
    if (off) row.push(`${pct(r.offTopicFound)} of ${r.offTopicQueries}`);
    return row;
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const first = run.results[0]!;
  return [
    `${first.dataset}, ${first.split}: ${run.index.articles} articles, ${run.index.passages} passages; ${JSON.stringify(run.settings)}`,
    line(head),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  const args = parse(process.argv.slice(2));
  const repoRoot = resolve(import.meta.dirname, '../..');
  if (args.dataset === 'feedback') return feedbackMain(args, repoRoot);
  const run = await runEval({
    dataset: args.dataset === 'seed' || args.dataset === 'fresh' ? args.dataset : resolve(process.cwd(), args.dataset),
    split: args.split,
    k: args.k,
    modes: args.modes,
    limit: args.limit,
    articles: args.articles,
    offTopic: args.offTopic === null ? null : resolve(process.cwd(), args.offTopic),
    workdir: resolve(process.cwd(), args.workdir),
    env: process.env, // every setting comes from this snapshot; the harness derives each run's config from it
    repoRoot,
    onProgress: (m) => process.stderr.write(`${m}\n`),
  });
  const outDir = join(repoRoot, 'eval-results');
  mkdirSync(outDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const first = run.results[0]!;
  const file = join(outDir, `${first.dataset}-${first.split}-${args.modes.length > 1 ? 'all' : args.modes[0]}-${stamp}.json`);
  writeFileSync(file, `${JSON.stringify({ ...run, limit: args.limit, articles: args.articles, k: args.k, at: new Date().toISOString() }, null, 2)}\n`);
  if (args.json) {
    for (const r of run.results) {
      const { dataset, split, mode, queries, qps } = r;
      console.log(
        JSON.stringify({ dataset, split, mode, queries, 'recall@1': r['recall@1'], 'recall@5': r['recall@5'], 'recall@10': r['recall@10'], 'mrr@10': r['mrr@10'], qps, ...extras(r, args.k) }),
      );
    }
  } else {
    console.log(table(run, args.k));
  }
  process.stderr.write(`saved ${file}\n`);
}

/** The feedback cases of the configured EMBEDDINGS_DIR, asked again over the configured corpus. */
async function feedbackMain(args: ReturnType<typeof parse>, repoRoot: string): Promise<void> {
  const run = await runFeedbackEval({ env: process.env, repoRoot, guild: args.guild, onProgress: (m) => process.stderr.write(`${m}\n`) });
  const outDir = join(repoRoot, 'eval-results');
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `feedback-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  // Members' questions stay in feedback.db, under QUESTION_LOG_DAYS: the saved results carry ids and verdicts only.
  const { cases, waiting, ...rest } = run;
  const kept = { ...rest, cases: cases.map(({ question: _q, ...c }) => c), waiting: waiting.map((w) => w.id) };
  writeFileSync(file, `${JSON.stringify({ ...kept, at: new Date().toISOString() }, null, 2)}\n`);
  console.log(args.json ? JSON.stringify({ dataset: 'feedback', guild: run.guild, ...run.totals }) : feedbackReport(run));
  process.stderr.write(`saved ${file}\n`);
}

/** Fields beyond the fixed ones, after them, for readers that want more. */
function extras(r: ModeResult, k: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (![1, 5, 10].includes(k)) out[`recall@${k}`] = r[`recall@${k}`];
  out.found = r.found;
  if (r.answerContainsGold !== undefined) out.answerContainsGold = r.answerContainsGold;
  if (r.answersRight !== undefined) out.answersRight = r.answersRight;
  if (r.offTopicFound !== undefined) out.offTopicFound = r.offTopicFound;
  return out;
}

main().catch((error: unknown) => {
  if (!reportConfigError(error, process.stderr)) process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
