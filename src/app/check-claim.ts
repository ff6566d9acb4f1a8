/**
 * "Vérifier avec Dépêche": a message's text taken as a claim, answered with the closest quotes and
 * what they say of the claim's figures (core/claim-check.ts). The claim's figures are left out of the
 * search: they are what is checked, and a wrong figure must not keep the right article away.
 */
import { withNote } from '../core/answer.ts';
import { checkFigures, claimKeywords, claimSubject, describeChecks, type FigureCheck } from '../core/claim-check.ts';
import type { Answer } from '../core/types.ts';
import type { Asker } from './follow-ups.ts';
import type { AskTimings } from './questions.ts';

export const NOTHING_ABOUT_IT = 'Le corpus ne dit rien de ce que dit ce message : je n’ai trouvé aucun article à citer pour le confirmer ou le contredire.';

export async function checkClaim(asker: Asker, claim: string): Promise<{ answer: Answer; timings: AskTimings; differs: number }> {
  const subject = claimSubject(claim) || claim;
  let { answer, timings } = await asker.askTimed(subject);
  const keywords = claimKeywords(claim);
  // A chatty message holds words no article shares: its names and counted things alone, then.
  if (!answer.found && keywords !== '') ({ answer, timings } = await asker.askTimed(keywords));
  if (!answer.found) return { answer: { ...answer, question: claim, answer: NOTHING_ABOUT_IT }, timings, differs: 0 };
  let checks = checkFigures(claim, quotesOf(answer));
  // The closest sentences may speak of the subject without its figure: asked as "combien" of its
  // names and counted things, the answer prefers sentences that state one. Kept only if its quotes
  // speak of more of the claim's figures.
  if (checks.some((c) => c.kind === 'absent') && keywords !== '') {
    const counted = await asker.askTimed(`Combien ${keywords} ?`);
    const recount = counted.answer.found ? checkFigures(claim, quotesOf(counted.answer)) : null;
    if (recount && absent(recount) < absent(checks)) ({ answer, timings, checks } = { ...counted, checks: recount });
  }
  const sources = answer.quotes.map((q) => {
    const c = answer.citations[q.citations[0]!]!;
    return { title: c.title, published: c.published, number: q.citations[0]! + 1 };
  });
  const lines = ['Ce que disent les articles les plus proches de ce message :', ...describeChecks(checks, sources)];
  return { answer: withNote({ ...answer, question: claim }, lines.join('\n')), timings, differs: checks.filter((c) => c.kind === 'differs').length };
}

function quotesOf(answer: Answer): string[] {
  return answer.quotes.map((q) => q.quote);
}

function absent(checks: readonly FigureCheck[]): number {
  return checks.filter((c) => c.kind === 'absent').length;
}
