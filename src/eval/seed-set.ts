import { readFileSync } from 'node:fs';
import type { Answer } from '../core/types.ts';

/** A question about the seed articles with what a right answer must quote, or an off-topic one. */
export type SeedQuestion =
  | { kind: string; question: string; found: true; articles: string[]; quoteContains: string[] }
  | { kind: 'off-topic'; question: string; found: false };

export interface SeedResult {
  question: SeedQuestion;
  answer: Answer;
  hit: boolean;
}

export function loadSeedQuestions(path: string): SeedQuestion[] {
  return JSON.parse(readFileSync(path, 'utf8')) as SeedQuestion[];
}

/**
 * A hit is what a member would call a right answer: for a question the corpus answers, a quote from
 * one of the right articles that contains the key words; for an off-topic question, no quote at all.
 */
export function isHit(q: SeedQuestion, answer: Answer): boolean {
  if (!q.found) return !answer.found && answer.citations.length === 0;
  return (
    answer.found &&
    answer.citations.some((c) => q.articles.includes(c.articleId) && q.quoteContains.some((key) => c.quote.includes(key)))
  );
}

export async function runSeedQuestions(questions: SeedQuestion[], ask: (q: string) => Promise<Answer>): Promise<SeedResult[]> {
  const results: SeedResult[] = [];
  for (const question of questions) {
    const answer = await ask(question.question);
    results.push({ question, answer, hit: isHit(question, answer) });
  }
  return results;
}

/** Hits per kind of question, e.g. { number: "4/5", 'off-topic': "7/7", all: "38/44" }. */
export function summarise(results: SeedResult[]): Record<string, string> {
  const by = new Map<string, { hit: number; all: number }>();
  const bump = (k: string, hit: boolean) => {
    const s = by.get(k) ?? { hit: 0, all: 0 };
    s.all++;
    if (hit) s.hit++;
    by.set(k, s);
  };
  for (const r of results) {
    bump(r.question.kind, r.hit);
    bump('all', r.hit);
  }
  return Object.fromEntries([...by].map(([k, s]) => [k, `${s.hit}/${s.all}`]));
}
