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

/** A period as a member reads it: "du 1er mars 2026 au 31 mars 2026", "depuis le 1er juin 2026", "jusqu’au 31 décembre 2019". */
export function describePeriod(window: { from: string | null; to: string | null }): string {
  if (window.from && window.to) {
    return window.from === window.to ? `le ${formatPublished(window.from)}` : `du ${formatPublished(window.from)} au ${formatPublished(window.to)}`;
  }
  if (window.from) return `depuis le ${formatPublished(window.from)}`;
  if (window.to) return `jusqu’au ${formatPublished(window.to)}`;
  return 'à n’importe quelle date';
}
