/**
 * The retrieval evaluation harness: ingests a dataset into a throw-away corpus through the project's
 * own path (article files → Depeche reindex: same cleaning, chunking and embedding as production),
 * runs every query through the project's own retrieval and answer composition, and scores them.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Depeche, type RankedPassage } from '../app/depeche.ts';
import { loadConfig, type Config } from '../config.ts';
import type { Answer } from '../core/types.ts';
import { MetadataStore } from '../store/metadata-store.ts';
import { articleMarkdown, loadDataset, sampleArticles, type EvalDataset, type EvalQuery, type Split } from './datasets.ts';
import { isFreshHit, loadFreshQuestions, type GradedQuestion } from './fresh-set.ts';
import { isHit, loadSeedQuestions, type SeedQuestion } from './seed-set.ts';

export type Mode = 'bm25' | 'dense' | 'hybrid';
export const MODES: readonly Mode[] = ['bm25', 'dense', 'hybrid'];

export interface EvalOptions {
  /**
   * A dataset folder (PIAF or OrangeSum), "seed" (the seed articles and questions of the repository) or
   * "fresh" (the same articles, questions written from their topics only).
   */
  dataset: string;
  split: Split;
  k: number;
  modes: readonly Mode[];
  /** Evenly spaced sample of at most this many queries of the split (deterministic); all when null. */
  limit: number | null;
  /** Index only this many articles (half dev, half test, evenly spaced) and their queries; all when null. */
  articles?: number | null;
  /**
   * Another dataset whose queries (same split, at most `limit`) are off-topic for this one: the share
   * that still gets an answer (found: true) is reported, to calibrate MIN_RELEVANCE.
   */
  offTopic?: string | null;
  /** Where built indexes are kept between runs (per dataset and model). */
  workdir: string;
  /** Environment the project configuration is read from (model, passage sizes, weights). */
  env: Record<string, string | undefined>;
  repoRoot: string;
  onProgress?: (message: string) => void;
}

export interface ModeResult {
  dataset: string;
  split: Split;
  mode: Mode;
  queries: number;
  'recall@1': number;
  'recall@5': number;
  'recall@10': number;
  'mrr@10': number;
  qps: number;
  /** recall at the requested k (same as recall@10 when k = 10). */
  [key: `recall@${number}`]: number;
  /** Share of queries whose answer says found (PIAF, OrangeSum: on-topic, so higher is better). */
  found: number;
  /** Share of the off-topic queries (another dataset's) that still got an answer: lower is better. */
  offTopicFound?: number;
  offTopicQueries?: number;
  /** PIAF: share of queries whose quoted sentences (from the gold article) contain a gold answer text. */
  answerContainsGold?: number;
  /** PIAF: recall@k when a chunk only has to come from the gold paragraph. */
  paragraphRecall?: Record<string, number>;
  /** Seed set: questions answered right (a right quote, or nothing quoted for an off-topic one). */
  answersRight?: string;
}

export interface EvalRun {
  results: ModeResult[];
  index: { articles: number; passages: number; buildMs: number; embedded: number };
  settings: Record<string, unknown>;
}

const CUTS = [1, 5, 10];

/** A dataset's index, built or reused, and how to open the application on it. */
export interface PreparedIndex {
  name: string;
  data: EvalDataset | null;
  configWith: (extra?: Record<string, string>) => Config;
  status: { articles: number; passages: number };
  buildMs: number;
  embedded: number;
  model: string;
  /** Stored (cleaned) text of every article, by id. */
  texts: Map<string, string>;
}

