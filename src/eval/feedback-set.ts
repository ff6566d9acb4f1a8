/**
 * `npm run eval -- feedback` (issue 17): the answers members marked "👎 pas la bonne réponse" and an
 * admin labelled with the right article (/admin feedback answer:… article:…) become evaluation
 * cases. Each question is asked again through the production path (Depeche over the configured
 * corpus and index) and the case says whether the right article is now cited first, or at all.
 * Unlabelled 👎 are counted and listed as waiting for a label.
 */
import { Depeche, type DepecheOptions } from '../app/depeche.ts';
import { loadConfig } from '../config.ts';
import { settingsReader } from '../settings/read.ts';
import { DEFAULT_KEEP_DAYS, FeedbackStore, type DownVoted } from '../store/feedback-store.ts';

export interface FeedbackCase {
  /** The answer's short id, as /admin feedback shows it. */
  id: string;
  guildId: string | null;
  question: string;
  /** The article the admin says should have been cited. */
  article: string;
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
  totals: { cases: number; citedFirst: number; cited: number; waiting: number; serverLibrary: number };
  /** 👎 answers no admin has labelled yet. */
  waiting: { id: string; guildId: string | null; question: string }[];
  /** Labelled with an article of a server's own library: not evaluated yet (only the shared library is). */
  serverLibrary: { id: string; guildId: string | null; question: string; article: string; library: string }[];
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

/** Splits the kept 👎 answers into cases, ones waiting for a label, and ones labelled in a server library. */
export function feedbackCases(rows: readonly DownVoted[]): Pick<FeedbackRun, 'waiting' | 'serverLibrary'> & { cases: FeedbackCase[] } {
  const cases: FeedbackCase[] = [];
  const waiting: FeedbackRun['waiting'] = [];
  const serverLibrary: FeedbackRun['serverLibrary'] = [];
  for (const r of rows) {
    const base = { id: r.shortId, guildId: r.guildId, question: r.question };
    if (r.label === null) waiting.push(base);
    else if (r.label.library !== null) serverLibrary.push({ ...base, article: r.label.articleId, library: r.label.library });
    else cases.push({ ...base, article: r.label.articleId, citedThen: [...new Set(r.citations.map((c) => c.articleId))] });
  }
  return { cases, waiting, serverLibrary };
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
  const { cases, waiting, serverLibrary } = feedbackCases(rows);
  const results: FeedbackCaseResult[] = [];
  if (cases.length > 0) {
    const app = await Depeche.open(config, options.depeche);
    try {
      if (await app.ensureIndex()) log('index rebuilt: the corpus had changed');
      for (const c of cases) {
        const answer = await app.ask(c.question);
        const citedNow = [...new Set(answer.citations.map((x) => x.articleId))];
        results.push({ ...c, found: answer.found, citedNow, citedFirst: citedNow[0] === c.article, cited: citedNow.includes(c.article) });
      }
    } finally {
      await app.close();
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
      serverLibrary: serverLibrary.length,
    },
    waiting,
    serverLibrary,
  };
}

/** The run as text: one line per case, the totals, then what waits. */
export function feedbackReport(run: FeedbackRun): string {
  const t = run.totals;
  const lines = [`feedback cases from ${run.embeddingsDir}${run.guild ? ` (server ${run.guild})` : ''}:`];
  for (const c of run.cases) {
    const verdict = c.citedFirst ? 'cited first' : c.cited ? `cited (#${c.citedNow.indexOf(c.article) + 1})` : c.found ? 'not cited' : 'nothing found';
    lines.push(`  ${c.id}  ${verdict.padEnd(13)} ${c.question}  → want ${c.article}; cites ${c.citedNow.join(', ') || '—'}`);
  }
  const share = (n: number) => (t.cases === 0 ? '' : ` (${(n / t.cases).toFixed(3)})`);
  lines.push(`totals: ${t.cases} labelled cases; right article cited first ${t.citedFirst}${share(t.citedFirst)}, cited at all ${t.cited}${share(t.cited)}`);
  lines.push(`waiting for an admin's label: ${t.waiting}`);
  for (const w of run.waiting) lines.push(`  ${w.id}  ${w.question}`);
  if (t.serverLibrary > 0) {
    lines.push(`labelled with a server library's article, not evaluated (only the shared library is, so far): ${t.serverLibrary}`);
    for (const s of run.serverLibrary) lines.push(`  ${s.id}  ${s.question}  → ${s.article} (server ${s.library})`);
  }
  return lines.join('\n');
}
