import { describe, expect, it } from 'vitest';
import { checkQuestion, MAX_QUESTION_CHARS } from '../src/core/question.ts';

describe('checkQuestion', () => {
  it('accepts a question, folding runs of whitespace', () => {
    expect(checkQuestion('  Combien   de brevets ?\n')).toEqual({ ok: true, question: 'Combien de brevets ?' });
  });

  it.each(['', '   ', '\n\t'])('refuses an empty question %j with a clear message', (q) => {
    const r = checkQuestion(q);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/vide/);
  });

  it('refuses a 10 000-character question, saying how long it is and what the limit is', () => {
    const r = checkQuestion('a'.repeat(10_000));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toContain('10\u202f000');
      expect(r.message).toContain(MAX_QUESTION_CHARS.toLocaleString('fr-FR'));
    }
  });
});
