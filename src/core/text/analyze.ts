/**
 * The lexical (BM25) analyzer: French first (elisions, stop words, Snowball stemming) but harmless on
 * other languages, whose words pass through lowercased. Index and questions must use the same one.
 */
import snowball from 'snowball-stemmers';
import { looksEnglish, toFrenchWords } from './english.ts';

/** Snowball's French stop list (snowball.tartarus.org/algorithms/french/stop.txt, with its later additions). */
const SNOWBALL_FRENCH = `
au aux avec ce ces dans de des du elle en et eux il je la le leur lui ma mais me même mes moi mon ne nos
notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous
c d j l à m n s t y
été étée étées étés étant suis es est sommes êtes sont serai seras sera serons serez seront serais serait
serions seriez seraient étais était étions étiez étaient fus fut fûmes fûtes furent sois soit soyons soyez
soient fusse fusses fût fussions fussiez fussent
ayant eu eue eues eus ai as avons avez ont aurai auras aura aurons aurez auront aurais aurait aurions
auriez auraient avais avait avions aviez avaient eut eûmes eûtes eurent aie aies ait ayons ayez aient
eusse eusses eût eussions eussiez eussent
ceci cela celà cet cette ici ils les leurs quel quels quelle quelles sans soi`;

/** Question words: they say what is asked, not what the answer is about. */
const QUESTION_WORDS = `quel quelle quels quelles lequel laquelle lesquels lesquelles combien comment pourquoi où
quand qui que quoi`;

/**
 * Forms of the verbs that carry tense or mood in front of the verb that says something (aller, devoir,
 * pouvoir, falloir: "va créer", "doit ouvrir", "devait coûter"): like être and avoir in the Snowball
 * list, they say when or how likely, not what about. Rare in articles, they would otherwise weigh most
 * in a question ("Combien va coûter le tram ?") while the article writes "coûtera".
 */
const AUXILIARIES = `vais vas va allons allez vont allait allaient ira iront irait iraient
dois doit devons devez doivent devait devaient devra devront devrait devraient
peux peut pouvons pouvez peuvent pouvait pouvaient pourra pourront pourrait pourraient
faut fallait faudra faudrait`;

const ENGLISH = `the a an of to in on and or is are was were did do does how many much what which who whom whose
why when where this that these those it its be been by for with from at as
will would shall should can could might must has have had`;

/** Elided words, dropped when an apostrophe follows them (l'accord → accord). */
const ELISIONS = new Set(['l', 'd', 'j', 'qu', 'n', 's', 'c', 'm', 't', 'jusqu', 'lorsqu', 'puisqu', 'quoiqu']);

const stripAccents = (word: string): string => word.normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC');

// Accent-free spellings too, since questions are often typed without accents ("ou", "meme").
const STOP_WORDS = new Set(
  `${SNOWBALL_FRENCH} ${QUESTION_WORDS} ${AUXILIARIES} ${ENGLISH}`
    .split(/\s+/)
    .filter((w) => w !== '')
    .flatMap((w) => [w, stripAccents(w)]),
);

export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word.normalize('NFC').toLowerCase());
}

const stemmer = snowball.newStemmer('french');
/** Stemming is the hot path of indexing: remember results, within bounds. */
const STEM_CACHE_LIMIT = 200_000;
const stemCache = new Map<string, string>();

function stem(word: string): string {
  let term = stemCache.get(word);
  if (term === undefined) {
    // Words with digits are names and numbers (Mi 4s, A320, 5G): the stemmer would cut "4s" to "4".
    term = stripAccents(/\p{N}/u.test(word) ? word : stemmer.stem(word));
    if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
    stemCache.set(word, term);
  }
  return term;
}

/** Digit groups "1 500", "60 000", "1 000 000" (space, no-break or narrow no-break space) written as one number. */
const DIGIT_GROUPS = /(?<!\p{N})\p{N}{1,3}(?:[ \u00A0\u202F\u2009]\p{N}{3})+(?!\p{N})/gu;
const TOKEN = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*/gu;

/** Terms of `text`, in order, repeats kept (BM25 counts them). */
export function analyze(text: string): string[] {
  const normalized = text
    .normalize('NFC')
    .toLowerCase()
    .replace(/[’ʼ`´]/g, "'")
    .replace(DIGIT_GROUPS, (group) => group.replace(/[ \u00A0\u202F\u2009]/g, ''));
  const terms: string[] = [];
  for (const match of normalized.matchAll(TOKEN)) {
    const word = match[0];
    if (normalized[match.index + word.length] === "'" && ELISIONS.has(word)) continue;
    if (STOP_WORDS.has(word)) continue;
    terms.push(stem(word));
  }
  return terms;
}

/**
 * Terms of a member's question. An English question about French articles is first put into the
 * French words the articles use (./english.ts), so that the lexical leg can match it; names and
 * numbers pass unchanged. French questions are analysed as they are. `indexed` says whether the
 * index holds a term: a word is then kept in English when only English articles use it.
 */
export function analyzeQuestion(question: string, indexed?: (term: string) => boolean): string[] {
  if (!looksEnglish(question)) return analyze(question);
  const keepEnglish = indexed
    ? (english: string, french: string) => !analyze(french).some(indexed) && analyze(english).some(indexed)
    : undefined;
  return analyze(toFrenchWords(question, keepEnglish));
}
