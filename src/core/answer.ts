import { analyze } from './text/analyze.ts';
import { formatPublished } from './time/format-date.ts';
import { latestFirst } from './time/recency.ts';
import { isHeading, sentencesAround, splitSentences } from './text/sentences.ts';
import { holdsTerm, type CorpusView } from './retrieve.ts';
import { ANSWER_PATTERNS, expectedAnswer, type AnswerType } from './rank/answer-type.ts';
import { coverageOf, FEATURES, questionInput, sentenceFeatures, setGaps } from './rank/features.ts';
import { defaultRanker, type Ranker } from './rank/model.ts';
import type { Answer, Article, Citation, QuoteGroup, ScoredPassage } from './types.ts';

export interface AnswerOptions {
  /** Minimum share of the question's weighted terms a passage (and a quoted sentence) must hold. */
  minRelevance: number;
  maxQuotes: number;
  /** The learned ranker (its model's weights); the model-free fallback when absent. */
  ranker?: Ranker;
}

export const NOT_FOUND_ANSWER = 'Je n’ai trouvé dans le corpus aucun article qui réponde à cette question.';

/** Passages read for quotable sentences: the best few are enough and keep answers fast. */
const PASSAGES_READ = 10;
/**
 * An answer reads more passages, but at most PASSAGES_PER_ARTICLE of one article, so one long article
 * cannot fill every slot and push out the article that states the figure (issue 12).
 */
const ANSWER_PASSAGES = 20;
const PASSAGES_PER_ARTICLE = 6;
/** Quotes from one article at most, when other articles have sentences past the bar. */
const QUOTES_PER_ARTICLE = 2;
/**
 * Passages below this share of MIN_RELEVANCE (of the question's weighted terms, with their neighbours)
 * are not read for an answer: the ranker decides among the rest.
 */
const ANSWER_PASSAGE_FLOOR = 0.8;
/** Sentences below this share of the question's terms are not candidates: the ranker sorts the rest. */
const ANSWER_SENTENCE_FLOOR = 0.2;
/** Further quotes must be at least this share of the best quote's probability. */
const FOLLOWING_QUOTE_SHARE = 0.1;
/** A quote shorter than this is a heading or a caption, not a statement worth citing. */
const MIN_QUOTE_WORDS = 5;

export interface Candidate {
  article: Article;
  start: number;
  end: number;
  terms: Set<string>;
  coverage: number;
  /** What the sentence itself shows: the ranker's probability that it answers (coverage for a timeline). */
  evidence: number;
  score: number;
  /** The ranker's features of this sentence (for training and inspection). */
  features?: Float64Array;
  /**
   * The probability from the sentence's own evidence, its passage's scores set equal for all: what
   * "answers about as well" compares (passage scores are min-max normalised, so two nearly equal
   * passages can sit at 1 and 0).
   */
  own?: number;
  /** Coverage of the passage it was read from (with its neighbours): the relevance gate. */
  passageCoverage?: number;
}

/** Sentences that state one claim: the best one is quoted, the others corroborate it. */
interface Claim {
  primary: Candidate;
  /** Other articles that state the same thing: cited with the quote, not quoted again. */
  corroborating: Candidate[];
}

/** A corpus that knows near-copies (the same dispatch republished): they are cited with their original. */
export interface CopiesView {
  copiesOf(id: string): readonly Article[];
}

/**
 * Builds an extractive answer: the sentences that best answer the question, verbatim from the stored
 * article text, each with the citations that state it. It never writes a fact of its own: when
 * nothing relevant is found, it says so.
 */
