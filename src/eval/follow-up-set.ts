/**
 * The follow-up set (tests/fixtures/follow-ups.json, issue 17): question/follow-up pairs about the
 * seed articles and OrangeSum articles, each follow-up asked alone and in its first question's context.
 */
import { readFileSync } from 'node:fs';
import { askFollowUp, earlierOf, type Asker } from '../app/follow-ups.ts';
import type { Answer } from '../core/types.ts';

export interface FollowUpPair {
  id: string;
  /** 'carry': leans on the first question's subject; 'new': names a subject of its own. */
  kind: 'carry' | 'new';
  first: string;
  followUp: string;
  /** Articles that answer the follow-up; a right quote is from one of them and holds one of `accept`. */
  articles: string[];
  accept: string[];
}

export interface FollowUpSet {
  orangesumArticles: number;
  pairs: FollowUpPair[];
}

export interface FollowUpResult {
  pair: FollowUpPair;
  alone: Answer;
  withContext: Answer;
  /** Whether the context was used (a note is shown). */
  carried: boolean;
  aloneHit: boolean;
  contextHit: boolean;
}

export function loadFollowUpSet(path: string): FollowUpSet {
  return JSON.parse(readFileSync(path, 'utf8')) as FollowUpSet;
}

/** Right: a quote from one of the pair's articles holding one of its accepted words. */
export function isRightQuote(pair: FollowUpPair, answer: Answer): boolean {
  return answer.found && answer.citations.some((c) => pair.articles.includes(c.articleId) && pair.accept.some((a) => c.quote.includes(a)));
}

export async function runFollowUps(pairs: readonly FollowUpPair[], asker: Asker): Promise<FollowUpResult[]> {
  const results: FollowUpResult[] = [];
  for (const pair of pairs) {
    const first = (await asker.askTimed(pair.first)).answer;
    const alone = (await asker.askTimed(pair.followUp)).answer;
    const followed = await askFollowUp(asker, pair.followUp, earlierOf(pair.first, first));
    results.push({
      pair,
      alone,
      withContext: followed.answer,
      carried: followed.carried !== null,
      aloneHit: isRightQuote(pair, alone),
      contextHit: isRightQuote(pair, followed.answer),
    });
  }
  return results;
}
