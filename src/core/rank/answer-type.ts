/**
 * What kind of answer a question asks for, read from its question words (French and English), and
 * whether a sentence holds that kind of answer: a ranking feature, so the sentence that states the
 * figure or the name is preferred over its neighbour that only repeats the question's words.
 */
export type AnswerType = 'number' | 'date' | 'percent' | 'money' | 'duration' | 'person' | 'place' | 'organisation';

export const ANSWER_TYPES: readonly AnswerType[] = ['number', 'date', 'percent', 'money', 'duration', 'person', 'place', 'organisation'];

const MONTHS =
  'janvier|fevrier|février|mars|avril|mai|juin|juillet|aout|août|septembre|octobre|novembre|decembre|décembre|' +
  'january|february|march|april|june|july|august|september|october|november|december';
const UNITS_OF_TIME = 'ans?|années?|annees?|mois|semaines?|jours?|heures?|minutes?|secondes?|siècles?|siecles?|décennies?|years?|months?|weeks?|days?|hours?|centuries';
const CURRENCIES = '€|\\$|£|euros?|dollars?|francs?|livres?|yuans?|yens?|roubles?|dinars?|pesos?|écus?|deniers?|florins?|ducats?';
const NUMBER_WORDS = 'deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente|quarante|cinquante|soixante|cent|cents|mille|million|millions|milliard|milliards';

/** Patterns a sentence holding each kind of answer matches (on the sentence as written). */
export const ANSWER_PATTERNS: Record<AnswerType, RegExp> = {
  number: new RegExp(`\\d|\\b(${NUMBER_WORDS})\\b`, 'iu'),
  date: new RegExp(`\\b(1[0-9]\\d\\d|20\\d\\d|${MONTHS}|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|hier|aujourd|siècle|siecle)`, 'iu'),
  percent: /\d\s?(%|pour\s?cents?|percent)|\b(moitié|tiers|quart)\b/iu,
  money: new RegExp(`\\d[\\d\\s.,]*\\s?(millions?|milliards?|k|m)?\\s?(d['’]\\s?|de\\s)?(${CURRENCIES})|(${CURRENCIES})\\s?\\d`, 'iu'),
  duration: new RegExp(`\\b(\\d+|${NUMBER_WORDS}|quelques|plusieurs)\\s+(${UNITS_OF_TIME})\\b`, 'iu'),
  // Two capitalised words in a row, not at the sentence start: a person's name ("Jean Moulin").
  person: /(?<=[\p{Ll},;:]\s)\p{Lu}[\p{Ll}'’-]+(\s(de\s|d['’]|van\s|von\s)?\p{Lu}[\p{Ll}'’-]+)+/u,
  place: /\b(à|en|au|aux|dans|près de|vers|depuis|in|at|near)\s(la\s|le\s|l['’])?\p{Lu}/u,
  organisation: /\b\p{Lu}{2,}\b|\b(société|entreprise|groupe|parti|association|université|ministère|institut|compagnie|banque|club|équipe|fédération|company|group|party|university)\b/iu,
};

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** What kind of answer a question asks for, read from its question words (French and English); null when it is open. */
export function expectedAnswer(question: string): AnswerType | null {
  const q = fold(question);
  if (/\b(quel(le)?s? (est |etait |sera )?(le |la )?(pourcentage|proportion|taux)|quelle part|what percentage|what percent|what share|what proportion)\b/.test(q)) {
    return 'percent';
  }
  if (/\b(combien de temps|pendant combien|depuis combien de temps|quelle (est la |etait la )?duree|how long)\b/.test(q)) return 'duration';
  if (/\b(quand|depuis quand|a partir de quand|quelle annee|en quelle annee|quelle date|a quelle date|quel mois|quel jour|quel siecle|when|what year|what date)\b/.test(q)) {
    return 'date';
  }
  if (
    /\b(combien (coute|coutent|a coute|d'argent|d'euros|de dollars|rapporte|gagne)|quel(le)? (est |etait )?(le |la )?(montant|prix|cout|somme|budget|salaire|chiffre d'affaires)|how much (money|does|did|is|was)|what price|what cost)\b/.test(q)
  ) {
    return 'money';
  }
  if (
    /\b(combien|how many|how much)\b/.test(q) ||
    /\bquel(le)?s? (est |etait |sera )?(le |la |l'|les )?(nombre|part|marge|chiffre|place|rang|age|valeur|population|superficie|hauteur|longueur|taille|altitude|distance|score)/.test(q)
  ) {
    return 'number';
  }
  if (/(^|[^\p{L}])(qui|who|whom)\b/u.test(q) && !/\bce qui\b/.test(q)) return 'person';
  // "où" only with its accent: "ou" (or) is in many questions that ask nothing about a place.
  if (/(^|[^\p{L}])où([^\p{L}]|$)/u.test(question.toLowerCase()) || /\b(where|dans quel(le)? (pays|ville|region|lieu|departement|continent)|quel(le)? (pays|ville|region|lieu|endroit)|which (country|city|town))\b/.test(q)) {
    return 'place';
  }
  if (/\b(quel(le)?s? (entreprise|societe|organisation|equipe|institution|groupe|parti|club|marque|constructeur|banque|compagnie)|which (company|firm|team|party|group|organisation|organization))\b/.test(q)) {
    return 'organisation';
  }
  return null;
}