export function composeAnswer(
  question: string,
  queryTerms: readonly string[],
  ranked: readonly ScoredPassage[],
  view: CorpusView & Partial<CopiesView>,
  options: AnswerOptions,
): Answer {
  const ranker = options.ranker ?? defaultRanker();
  const scored = answerCandidates(question, queryTerms, ranked, view, options, ranker);
  // Found when the model's probability that a sentence of a relevant passage answers clears the
  // threshold calibrated on off-topic questions; then the best sentences are quoted, wherever they are.
  if (!scored.some((c) => (c.passageCoverage ?? 0) > options.minRelevance && c.evidence >= ranker.threshold)) return notFound(question);
  const news = newsFirst(scored, options.minRelevance);
  const claims = groupClaims(news.order, options.maxQuotes, ranker.threshold, news.newer);
  if (claims.length === 0) return notFound(question);

  const citations: Citation[] = [];
  const quotes: QuoteGroup[] = [];
  for (const claim of claims) {
    const cited: number[] = [];
    const citedArticles = new Set<string>();
    const cite = (c: Pick<Candidate, 'article' | 'start' | 'end' | 'score'>) => {
      if (citedArticles.has(c.article.id)) return;
      citedArticles.add(c.article.id);
      cited.push(citations.length);
      citations.push(citationOf(c));
    };
    for (const c of [claim.primary, ...claim.corroborating]) {
      cite(c);
      // Near-copies are not indexed twice: each that states the sentence is cited right after its original.
      for (const copy of view.copiesOf?.(c.article.id) ?? []) {
        const span = sameSentenceIn(copy, c);
        if (span) cite({ article: copy, ...span, score: c.score });
      }
    }
    const quoted = citations[cited[0]!]!;
    quotes.push({ quote: quoted.quote, citations: cited, published: quoted.published });
  }
  return { question, found: true, answer: answerText(quotes, citations), quotes, citations };
}

/**
 * The best quotable sentence of each article that answers the question, best article first, read
 * from up to `passagesRead` relevant passages: what a timeline lists, one line per article.
 */
export function bestSentencePerArticle(
  question: string,
  queryTerms: readonly string[],
  ranked: readonly ScoredPassage[],
  view: CorpusView,
  options: { minRelevance: number; passagesRead: number },
): Candidate[] {
  const weights = view.lexical.queryWeights(queryTerms);
  const sentences = quotableSentences(ranked, weights, view, options.minRelevance, expectedAnswer(question), options.passagesRead);
  const best = new Map<string, Candidate>();
  for (const c of sentences) if (!best.has(c.article.id)) best.set(c.article.id, c);
  return [...best.values()];
}

/** The same answer with a note on top (its text says it first). */
export function withNote(answer: Answer, note: string): Answer {
  if (!answer.found) return { ...answer, note, answer: `${note}\n${answer.answer}` };
  return { ...answer, note, answer: answerText(answer.quotes, answer.citations, note) };
}

/** An answer that quotes nothing; `message` says why (nothing relevant, a refused question, no index yet). */
export function notFound(question: string, message: string = NOT_FOUND_ANSWER): Answer {
  return { question, found: false, answer: message, quotes: [], citations: [] };
}

/**
 * The plain text of a found answer (its `answer` field, what the CLI prints): one
 * `« quote » [1][2] — 15 juin 2026` line per quote group, numbers being 1-based positions in
 * `citations` and the date the quoted article's ("date inconnue" when it has none), then a blank
 * line, `Sources :` and one `[n] title — outlet — date — link` line per citation.
 */
export function answerText(quotes: readonly QuoteGroup[], citations: readonly Citation[], note?: string): string {
  const lines = quotes.map((q) => `« ${q.quote} » ${q.citations.map((i) => `[${i + 1}]`).join('')} — ${formatPublished(q.published)}`);
  const sources = citations.map((c, i) => `[${i + 1}] ${describeSource(c)}`);
  return [...(note ? [note] : []), ...lines, '', 'Sources :', ...sources].join('\n');
}

/** One line naming where a quote comes from: title, outlet, date, link (unknown parts left out). */
export function describeSource(c: Pick<Citation, 'title' | 'source' | 'published' | 'url'>): string {
  return [c.title, c.source, c.published, c.url].filter((part): part is string => !!part).join(' — ');
}

/**
 * The candidate sentences of an answer, each with the ranker's features and its probability of
 * answering (`evidence`), most probable first. Passages are read best first, at most
 * PASSAGES_PER_ARTICLE of one article, so the figure another article states is still read.
 */
