/** Answers as the command line prints them: plain text for people, one JSON line for programs. */
import { answerText, describeSource } from '../core/answer.ts';
import { NO_NEWS, type Timeline } from '../core/news.ts';
import { formatPublished } from '../core/time/format-date.ts';
import type { Answer } from '../core/types.ts';

/** The quotes and their numbered sources, or the message saying why nothing is quoted. */
export function renderAnswerText(answer: Answer): string {
  return answer.quotes.length > 0 ? answerText(answer.quotes, answer.citations, answer.note) : answer.answer;
}

/**
 * The JSON contract, `{"question","found","answer","citations"}` on one line: fields are picked
 * by name so that the shape scripts rely on does not grow with the in-memory Answer.
 */
export function renderAnswerJson(answer: Answer): string {
  const { question, found, answer: text, citations } = answer;
  return JSON.stringify({ question, found, answer: text, citations });
}

/**
 * A timeline for people: one line per article, oldest first, each starting with its date (said once
 * for several articles of the same day), then the numbered sources.
 */
export function renderTimelineText(timeline: Timeline): string {
  if (!timeline.found) return timeline.message ?? NO_NEWS;
  const lines = [`Chronologie : ${timeline.subject}`];
  let previous: string | null | undefined;
  timeline.entries.forEach((e, i) => {
    const marker = `« ${e.quote} » [${i + 1}]`;
    lines.push(e.published === previous ? `    ${marker}` : `${formatPublished(e.published)} — ${marker}`);
    previous = e.published;
  });
  if (timeline.omitted > 0) lines.push(`(${timeline.omitted} autres articles sur ce sujet ne sont pas listés)`);
  const sources = timeline.entries.map((e, i) => `[${i + 1}] ${describeSource(e.citation)}`);
  return [...lines, '', 'Sources :', ...sources].join('\n');
}

/** The timeline as one JSON line: `{"subject","found","message","entries":[{published, quote, articleId, title, source, url}],"omitted"}`. */
export function renderTimelineJson(timeline: Timeline): string {
  const entries = timeline.entries.map(({ published, quote, citation: c }) => ({ published, quote, articleId: c.articleId, title: c.title, source: c.source, url: c.url }));
  return JSON.stringify({ subject: timeline.subject, found: timeline.found, message: timeline.message, entries, omitted: timeline.omitted });
}