/** Writes the dataset's articles into a corpus folder under the workdir and builds (or reuses) its index. */
export async function prepareIndex(options: Pick<EvalOptions, 'dataset' | 'articles' | 'workdir' | 'env' | 'repoRoot' | 'onProgress'>): Promise<PreparedIndex> {
  const log = options.onProgress ?? (() => {});
  const seed = options.dataset === 'seed' || options.dataset === 'fresh';
  const full = seed ? null : loadDataset(options.dataset);
  const data = full && options.articles ? sampleArticles(full, options.articles) : full;
  const name = seed ? options.dataset : `${data!.name}${options.articles ? `-n${options.articles}` : ''}`;
  const baseEnv = { ...options.env };
  const model = loadConfig(baseEnv, options.repoRoot).embedding.model;
  const dir = resolve(options.repoRoot, options.workdir, `${name}-${model.replace(/[^a-zA-Z0-9._-]+/g, '_')}`);
  const corpusDir = join(dir, 'corpus');
  const embeddingsDir = join(dir, 'embeddings');
  mkdirSync(corpusDir, { recursive: true });
  if (seed) cpSync(join(options.repoRoot, 'corpus'), corpusDir, { recursive: true, preserveTimestamps: true });
  else writeCorpus(data!, corpusDir);

  const configWith = (extra: Record<string, string> = {}): Config =>
    loadConfig({ ...baseEnv, CORPUS_DIR: corpusDir, EMBEDDINGS_DIR: embeddingsDir, ...extra }, options.repoRoot);

  const builder = await Depeche.open(configWith());
  const t0 = performance.now();
  const report = await builder.ensureIndex((p) => {
    if (p.phase === 'embed' && p.done % 640 === 0) log(`embedding ${p.done}/${p.total}`);
  });
  const buildMs = Math.round(performance.now() - t0);
  const status = builder.status();
  await builder.close();
  log(`index: ${status.articles} articles, ${status.passages} passages (${report ? `built in ${(buildMs / 1000).toFixed(1)} s` : 'cached'})`);
  return { name, data, configWith, status, buildMs, embedded: report?.embedded ?? 0, model, texts: articleTexts(embeddingsDir) };
}

/** Builds (or reuses) the dataset's index, then scores each mode. */
export async function runEval(options: EvalOptions): Promise<EvalRun> {
  const log = options.onProgress ?? (() => {});
  const seed = options.dataset === 'seed';
  const { name, data, configWith, status, buildMs, embedded, model, texts } = await prepareIndex(options);
  const offTopic = options.offTopic
    ? sample(
        loadDataset(options.offTopic).queries.filter((q) => q.split === options.split && q.kind !== 'title'),
        options.limit ?? 1000,
      ).map((q) => q.text)
    : null;
  const results: ModeResult[] = [];
  const configured = configWith();
  for (const mode of options.modes) {
    const weight = mode === 'bm25' ? '0' : mode === 'dense' ? '1' : String(configured.retrieval.denseWeight);
    const app = await Depeche.open(configWith({ DENSE_WEIGHT: weight }));
    try {
      const result = seed
        ? await scoreSeed(app, options, questionSet(options), texts, mode)
        : await scoreDataset(app, data!, options, texts, mode, log);
      result.dataset = name;
      if (offTopic) {
        let answered = 0;
        for (const q of offTopic) if ((await app.ask(q)).found) answered++;
        result.offTopicFound = round(answered / Math.max(offTopic.length, 1));
        result.offTopicQueries = offTopic.length;
      }
      results.push(result);
    } finally {
      await app.close();
    }
  }
  const r = configured.retrieval;
  return {
    results,
    index: { articles: status.articles, passages: status.passages, buildMs, embedded },
    settings: {
      model,
      passageMaxTokens: configured.embedding.maxPassageTokens,
      passageOverlapTokens: configured.embedding.overlapTokens,
      denseWeight: r.denseWeight,
      minRelevance: r.minRelevance,
      candidates: r.candidates,
    },
  };
}

/** Writes each article as a Markdown file, leaving unchanged files alone so the cached index stays fresh. */
function writeCorpus(data: EvalDataset, corpusDir: string): void {
  for (const a of data.articles) {
    const path = join(corpusDir, `${a.id}.md`);
    const content = articleMarkdown(a, true);
    if (existsSync(path) && readFileSync(path, 'utf8') === content) continue;
    writeFileSync(path, content);
  }
}

function articleTexts(embeddingsDir: string): Map<string, string> {
  const store = MetadataStore.open(join(embeddingsDir, 'depeche.db'));
  try {
    return new Map(store.articles().map((a) => [a.id, a.text]));
  } finally {
    store.close();
  }
}

/** Evenly spaced, deterministic sample of at most `limit` items. */
export function sample<T>(items: readonly T[], limit: number | null): T[] {
  if (limit === null || limit >= items.length) return [...items];
  return Array.from({ length: limit }, (_, i) => items[Math.floor((i * items.length) / limit)]!);
}

