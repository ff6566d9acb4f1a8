/**
 * `npm run eval -- feedback` (issue 17): the answers members marked "👎 pas la bonne réponse" and an
 * admin labelled with the right article (/admin feedback answer:… article:…) become evaluation
 * cases. Each question is asked again through the production path: whoever answers the server it
 * was asked in (Libraries.answerer: the shared library over the configured corpus and index, merged
 * with the server's own library when it has one), and the case says whether the right article is
 * now cited first, or at all. Unlabelled 👎 are counted and listed as waiting for a label.
 */
import { Depeche, type DepecheOptions } from '../app/depeche.ts';
import { Libraries } from '../app/libraries.ts';
import { loadConfig } from '../config.ts';
import { settingsReader } from '../settings/read.ts';
import { loadServerSettings } from '../settings/servers.ts';
import { DEFAULT_KEEP_DAYS, FeedbackStore, type DownVoted } from '../store/feedback-store.ts';

export interface FeedbackCase {
  /** The answer's short id, as /admin feedback shows it. */
  id: string;
  guildId: string | null;
  question: string;
  /** The article the admin says should have been cited. */
  article: string;
  /** The library the article is in: a server id, or null for the shared one. */
  library: string | null;
  /** What the 👎 answer cited. */
  citedThen: string[];
}

export interface FeedbackCaseResult extends FeedbackCase {
  found: boolean;
  /** The articles the answer cites now, in order of first citation. */
  citedNow: string[];
  citedFirst: boolean;
  cited: boolean;
}

export interface FeedbackRun {
  embeddingsDir: string;
  guild: string | null;
  cases: FeedbackCaseResult[];
  totals: { cases: number; citedFirst: number; cited: number; waiting: number };
  /** 👎 answers no admin has labelled yet. */
  waiting: { id: string; guildId: string | null; question: string }[];
}

export interface FeedbackEvalOptions {
  env: Record<string, string | undefined>;
  repoRoot: string;
  /** One server's feedback; every server's when null. */
  guild: string | null;
  /** Embedder and the like (tests use the hash embedder). */
  depeche?: DepecheOptions;
  onProgress?: (message: string) => void;
}

/** Splits the kept 👎 answers into cases (labelled) and ones waiting for a label. */
export function feedbackCases(rows: readonly DownVoted[]): { cases: FeedbackCase[]; waiting: FeedbackRun['waiting'] } {
  const cases: FeedbackCase[] = [];
  const waiting: FeedbackRun['waiting'] = [];
  for (const r of rows) {
    const base = { id: r.shortId, guildId: r.guildId, question: r.question };
    if (r.label === null) waiting.push(base);
    else cases.push({ ...base, article: r.label.articleId, library: r.label.library, citedThen: [...new Set(r.citations.map((c) => c.articleId))] });
  }
  return { cases, waiting };
}

export async function runFeedbackEval(options: FeedbackEvalOptions): Promise<FeedbackRun> {
  const log = options.onProgress ?? (() => {});
  const config = loadConfig(options.env, options.repoRoot);
  const keepDays = settingsReader(options.env).int('QUESTION_LOG_DAYS', DEFAULT_KEEP_DAYS, 1, 3650);
  const store = FeedbackStore.open(FeedbackStore.pathIn(config.embeddingsDir), keepDays);
  let rows: DownVoted[];
  try {
    rows = store.allDownVoted(options.guild ?? undefined);
  } finally {
    store.close();
  }
  const { cases, waiting } = feedbackCases(rows);
  const results: FeedbackCaseResult[] = [];
  if (cases.length > 0) {
    const shared = await Depeche.open(config, options.depeche);
    // Server libraries are opened as the bot opens them (servers/<guild id>), never reindexed here.
    const libraries = new Libraries(shared, { config, settings: loadServerSettings(options.env, options.repoRoot), depeche: options.depeche });
    try {
      if (await shared.ensureIndex()) log('shared index (re)built: it was missing or the corpus had changed');
      for (const c of cases) {
        const { answer } = await (await libraries.answerer(c.guildId)).askTimed(c.question);
        const citedNow = [...new Set(answer.citations.map((x) => x.articleId))];
        results.push({ ...c, found: answer.found, citedNow, citedFirst: isLabelled(c, citedNow[0]), cited: citedNow.some((id) => isLabelled(c, id)) });
      }
    } finally {
      await libraries.closeAll();
      await shared.close();
    }
  }
  return {
    embeddingsDir: config.embeddingsDir,
    guild: options.guild,
    cases: results,
    totals: {
      cases: results.length,
      citedFirst: results.filter((r) => r.citedFirst).length,
      cited: results.filter((r) => r.cited).length,
      waiting: waiting.length,
    },
    waiting,
  };
}

/**
 * Whether a cited article id is the labelled one. A server answered from its own library and the
 * shared one cites namespaced ids (`server:…`, `shared:…`, app/combined-view.ts); otherwise plain ones.
 */
export function isLabelled(c: Pick<FeedbackCase, 'article' | 'library'>, cited: string | undefined): boolean {
  if (cited === undefined) return false;
  if (cited === `server:${c.article}`) return c.library !== null;
  if (cited === `shared:${c.article}`) return c.library === null;
  return cited === c.article;
}

/** The run as text: one line per case, the totals, then what waits. */
export function feedbackReport(run: FeedbackRun): string {
  const t = run.totals;
  const lines = [`feedback cases from ${run.embeddingsDir}${run.guild ? ` (server ${run.guild})` : ''}:`];
  for (const c of run.cases) {
    const verdict = c.citedFirst ? 'cited first' : c.cited ? `cited (#${c.citedNow.findIndex((id) => isLabelled(c, id)) + 1})` : c.found ? 'not cited' : 'nothing found';
    const where = c.guildId === null ? '' : ` [server ${c.guildId}]`;
    lines.push(`  ${c.id}  ${verdict.padEnd(13)} ${c.question}${where}  → want ${c.article}; cites ${c.citedNow.join(', ') || '—'}`);
  }
  const share = (n: number) => (t.cases === 0 ? '' : ` (${(n / t.cases).toFixed(3)})`);
  lines.push(`totals: ${t.cases} labelled cases; right article cited first ${t.citedFirst}${share(t.citedFirst)}, cited at all ${t.cited}${share(t.cited)}`);
  lines.push(`waiting for an admin's label: ${t.waiting}`);
  for (const w of run.waiting) lines.push(`  ${w.id}  ${w.question}`);
  return lines.join('\n');
}