export function answerCandidates(
  question: string,
  queryTerms: readonly string[],
  ranked: readonly ScoredPassage[],
  view: CorpusView,
  options: Pick<AnswerOptions, 'minRelevance'>,
  ranker: Ranker,
): Candidate[] {
  const q = questionInput(queryTerms, view.lexical.queryWeights(queryTerms), expectedAnswer(question), holdsTerm(view.lexical));
  if (q.totalWeight === 0) return [];
  const floor = ANSWER_PASSAGE_FLOOR * options.minRelevance;
  const read: { hit: ScoredPassage; rank: number }[] = [];
  const perArticle = new Map<string, number>();
  for (const [rank, hit] of ranked.entries()) {
    if (read.length >= ANSWER_PASSAGES) break;
    if (hit.coverage <= floor) continue;
    const n = perArticle.get(hit.passage.articleId) ?? 0;
    if (n >= PASSAGES_PER_ARTICLE) continue;
    perArticle.set(hit.passage.articleId, n + 1);
    read.push({ hit, rank });
  }
  const titles = new Map<string, number>();
  const seen = new Set<string>();
  const out: Candidate[] = [];
  const passageOf: number[] = [];
  for (const [i, { hit, rank }] of read.entries()) {
    const article = view.article(hit.passage.articleId);
    if (!article) continue;
    let title = titles.get(article.id);
    if (title === undefined) titles.set(article.id, (title = article.title ? coverageOf(q, new Set(analyze(article.title))) : 0));
    const slice = article.text.slice(hit.passage.start, hit.passage.end);
    for (const sentence of splitSentences(slice)) {
      const start = hit.passage.start + sentence.start;
      const end = hit.passage.start + sentence.end;
      const key = `${article.id}:${start}`;
      if (seen.has(key)) continue; // passages overlap: a sentence is considered once
      seen.add(key);
      const text = article.text.slice(start, end);
      if (text.split(/\s+/).length < MIN_QUOTE_WORDS) continue;
      const terms = analyze(text);
      const termSet = new Set(terms);
      const coverage = coverageOf(q, termSet);
      if (coverage < ANSWER_SENTENCE_FLOOR) continue;
      const features = sentenceFeatures(
        q,
        {
          text,
          terms,
          termSet,
          position: article.text.length > 0 ? start / article.text.length : 0,
          passageCoverage: hit.coverage,
          // Already min-max over the legs' candidate pools: normalising again over the few passages
          // read would put the second of two nearly equal passages at 0.
          lexical: hit.lexical,
          dense: hit.dense,
          passageRank: rank,
          titleCoverage: title,
          articleShare: perArticle.get(article.id)! / read.length,
        },
        coverage,
      );
      out.push({ article, start, end, terms: termSet, coverage, evidence: 0, score: 0, features, passageCoverage: hit.coverage });
      passageOf.push(i);
    }
  }
  let best = 0;
  const passageBest = new Map<number, number>();
  out.forEach((c, i) => {
    best = Math.max(best, c.coverage);
    passageBest.set(passageOf[i]!, Math.max(passageBest.get(passageOf[i]!) ?? 0, c.coverage));
  });
  out.forEach((c, i) => {
    setGaps(c.features!, best, passageBest.get(passageOf[i]!)!);
    c.evidence = ranker.probability(c.features!);
    c.score = c.evidence;
    c.own = ranker.probability(ownEvidence(c.features!));
  });
  return out.sort((a, b) => b.evidence - a.evidence || a.start - b.start);
}

/**
 * Passages reordered by the ranker: those holding a candidate sentence first, by their best
 * sentence's probability of answering (ties keep the retrieval order), then the others as ranked.
 */
export function rerankByAnswer(ranked: readonly ScoredPassage[], candidates: readonly Candidate[]): ScoredPassage[] {
  const best = ranked.map((p) => {
    let top = -1;
    for (const c of candidates) {
      if (c.article.id === p.passage.articleId && c.start >= p.passage.start && c.end <= p.passage.end) top = Math.max(top, c.evidence);
    }
    return top;
  });
  const order = ranked.map((_, i) => i).sort((a, b) => best[b]! - best[a]! || a - b);
  return order.map((i) => ranked[i]!);
}

/** The features with the passage-level ones (scores, rank) set as for the best passage. */
function ownEvidence(f: Float64Array): Float64Array {
  const own = Float64Array.from(f);
  for (const name of PASSAGE_FEATURES) own[FEATURES.indexOf(name)] = 1;
  return own;
}

const PASSAGE_FEATURES = ['lexical', 'dense', 'passageRank'] as const;

