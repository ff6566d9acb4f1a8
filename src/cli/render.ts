/** Answers as the command line prints them: plain text for people, one JSON line for programs. */
import { answerText } from '../core/answer.ts';
import type { Answer } from '../core/types.ts';

/** The quotes and their numbered sources, or the message saying why nothing is quoted. */
export function renderAnswerText(answer: Answer): string {
  return answer.quotes.length > 0 ? answerText(answer.quotes, answer.citations) : answer.answer;
}

/**
 * The JSON contract, `{"question","found","answer","citations"}` on one line: fields are picked
 * by name so that the shape scripts rely on does not grow with the in-memory Answer.
 */
export function renderAnswerJson(answer: Answer): string {
  const { question, found, answer: text, citations } = answer;
  return JSON.stringify({ question, found, answer: text, citations });
}
