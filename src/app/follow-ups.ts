/**
 * Asking a follow-up: the question read in its earlier subject's context (core/follow-up.ts) when it
 * leans on it, told to the member in a note. It is answered first from the articles the earlier
 * answer cited (the story being discussed), then from the whole corpus with the subject's names,
 * and alone when it names its own subject or the context finds nothing (a lowercase new subject —
 * "et le glyphosate ?" — is then still answered).
 */
import { withNote } from '../core/answer.ts';
import { contextualise, subjectOf, type Subject } from '../core/follow-up.ts';
import type { Answer } from '../core/types.ts';
import type { AskOptions, AskTimings } from './questions.ts';

/** What asking needs of the application (Depeche, or a shard's view of it). */
export interface Asker {
  askTimed(question: string, options?: AskOptions): Promise<{ answer: Answer; timings: AskTimings }>;
}

/** What a follow-up may lean on: the earlier exchange's subject and the articles its answer cited. */
export interface Earlier {
  subject: Subject;
  articles: readonly string[];
}

export interface FollowUpAnswer {
  answer: Answer;
  timings: AskTimings;
  /** The subject carried over, or null when the question was answered on its own words. */
  carried: Subject | null;
  /** What this exchange is about, for the next follow-up. */
  next: Earlier;
}

export async function askFollowUp(asker: Asker, question: string, earlier: Earlier | null): Promise<FollowUpAnswer> {
  const context = contextualise(question, earlier?.subject ?? null);
  if (context && earlier) {
    // Within the story's articles the follow-up's own words pick the sentence; across the corpus the
    // subject's names keep it on the story.
    const attempts: [string, AskOptions][] = [[context.question, {}]];
    if (earlier.articles.length > 0) attempts.unshift([question, { within: new Set(earlier.articles) }]);
    for (const [asked, scope] of attempts) {
      const { answer, timings } = await asker.askTimed(asked, scope);
      if (!answer.found) continue;
      const next = { subject: subjectOf({ question: context.question, titles: titlesOf(answer) }), articles: articlesOf(answer) };
      return { answer: withNote({ ...answer, question }, context.note), timings, carried: context.subject, next };
    }
  }
  const { answer, timings } = await asker.askTimed(question);
  return { answer, timings, carried: null, next: earlierOf(question, answer) };
}

/** What a first question and its answer give a follow-up to lean on. */
export function earlierOf(question: string, answer: Answer): Earlier {
  return { subject: subjectOf({ question, titles: titlesOf(answer) }), articles: articlesOf(answer) };
}

/** The titles of the articles an answer cites, best first. */
export function titlesOf(answer: Answer): string[] {
  return answer.citations.map((c) => c.title).filter((t): t is string => !!t);
}

function articlesOf(answer: Answer): string[] {
  return [...new Set(answer.citations.map((c) => c.articleId))];
}