function quotableSentences(
  ranked: readonly ScoredPassage[],
  weights: Map<string, number>,
  view: CorpusView,
  minRelevance: number,
  expects: AnswerType | null,
  passagesRead = PASSAGES_READ,
): Candidate[] {
  let total = 0;
  for (const w of weights.values()) total += w;
  if (total === 0) return [];
  const seen = new Set<string>();
  const out: Candidate[] = [];
  for (const hit of ranked.filter((h) => h.coverage > minRelevance).slice(0, passagesRead)) {
    const article = view.article(hit.passage.articleId);
    if (!article) continue;
    for (const { start, end } of sentencesAround(article.text, hit.passage.start, hit.passage.end)) {
      const key = `${article.id}:${start}`;
      if (seen.has(key)) continue; // passages overlap: a sentence is considered once
      seen.add(key);
      const text = article.text.slice(start, end);
      if (text.split(/\s+/).length < MIN_QUOTE_WORDS || isHeading(text)) continue;
      const terms = new Set(analyze(text));
      let matched = 0;
      for (const [term, w] of weights) if (terms.has(term)) matched += w;
      const coverage = matched / total;
      // A quote must answer by itself, not only sit in a relevant passage.
      if (coverage < minRelevance / 2) continue;
      // Among sentences that match equally, prefer the focused one that holds the kind of answer asked for.
      const focus = terms.size > 0 ? matchedCount(weights, terms) / terms.size : 0;
      const typed = expects !== null && ANSWER_PATTERNS[expects].test(text) ? TYPE_BONUS : 0;
      const evidence = coverage + typed;
      out.push({ article, start, end, terms, coverage, evidence, score: evidence + 0.1 * focus + 0.25 * hit.score });
    }
  }
  return out.sort((a, b) => b.score - a.score || a.start - b.start);
}

function matchedCount(weights: Map<string, number>, terms: Set<string>): number {
  let n = 0;
  for (const term of weights.keys()) if (terms.has(term)) n++;
  return n;
}

const TYPE_BONUS = 0.2;

export { expectedAnswer };

/**
 * News changes: among sentences that answer about as well as the best one — by their own evidence
 * (the question's words they hold, the kind of answer asked for), within RECENCY_TIE of the best —
 * the most recent article's come first, so a figure that moved is quoted as it stands now and the
 * earlier ones follow with their dates. Undated articles are never taken for the latest, and a
 * clearly better sentence keeps its place whatever its age. Passage scores are left out of the
 * comparison: min-max normalised over the candidates, two nearly equal passages can sit at 1 and 0.
 */
function newsFirst(candidates: Candidate[], minRelevance: number): { order: Candidate[]; newer: Set<Candidate> } {
  // The band is read from the sentence's own evidence — its coverage, and the kind of answer asked for
  // (RECENCY_TIE was tuned on that) — while the order outside the band is the ranker's.
  const typed = FEATURES.indexOf('typed');
  const dated = candidates.map((c) => ({
    c,
    articleId: c.article.id,
    published: c.article.published,
    // Only sentences of passages past the relevance gate can be moved ahead for being recent: the
    // ranker reads weaker passages too, and a recent article that merely names the subject would win.
    score: (c.passageCoverage ?? 1) <= minRelevance ? -Infinity : c.features ? c.coverage + TYPE_BONUS * c.features[typed]! : c.evidence,
  }));
  const order = latestFirst(dated, { tie: RECENCY_TIE }).map((d) => d.c);
  // Sentences the band moved ahead of the ranker's best because they are more recent: the update
  // of the figure it states, quoted even when the ranker rates it well below the best.
  const top = candidates[0]?.article.published?.slice(0, 10) ?? null;
  const newer = new Set<Candidate>();
  for (const c of order) {
    if (c === candidates[0]) break;
    const day = c.article.published?.slice(0, 10) ?? null;
    if (day !== null && (top === null || day > top)) newer.add(c);
  }
  return { order, newer };
}

/** Relative evidence margin within which two sentences count as answering equally well (tuned on tests/fixtures/dated-questions.json). */
export const RECENCY_TIE = 0.15;

