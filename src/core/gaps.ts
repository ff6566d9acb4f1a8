/**
 * The questions nobody could answer, grouped by the terms they share (issue 17): admins see which
 * subjects members ask about that the corpus lacks. Each question joins the group of its term the
 * most unanswered questions share; a group is named by its words as members wrote them.
 */
import { analyze } from './text/analyze.ts';

export interface GapGroup {
  /** The shared word(s), as first written by a member. */
  words: string[];
  count: number;
  /** Up to three of its questions, most recent first. */
  examples: string[];
}

/** Groups questions (most recent first), biggest group first. */
export function groupGaps(questions: readonly string[], limit = 10): GapGroup[] {
  const termsOf = questions.map((q) => [...new Set(analyze(q))]);
  const df = new Map<string, number>();
  for (const terms of termsOf) for (const t of terms) df.set(t, (df.get(t) ?? 0) + 1);
  const surface = new Map<string, string>();
  for (const q of questions) for (const w of q.split(/[^\p{L}\p{N}'’-]+/u)) for (const t of analyze(w)) if (!surface.has(t)) surface.set(t, w.replace(/^(?:[ldjnmtsc]|qu)['’]/iu, ''));
  const groups = new Map<string, { terms: Set<string>; questions: string[] }>();
  questions.forEach((q, i) => {
    const terms = termsOf[i]!;
    if (terms.length === 0) return;
    const key = [...terms].sort((a, b) => df.get(b)! - df.get(a)! || a.localeCompare(b))[0]!;
    const g = groups.get(key) ?? { terms: new Set(terms), questions: [] };
    for (const t of [...g.terms]) if (!terms.includes(t)) g.terms.delete(t); // the terms all its questions share
    g.questions.push(q);
    groups.set(key, g);
  });
  return [...groups.entries()]
    .map(([key, g]) => ({ words: (g.terms.size ? [...g.terms] : [key]).map((t) => surface.get(t) ?? t), count: g.questions.length, examples: g.questions.slice(0, 3) }))
    .sort((a, b) => b.count - a.count)
    .slice(0, limit);
}