export interface Gold {
  /** Character ranges in the stored article text that a retrieved passage must overlap. */
  spans: { start: number; end: number }[];
  paragraph: { start: number; end: number } | null;
  answers: string[];
}

/** Moves PIAF answer spans into the stored (cleaned) article text: paragraphs are found verbatim there. */
export function piafGold(data: EvalDataset, texts: Map<string, string>): Map<string, Gold> {
  const paragraphAt = new Map<string, { start: number; end: number } | null>();
  for (const a of data.articles) {
    const text = texts.get(a.id);
    let cursor = 0;
    for (const p of a.paragraphs ?? []) {
      // Cleaning drops whitespace at line ends (and blank lines): look for the paragraph without it.
      const trimmed = p.text.trim();
      const lead = p.text.length - p.text.trimStart().length;
      const at = text === undefined ? -1 : text.indexOf(trimmed, cursor);
      paragraphAt.set(p.id, at < 0 ? null : { start: at - lead, end: at + trimmed.length });
      if (at >= 0) cursor = at + trimmed.length;
    }
  }
  const gold = new Map<string, Gold>();
  for (const q of data.queries) {
    const paragraph = paragraphAt.get(q.goldPassage!) ?? null;
    const spans = paragraph
      ? (q.answers ?? []).map((x) => ({ start: paragraph.start + x.start, end: paragraph.start + x.start + Math.max(1, x.text.length) }))
      : [];
    gold.set(q.id, { spans, paragraph, answers: (q.answers ?? []).map((x) => x.text) });
  }
  return gold;
}

const overlaps = (p: { start: number; end: number }, s: { start: number; end: number }) => p.start < s.end && s.start < p.end;

async function scoreDataset(
  app: Depeche,
  data: EvalDataset,
  options: EvalOptions,
  texts: Map<string, string>,
  mode: Mode,
  log: (m: string) => void,
): Promise<ModeResult> {
  // OrangeSum: heading (abstract) queries only. Titles are indexed as article metadata in production, so
  // title queries would look for themselves; they are left out.
  const queries = sample(
    data.queries.filter((q) => q.split === options.split && (data.name !== 'orangesum' || q.kind === 'heading')),
    options.limit,
  );
  const gold = data.name === 'piaf' ? piafGold(data, texts) : null;
  const k = options.k;
  const tally = new RankTally(k);
  const paragraphTally = new RankTally(k);
  let found = 0;
  let contains = 0;
  const started = performance.now();
  for (const [i, q] of queries.entries()) {
    // Article-level datasets need more passages than k: article ids are deduplicated before cutting.
    const { answer, ranked } = await app.askRanked(q.text, data.name === 'orangesum' ? 1000 : Math.max(k, 10));
    if (answer.found) found++;
    let rank: number | null;
    if (gold) {
      const g = gold.get(q.id)!;
      rank = firstRank(ranked, (p) => p.articleId === q.goldArticle && g.spans.some((s) => overlaps(p, s)));
      const pRank = firstRank(ranked, (p) => p.articleId === q.goldArticle && g.paragraph !== null && overlaps(p, g.paragraph));
      paragraphTally.add(pRank);
      if (quotesGold(answer, q, g.answers)) contains++;
    } else {
      rank = firstRank(dedupeArticles(ranked), (p) => p.articleId === q.goldArticle);
    }
    tally.add(rank);
    if ((i + 1) % 1000 === 0) log(`${mode}: ${i + 1}/${queries.length} queries`);
  }
  const seconds = (performance.now() - started) / 1000;
  const n = Math.max(queries.length, 1);
  const result: ModeResult = {
    dataset: data.name,
    split: options.split,
    mode,
    queries: queries.length,
    ...tally.metrics(n),
    qps: Math.round((queries.length / seconds) * 10) / 10,
    found: round(found / n),
  };
  if (gold) {
    result.answerContainsGold = round(contains / n);
    result.paragraphRecall = paragraphTally.recalls(n);
  }
  return result;
}

/** A quoted sentence from the gold article that holds one of the gold answer texts. */
function quotesGold(answer: Answer, q: EvalQuery, answers: string[]): boolean {
  return answer.found && answer.citations.some((c) => c.articleId === q.goldArticle && answers.some((a) => a !== '' && c.quote.includes(a)));
}