function groupClaims(candidates: Candidate[], maxQuotes: number, threshold: number, newer: ReadonlySet<Candidate> = new Set()): Claim[] {
  const groups: Claim[] = [];
  let best = 0;
  let bestOwn = 0;
  for (const c of candidates) {
    best = Math.max(best, c.evidence);
    bestOwn = Math.max(bestOwn, c.own ?? c.evidence);
  }
  const bar = Math.max(threshold, FOLLOWING_QUOTE_SHARE * best);
  // A sentence that answers as well by its own evidence (passage scores set equal: min-max puts the
  // third of three near-equal passages at 0) passes too.
  const past = (c: Candidate) => c.evidence >= bar || (c.own ?? 0) >= Math.max(threshold, FOLLOWING_QUOTE_SHARE * bestOwn);
  const held: Candidate[] = [];
  for (const c of candidates) {
    const same = groups.find((g) => sameClaim(g.primary, c));
    if (same) {
      const cited = [same.primary, ...same.corroborating].some((x) => x.article.id === c.article.id);
      if (!cited) same.corroborating.push(c);
      continue;
    }
    // Sentences much less likely to answer than the best one add noise, not information; and one
    // article does not take every slot while another has a sentence past the bar.
    const fromArticle = groups.filter((g) => g.primary.article.id === c.article.id).length;
    if (groups.length < maxQuotes && (past(c) || newer.has(c))) {
      if (fromArticle < QUOTES_PER_ARTICLE) groups.push({ primary: c, corroborating: [] });
      else held.push(c);
    }
  }
  // Slots no other article took go back to the article's next sentences, in rank order.
  for (const c of held) {
    if (groups.length >= maxQuotes) break;
    if (!groups.some((g) => sameClaim(g.primary, c))) groups.push({ primary: c, corroborating: [] });
  }
  groups.sort((a, b) => candidates.indexOf(a.primary) - candidates.indexOf(b.primary));
  return groups;
}

/**
 * Where a near-copy states a quoted sentence: the same words if it kept them, else its sentence that
 * states the same thing (lightly edited), else null — the copy dropped or changed it and is not cited.
 */
function sameSentenceIn(copy: Article, c: Candidate): { start: number; end: number } | null {
  const quote = c.article.text.slice(c.start, c.end);
  const at = copy.text.indexOf(quote);
  if (at >= 0) return { start: at, end: at + quote.length };
  let best: { start: number; end: number; similarity: number } | null = null;
  for (const span of splitSentences(copy.text)) {
    const terms = new Set(analyze(copy.text.slice(span.start, span.end)));
    const similarity = claimSimilarity(c.terms, terms);
    if (similarity !== null && (best === null || similarity > best.similarity)) best = { ...span, similarity };
  }
  return best && { start: best.start, end: best.end };
}

/**
 * Two sentences state the same thing when they share most content terms, or a number and several
 * terms — never when each gives a figure the other does not (200 jobs then 450: the story moved).
 */
function sameClaim(a: Candidate, b: Candidate): boolean {
  return claimSimilarity(a.terms, b.terms) !== null;
}

/** How alike two sentences' terms are when they state the same thing (see sameClaim), else null. */
function claimSimilarity(a: Set<string>, b: Set<string>): number | null {
  if (differentFigures(a, b)) return null;
  let shared = 0;
  let sharedNumber = false;
  for (const t of a) {
    if (!b.has(t)) continue;
    shared++;
    if (/^\d{2,}$/.test(t)) sharedNumber = true;
  }
  const similarity = shared / Math.max(1, Math.min(a.size, b.size));
  return similarity >= 0.6 || (sharedNumber && similarity >= 0.3) ? similarity : null;
}

function differentFigures(a: Set<string>, b: Set<string>): boolean {
  const figures = (terms: Set<string>) => [...terms].filter((t) => /\d/.test(t));
  const fa = figures(a);
  const fb = figures(b);
  return fa.some((t) => !b.has(t)) && fb.some((t) => !a.has(t));
}

export function citationOf(c: Pick<Candidate, 'article' | 'start' | 'end' | 'score'>): Citation {
  return {
    articleId: c.article.id,
    title: c.article.title ?? openingWords(c.article.text),
    source: c.article.source,
    url: c.article.url,
    published: c.article.published,
    quote: c.article.text.slice(c.start, c.end),
    score: Math.round(c.score * 1e4) / 1e4,
  };
}

/** An untitled article is named by its own first words, never by a title we would make up. */
function openingWords(text: string, max = 80): string {
  const line = text.split('\n', 1)[0] ?? '';
  if (line.length <= max) return line;
  const cut = line.slice(0, max);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 1))}…`;
}
