/**
 * The dated question set (tests/fixtures/dated-questions.json over tests/fixtures/dated-corpus plus
 * the seed articles): does a member get the right article *first* when stories move over a year —
 * the latest figure, the period asked about, the newest news, a chronological timeline?
 */
import { readFileSync } from 'node:fs';
import type { Timeline } from '../core/news.ts';
import type { Answer } from '../core/types.ts';

export interface DatedQuestion {
  kind: 'latest' | 'named-period' | 'relative-period' | 'whats-new' | 'undated' | 'old-alone' | 'timeline';
  question: string;
  /** Today for this question (YYYY-MM-DD). */
  now: string;
  /** Articles (file names without extension) that may answer first; for a timeline, every one it must list. */
  articles: string[];
  /** The first quote must hold one of these. */
  quoteContains?: string[];
  /** Articles that must not answer first (an outdated figure, an undated rumour). */
  notFirst?: string[];
}

export interface DatedResult {
  question: DatedQuestion;
  /** The right article first, and its first quote holds the figure asked for. */
  hit: boolean;
  /** The right article first (what the issue counts), whatever sentence of it is quoted. */
  articleFirst: boolean;
  /** The article quoted first (a timeline: the articles listed, in order). */
  first: string | null;
  listed?: string[];
}

export interface Asker {
  ask(question: string, now: Date): Promise<Answer>;
  timeline(subject: string, now: Date): Promise<Timeline>;
}

export function loadDatedQuestions(path: string): DatedQuestion[] {
  return JSON.parse(readFileSync(path, 'utf8')) as DatedQuestion[];
}

/** Noon on the question's day, local time: the day the fixture means whatever the time zone. */
export function dayClock(day: string): Date {
  return new Date(`${day}T12:00:00`);
}

export async function runDatedQuestions(questions: DatedQuestion[], asker: Asker): Promise<DatedResult[]> {
  const results: DatedResult[] = [];
  for (const q of questions) {
    const now = dayClock(q.now);
    if (q.kind === 'timeline') {
      const t = await asker.timeline(q.question, now);
      const listed = t.entries.map((e) => e.citation.articleId);
      // Every expected article listed, in the order of its date (the fixture lists them oldest first, undated last).
      const positions = q.articles.map((a) => listed.indexOf(a));
      const hit = t.found && positions.every((p, i) => p >= 0 && (i === 0 || p > positions[i - 1]!));
      results.push({ question: q, hit, articleFirst: hit, first: listed[0] ?? null, listed });
      continue;
    }
    const answer = await asker.ask(q.question, now);
    const firstCitation = answer.quotes[0] ? answer.citations[answer.quotes[0].citations[0]!] : undefined;
    const first = firstCitation?.articleId ?? null;
    const articleFirst = answer.found && first !== null && q.articles.includes(first) && !(q.notFirst ?? []).includes(first);
    const hit = articleFirst && (q.quoteContains === undefined || q.quoteContains.some((key) => firstCitation!.quote.includes(key)));
    results.push({ question: q, hit, articleFirst, first });
  }
  return results;
}

/** Per kind, right article first and (after the slash) with the figure too, e.g. { latest: "7 · 4 / 9" }. */
export function summariseDated(results: DatedResult[]): Record<string, string> {
  const by = new Map<string, { first: number; hit: number; all: number }>();
  for (const r of results) {
    for (const k of [r.question.kind, 'all']) {
      const s = by.get(k) ?? { first: 0, hit: 0, all: 0 };
      s.all++;
      if (r.articleFirst) s.first++;
      if (r.hit) s.hit++;
      by.set(k, s);
    }
  }
  return Object.fromEntries([...by].map(([k, s]) => [k, `${s.first} · ${s.hit} / ${s.all}`]));
}
