/** Limits on what a member may ask, with the message they get when a question is refused. */
export const MAX_QUESTION_CHARS = 1000;

export type QuestionCheck = { ok: true; question: string } | { ok: false; message: string };

export function checkQuestion(raw: string): QuestionCheck {
  const question = raw.replace(/\s+/g, ' ').trim();
  if (question === '') {
    return { ok: false, message: 'La question est vide : écrivez ce que vous voulez savoir sur l’actualité.' };
  }
  if (question.length > MAX_QUESTION_CHARS) {
    return {
      ok: false,
      message:
        `La question est trop longue (${question.length.toLocaleString('fr-FR')} caractères ; ` +
        `${MAX_QUESTION_CHARS.toLocaleString('fr-FR')} au plus). Posez une question plus courte.`,
    };
  }
  return { ok: true, question };
}