function firstRank<T>(items: readonly T[], match: (item: T) => boolean): number | null {
  const i = items.findIndex(match);
  return i < 0 ? null : i + 1;
}

/** Keeps each article's best passage only: article-level ranking. */
export function dedupeArticles(ranked: readonly RankedPassage[]): RankedPassage[] {
  const seen = new Set<string>();
  return ranked.filter((p) => !seen.has(p.articleId) && seen.add(p.articleId));
}

interface QuestionSet {
  questions: SeedQuestion[];
  isHit: (q: SeedQuestion, answer: Answer) => boolean;
}

/** The fixed question set over the seed articles: "seed" or "fresh" (its own rule for unanswerable questions). */
function questionSet(options: EvalOptions): QuestionSet {
  const fixtures = join(options.repoRoot, 'tests/fixtures');
  if (options.dataset === 'fresh') {
    // every question handed back to isHit is one of these, so the cast holds
    return { questions: loadFreshQuestions(join(fixtures, 'fresh-questions.json')), isHit: (q, answer) => isFreshHit(q as GradedQuestion, answer) };
  }
  return { questions: loadSeedQuestions(join(fixtures, 'seed-questions.json')), isHit };
}

/**
 * The seed set: for a question the corpus answers, a passage ranks as a hit when it comes from a right
 * article and holds one of the expected key words; the answer is right as `isHit` says (off-topic
 * questions must quote nothing). Recall is over the on-topic questions only (for the fresh set, also
 * those its articles do not really answer: their passage holds the article's closest statement).
 */
async function scoreSeed(app: Depeche, options: EvalOptions, set: QuestionSet, texts: Map<string, string>, mode: Mode): Promise<ModeResult> {
  const questions = sample(set.questions, options.limit);
  const answerable = questions.filter((q) => q.found);
  const tally = new RankTally(options.k);
  let right = 0;
  let found = 0;
  const started = performance.now();
  for (const q of questions) {
    const { answer, ranked } = await app.askRanked(q.question, Math.max(options.k, 10));
    if (set.isHit(q, answer)) right++;
    if (!q.found) continue;
    if (answer.found) found++;
    const rank = firstRank(ranked, (p) => q.articles.includes(p.articleId) && q.quoteContains.some((key) => (texts.get(p.articleId) ?? '').slice(p.start, p.end).includes(key)));
    tally.add(rank);
  }
  const seconds = (performance.now() - started) / 1000;
  const n = Math.max(answerable.length, 1);
  const result: ModeResult = {
    dataset: 'seed',
    split: options.split,
    mode,
    queries: questions.length,
    ...tally.metrics(n),
    qps: Math.round((questions.length / seconds) * 10) / 10,
    found: round(found / n),
    answersRight: `${right}/${questions.length}`,
  };
  return result;
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;

/** Where each query's first right passage ranked, tallied into recall at 1, 5, 10 (and k) and MRR@10. */
class RankTally {
  private readonly cuts: number[];
  private readonly hits: Map<number, number>;
  private reciprocalRanks = 0;

  constructor(k: number) {
    this.cuts = [...new Set([...CUTS, k])].sort((a, b) => a - b);
    this.hits = new Map(this.cuts.map((c) => [c, 0]));
  }

  add(rank: number | null): void {
    if (rank === null) return;
    for (const c of this.cuts) if (rank <= c) this.hits.set(c, this.hits.get(c)! + 1);
    if (rank <= 10) this.reciprocalRanks += 1 / rank;
  }

  /** recall@c for every cut, over n queries. */
  recalls(n: number): Record<`recall@${number}`, number> {
    return Object.fromEntries(this.cuts.map((c) => [`recall@${c}`, round(this.hits.get(c)! / n)]));
  }

  metrics(n: number): Pick<ModeResult, 'recall@1' | 'recall@5' | 'recall@10' | 'mrr@10'> & Record<`recall@${number}`, number> {
    const r = this.recalls(n);
    return { ...r, 'recall@1': r['recall@1']!, 'recall@5': r['recall@5']!, 'recall@10': r['recall@10']!, 'mrr@10': round(this.reciprocalRanks / n) };
  }
}
