/** Recording the questions nobody could answer (issue 17): the question and its server, never who asked. */
import { NOT_FOUND_ANSWER } from '../core/answer.ts';
import type { Answer } from '../core/types.ts';
import type { BotContext } from './context.ts';

/**
 * "Nothing found" only: a refused question (empty, too long) or one asked before anything was indexed
 * says nothing about what the corpus lacks. A period with nothing published is a gap too.
 */
export function isGap(answer: Answer): boolean {
  return !answer.found && (answer.answer === NOT_FOUND_ANSWER || answer.answer.startsWith('Je n’ai trouvé aucun article publié'));
}

export function recordGap(ctx: BotContext, guildId: string | null, question: string, answer: Answer): void {
  if (!isGap(answer)) return;
  try {
    ctx.questionLog.record(guildId, question);
  } catch (error) {
    ctx.log.warn('gaps.record_failed', { guildId, error }); // the member still gets their answer
  }
}
