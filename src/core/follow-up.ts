/**
 * Follow-up questions: "Et quelles applications seront préinstallées ?" right after an answer about
 * the Xiaomi–Microsoft deal is about Xiaomi and Microsoft. The subject of an earlier exchange (the
 * names it used, and the names its answer's articles share) carries over to a follow-up unless the
 * follow-up names a subject of its own. Pure: the front end decides what counts as a follow-up.
 */
import { analyze, isStopWord } from './text/analyze.ts';

/** What an earlier exchange was about: names as written, best first, and its question's topic words. */
export interface Subject {
  names: string[];
  topics: string[];
}

/** An earlier question and the titles of the articles its answer cited (best first). */
export interface EarlierExchange {
  question: string;
  titles: readonly string[];
}

/** A follow-up read in the context of an earlier subject: what to search, and what to tell the member. */
export interface ContextualQuestion {
  /** The follow-up with the subject's names added: what retrieval sees. */
  question: string;
  /** "À propos de Xiaomi et Microsoft :" shown above the answer, so the member sees what was understood. */
  note: string;
  subject: Subject;
}

/** Names beyond these add noise to a search more than they add subject. */
const MAX_NAMES = 4;
/** Shorter words are rarely what a story is about ("prix", "port" are asked about, not the subject). */
const MIN_TOPIC_LETTERS = 6;
const MAX_TOPIC_WORDS = 3;

/**
 * Capitalised words that open a question without naming anything: imperatives and fillers a member
 * starts a follow-up with. Stop words (Et, Combien, Quelle, Dans…) are already excluded by isStopWord.
 */
const OPENERS = new Set(
  `alors donc puis ensuite aussi sinon bon ok oui non merci ah oh euh
  dis dites raconte racontez explique expliquez résume résumez précise précisez parle parlez
  donne donnez montre montrez cite citez peux pouvez sais savez connais connaissez
  est-ce y ça ca cela celui celle ceux celles lui eux combien quid ya`
    .split(/\s+/)
    .filter((w) => w !== ''),
);

/** Verb forms with an inverted pronoun ("Sait-on", "A-t-il", "Parle-moi"): a question's verb, not a name. */
const INVERTED = /-(?:t-)?(?:il|elle|ils|elles|on|je|tu|nous|vous|moi|toi|nous|lui|leur|en|y|ce)$/iu;

/** Words as written, elisions dropped ("d'Alibaba" → "Alibaba"), with whether each opens a sentence. */
function words(text: string): { word: string; opening: boolean }[] {
  const out: { word: string; opening: boolean }[] = [];
  let opening = true;
  for (const m of text.normalize('NFC').matchAll(/[\p{L}\p{N}][\p{L}\p{M}\p{N}'’-]*|[.!?:;«»"]/gu)) {
    const token = m[0];
    if (/^[.!?:;«»"]$/u.test(token)) {
      opening = true;
      continue;
    }
    const word = token.replace(/^(?:[ldjnmtsc]|qu|jusqu|lorsqu|puisqu)['’]/iu, '').replace(/['’-]+$/u, '');
    if (word !== '') out.push({ word, opening });
    opening = false;
  }
  return out;
}

/** The key two spellings of one name share (case, accents, plural: Ouïghours = ouighour). */
function nameKey(name: string): string {
  return analyze(name).join(' ');
}

/** A word that can be (part of) a name: capitalised, not a stop word, an opener or an inverted verb. */
function isNameWord(word: string): boolean {
  if (!/^\p{Lu}/u.test(word) || [...word].length < 2) return false;
  const lower = word.toLowerCase();
  return !isStopWord(lower) && !OPENERS.has(lower) && !INVERTED.test(word) && nameKey(word) !== '';
}

/**
 * The names in a text: runs of capitalised words (Xiaomi, George Floyd, INPE, Grímsvötn) that are not
 * stop words, question openers or inverted verbs, in order of first appearance, each once.
 */
export function namesIn(text: string): string[] {
  const seen = new Set<string>();
  const names: string[] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const name = run.join(' ');
    run = [];
    const key = nameKey(name);
    if (seen.has(key)) return;
    seen.add(key);
    names.push(name);
  };
  for (const { word, opening } of words(text)) {
    if (opening) flush();
    if (isNameWord(word)) run.push(word);
    else flush();
  }
  flush();
  return names;
}

/**
 * The content words of a question that say what it is about (amphétamines, incendies), not what it
 * asks: neither names, stop words, openers nor short words. Lowercase, as written.
 */
export function topicWordsIn(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const { word } of words(text)) {
    const lower = word.toLowerCase();
    if (/^\p{Lu}/u.test(word) || [...word].length < MIN_TOPIC_LETTERS || isStopWord(lower) || OPENERS.has(lower) || INVERTED.test(word)) continue;
    const key = nameKey(lower);
    if (key === '' || seen.has(key)) continue;
    seen.add(key);
    out.push(lower);
  }
  return out;
}

/**
 * What an exchange was about: the names and topic words its question used; when the question named
 * nothing ("les incendies en amazonie ?"), the names of the first article its answer cited.
 */
export function subjectOf(exchange: EarlierExchange): Subject {
  let names = namesIn(exchange.question);
  if (names.length === 0 && exchange.titles.length > 0) names = namesIn(exchange.titles[0]!);
  const topics = topicWordsIn(exchange.question).slice(0, MAX_TOPIC_WORDS);
  return { names: names.slice(0, MAX_NAMES), topics };
}

/** True when the follow-up names someone or something its earlier subject does not: it stands on its own. */
export function namesOwnSubject(followUp: string, subject: Subject): boolean {
  const known = new Set(subject.names.map(nameKey));
  return namesIn(followUp).some((name) => !known.has(nameKey(name)));
}

/**
 * The follow-up read in its earlier subject's context, or null when it names its own subject (or
 * there is no subject to carry). Words the follow-up already uses are not added twice.
 */
export function contextualise(followUp: string, subject: Subject | null): ContextualQuestion | null {
  if (!subject || namesOwnSubject(followUp, subject)) return null;
  const present = new Set(analyze(followUp));
  const missing = (w: string) => analyze(w).some((t) => !present.has(t));
  // Names say the subject best; topic words only stand in for them: every added word weighs as much
  // as the follow-up's own (measured on tests/fixtures/follow-ups.json: both together found less).
  const carried = subject.names.length > 0 ? subject.names : subject.topics;
  const added = carried.filter(missing);
  if (added.length === 0) return null;
  return { question: `${followUp} (${added.join(' ')})`, note: `${aboutPrefix(carried[0]!)}${listed(carried)} :`, subject };
}

/** "À propos de Xiaomi", "À propos d’Alibaba". */
function aboutPrefix(first: string): string {
  return /^[aeiouyàâäéèêëîïôöûüh]/iu.test(first) ? 'À propos d’' : 'À propos de ';
}

/** "A", "A et B", "A, B et C". */
function listed(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} et ${names[names.length - 1]}`;
}
