/** How a publication date reads in an answer: "15 juin 2026", or "date inconnue" for an undated article. */

export const UNKNOWN_DATE = 'date inconnue';

const FRENCH_DATE = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** `published` is YYYY-MM-DD (ArticleMeta); anything else is shown as it is rather than guessed at. */
export function formatPublished(published: string | null): string {
  if (!published) return UNKNOWN_DATE;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(published);
  if (!m) return published;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (Number.isNaN(date.getTime())) return published;
  // French writes the first day of a month as an ordinal: « 1er juin ».
  return FRENCH_DATE.format(date).replace(/^1 /, '1er ');
}
