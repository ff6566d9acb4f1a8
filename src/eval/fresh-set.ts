import { readFileSync } from 'node:fs';
import type { Answer } from '../core/types.ts';
import { isHit, type SeedQuestion } from './seed-set.ts';

/**
 * A question of the fresh set (tests/fixtures/fresh-questions.json): written from the seed articles'
 * topics only, graded after reading them. `articles` is the writer's blind guess (id prefixes);
 * `answeredIn` and `accept` are what grading found in the articles.
 */
export interface FreshQuestion {
  id: string;
  question: string;
  kind: string;
  articles: string[];
  /** False when the article does not really answer it (`reason` says why), or off-topic (`answeredIn` empty). */
  answerable: boolean;
  answeredIn: string[];
  /** Verbatim substrings of an `answeredIn` article; a right quote contains one. */
  accept: string[];
  reason?: string;
  note?: string;
}

/** A fresh question in the seed set's shape (so the seed scoring and harness apply), plus whether it is answerable. */
export type GradedQuestion = SeedQuestion & { id: string; answerable: boolean };

export function loadFreshQuestions(path: string): GradedQuestion[] {
  const file = JSON.parse(readFileSync(path, 'utf8')) as { questions: FreshQuestion[] };
  return file.questions.map((q): GradedQuestion =>
    q.answeredIn.length === 0
      ? { id: q.id, kind: 'off-topic', question: q.question, found: false, answerable: false }
      : { id: q.id, kind: q.kind, question: q.question, found: true, articles: q.answeredIn, quoteContains: q.accept, answerable: q.answerable },
  );
}

/**
 * The seed set's rule (a right quote; nothing at all when off-topic), and for a question its article
 * does not really answer, "nothing found" is right too: only a wrong quote is a miss.
 */
export function isFreshHit(q: GradedQuestion, answer: Answer): boolean {
  if (isHit(q, answer)) return true;
  return q.found && !q.answerable && !answer.found && answer.citations.length === 0;
}
