/**
 * The question side of the application: every way of asking (an answer, an answer with timings, an
 * answer with its ranked passages, passages alone) goes through one retrieval, so what the evaluation
 * scores and what /sources shows is exactly what members are answered from.
 */
import { answerCandidates, composeAnswer, rerankByAnswer, NOT_FOUND_ANSWER, notFound, withNote } from '../core/answer.ts';
import { rankerFor, type Ranker } from '../core/rank/model.ts';
import { composeLatestNews, composeTimeline, type Timeline } from '../core/news.ts';
import { checkQuestion } from '../core/question.ts';
import { holdsTerm, retrieve } from '../core/retrieve.ts';
import { analyzeQuestion } from '../core/text/analyze.ts';
import type { DateWindow } from '../core/time/calendar.ts';
import { describePeriod } from '../core/time/format-date.ts';
import { readQuestionTime, type TimeIntent } from '../core/time/question-time.ts';
import { inWindow } from '../core/time/recency.ts';
import type { Answer, ScoredPassage } from '../core/types.ts';
import type { RetrievalConfig } from '../config.ts';
import type { Embedder } from '../embed/embedder.ts';
import type { CopiesView } from '../core/answer.ts';
import type { CorpusView } from '../core/retrieve.ts';
import type { Article } from '../core/types.ts';

/**
 * What questions are answered from: one committed snapshot (IndexSnapshot), or several libraries'
 * snapshots seen as one (app/libraries.ts), so composing and quoting are the same code for both.
 */
export interface AnswerView extends CorpusView, CopiesView {
  readonly manifest: { readonly model: string };
  allArticles(): Iterable<Article>;
  hasPublishedWithin(window: DateWindow): boolean;
  readonly hasDatedArticles: boolean;
}

/** How to ask: a follow-up is first answered from the articles its earlier answer cited. */
export interface AskOptions {
  /** Quote only these articles (ids); nothing found when none of them answers. */
  within?: ReadonlySet<string>;
}

export interface AskTimings {
  embedMs: number;
  searchMs: number;
  composeMs: number;
}

export interface FoundPassage {
  articleId: string;
  title: string | null;
  source: string | null;
  url: string | null;
  published: string | null;
  text: string;
  score: number;
}

/** A candidate sentence with the ranker's features (what `npm run train-ranker` learns from). */
export interface RankedCandidate {
  articleId: string;
  start: number;
  end: number;
  features: number[];
  probability: number;
}

/** A ranked passage as the evaluation harness sees it: where it sits in its article's stored text. */
export interface RankedPassage {
  articleId: string;
  start: number;
  end: number;
  score: number;
  coverage: number;
}

export interface QuestionsOptions {
  retrieval: RetrievalConfig;
  /** The model questions are embedded with; an index built with another one is searched lexically only. */
  modelId: string;
  /** The snapshot to answer from, read once per question. */
  snapshot: () => AnswerView | null;
  loadEmbedder: () => Promise<Embedder>;
  /** Today, for relative periods ("hier", "la semaine dernière"); tests fix it. */
  now: () => Date;
}

/** What one retrieval gives: a refused question, no index yet, or passages ranked from one snapshot. */
type Retrieval =
  | { kind: 'refused'; message: string }
  | { kind: 'not-indexed'; question: string }
  | {
      kind: 'ranked';
      question: string;
      snapshot: AnswerView;
      terms: string[];
      ranked: ScoredPassage[];
      timings: AskTimings;
      /** The publication period the question asks about, when the corpus has articles published in it. */
      period: DateWindow | null;
      /** A period the question asks about in which nothing was published. */
      unmatched: DateWindow | null;
      /** The question without its time words, and its vector (a second look when `unmatched`). */
      content: string;
      vector: Float32Array | null;
      intent: TimeIntent;
    };

const NOT_INDEXED_ANSWER = 'Le corpus n’est pas encore indexé : un administrateur doit lancer une indexation.';
const NOT_INDEXED_SOURCES = 'Le corpus n’est pas encore indexé.';
/** "Quoi de neuf" lists at most this many articles; a timeline at most TIMELINE_LIMIT. */
const LATEST_NEWS_LIMIT = 5;
const TIMELINE_LIMIT = 25;
/** Passages each leg returns when a question is about every article on a subject, not the best few. */
const SUBJECT_CANDIDATES = 200;

export class Questions {
  private embedder: Promise<Embedder> | null = null;

  constructor(private readonly options: QuestionsOptions) {}

  /** Starts loading the query model now (a front end about to answer); a failure surfaces on the first question. */
  warmUp(): void {
    this.queryEmbedder().catch(() => undefined);
  }

  /** Answers a question and says where the time went (for benchmarks and logs). */
  async askTimed(rawQuestion: string, options: AskOptions = {}): Promise<{ answer: Answer; timings: AskTimings }> {
    const { within } = options;
    // Within a few articles, look past the best few passages of the whole corpus.
    const r = await this.retrieveFor(rawQuestion, within ? SUBJECT_CANDIDATES : 0);
    if (r.kind !== 'ranked') return { answer: unanswered(rawQuestion, r), timings: noTime() };
    if (within) r.ranked = r.ranked.filter((p) => within.has(p.passage.articleId));
    return { answer: this.compose(r), timings: r.timings };
  }

  /** The answer and the first `limit` ranked passages it was composed from. */
  async askRanked(
    rawQuestion: string,
    limit: number,
    withCandidates = false,
  ): Promise<{ answer: Answer; ranked: RankedPassage[]; timings: AskTimings; candidates?: RankedCandidate[] }> {
    const r = await this.retrieveFor(rawQuestion);
    if (r.kind !== 'ranked') return { answer: unanswered(rawQuestion, r), ranked: [], timings: noTime(), ...(withCandidates ? { candidates: [] } : {}) };
    const answer = this.compose(r);
    const scored = answerCandidates(r.question, r.terms, r.ranked, r.snapshot, this.options.retrieval, this.rankerOf(r));
    const candidates = withCandidates
      ? scored.map((c) => ({ articleId: c.article.id, start: c.start, end: c.end, features: Array.from(c.features!), probability: c.evidence }))
      : undefined;
    const ranked = rerankByAnswer(r.ranked, scored).slice(0, limit).map((p) => ({
      articleId: p.passage.articleId,
      start: p.passage.start,
      end: p.passage.end,
      score: p.score,
      coverage: p.coverage,
    }));
    return { answer, ranked, timings: r.timings, ...(candidates ? { candidates } : {}) };
  }

  /** The passages that best match a question, without composing an answer (Discord's /sources). */
  async findPassages(rawQuestion: string, limit: number): Promise<{ found: boolean; message: string | null; passages: FoundPassage[] }> {
    const r = await this.retrieveFor(rawQuestion);
    if (r.kind === 'refused') return { found: false, message: r.message, passages: [] };
    if (r.kind === 'not-indexed') return { found: false, message: NOT_INDEXED_SOURCES, passages: [] };
    const scored = answerCandidates(r.question, r.terms, r.ranked, r.snapshot, this.options.retrieval, this.rankerOf(r));
    const relevant = rerankByAnswer(r.ranked, scored)
      .filter((p) => p.coverage > this.options.retrieval.minRelevance && this.inPeriod(r, p))
      .slice(0, limit);
    const passages = relevant.map((p) => {
      const a = r.snapshot.article(p.passage.articleId)!;
      return {
        articleId: a.id,
        title: a.title,
        source: a.source,
        url: a.url,
        published: a.published,
        text: a.text.slice(p.passage.start, p.passage.end),
        score: Math.round(p.score * 1e4) / 1e4,
      };
    });
    return { found: passages.length > 0, message: passages.length > 0 ? null : NOT_FOUND_ANSWER, passages };
  }

  /** The dated quotes about a subject, oldest first, one per article (/timeline, `npm run timeline`). */
  async timeline(rawSubject: string): Promise<Timeline> {
    const r = await this.retrieveFor(rawSubject, SUBJECT_CANDIDATES);
    if (r.kind === 'refused') return { subject: rawSubject, found: false, message: r.message, entries: [], omitted: 0 };
    if (r.kind === 'not-indexed') return { subject: r.question, found: false, message: NOT_INDEXED_SOURCES, entries: [], omitted: 0 };
    return composeTimeline(r.question, r.terms, r.ranked, r.snapshot, {
      minRelevance: this.options.retrieval.minRelevance,
      window: r.period,
      limit: TIMELINE_LIMIT,
    });
  }

  async close(): Promise<void> {
    const embedder = await this.embedder?.catch(() => null);
    await embedder?.close();
    this.embedder = null;
  }

  /**
   * The one retrieval path: check the question → read its time (a period, "quoi de neuf") → embed
   * what it asks about → rank passages of the current snapshot.
   */
  private async retrieveFor(rawQuestion: string, minCandidates = 0): Promise<Retrieval> {
    const check = checkQuestion(rawQuestion);
    if (!check.ok) return { kind: 'refused', message: check.message };
    const { question } = check;
    const snapshot = this.options.snapshot();
    if (!snapshot) return { kind: 'not-indexed', question };
    const timings = noTime();
    const time = readQuestionTime(question, this.options.now());
    // A period filters only when the corpus has articles published in it. Otherwise its words are
    // searched like the others: in an undated corpus (an encyclopedia) "en 1715" is what the question
    // is about, and a member asking about a day nothing was published is answered from the nearest
    // articles, told so (`unmatched`).
    const period = time.window !== null && snapshot.hasPublishedWithin(time.window) ? time.window : null;
    const unmatched = time.window !== null && period === null && snapshot.hasDatedArticles ? time.window : null;
    const intent = time.intent === 'whats-new' || period !== null ? time.intent : 'none';
    const searched = intent === 'none' ? question : time.content;
    const terms = analyzeQuestion(searched, holdsTerm(snapshot.lexical));
    // "Quoi de neuf" looks past the best few passages: every article on the subject is a candidate.
    const wide = intent === 'whats-new' ? SUBJECT_CANDIDATES : minCandidates;
    let vector: Float32Array | null = null;
    const { denseWeight } = this.options.retrieval;
    const candidates = Math.max(this.options.retrieval.candidates, wide);
    // Vectors of another model live in another space: without a matching index, lexical only.
    if (denseWeight > 0 && terms.length > 0 && snapshot.manifest.model === this.options.modelId) {
      const t = performance.now();
      const embedder = await this.queryEmbedder();
      [vector] = (await embedder.embed([searched], 'query')) as [Float32Array];
      timings.embedMs = performance.now() - t;
    }
    const t = performance.now();
    const ranked = retrieve(snapshot, terms, vector, { denseWeight, candidates });
    timings.searchMs = performance.now() - t;
    return { kind: 'ranked', question, snapshot, terms, ranked, timings, period, unmatched, intent, content: time.content, vector };
  }

  private compose(r: Extract<Retrieval, { kind: 'ranked' }>): Answer {
    const t = performance.now();
    const { minRelevance } = this.options.retrieval;
    const options = { minRelevance, maxQuotes: this.options.retrieval.maxQuotes, ranker: this.rankerOf(r) };
    let answer: Answer;
    if (r.intent === 'whats-new') {
      answer = composeLatestNews(r.question, r.terms, r.ranked, r.snapshot, {
        minRelevance,
        window: r.period,
        limit: LATEST_NEWS_LIMIT,
        everyArticle: () => r.snapshot.allArticles(),
      });
    } else if (r.period !== null) {
      // A named period restricts the answer to articles published in it, and says so when none answers.
      const inPeriod = r.ranked.filter((p) => this.inPeriod(r, p));
      answer = composeAnswer(r.question, r.terms, inPeriod, r.snapshot, options);
      if (!answer.found) answer = notFound(r.question, `Je n’ai trouvé aucun article publié ${describePeriod(r.period)} qui réponde à cette question.`);
    } else {
      answer = composeAnswer(r.question, r.terms, r.ranked, r.snapshot, options);
      if (r.unmatched !== null) {
        // Nothing was published then: the time words, searched as content, may be what keeps the
        // articles that do answer below the bar — look again without them.
        if (!answer.found) {
          const terms = analyzeQuestion(r.content, holdsTerm(r.snapshot.lexical));
          const ranked = retrieve(r.snapshot, terms, r.vector, { denseWeight: this.options.retrieval.denseWeight, candidates: this.options.retrieval.candidates });
          answer = composeAnswer(r.question, terms, ranked, r.snapshot, options);
        }
        if (answer.found) answer = withNote(answer, `Aucun article du corpus n’a été publié ${describePeriod(r.unmatched)} ; voici les plus proches, avec leur date.`);
      }
    }
    r.timings.composeMs = performance.now() - t;
    return answer;
  }

  /** The ranker trained for the query model when the question was embedded with it; else the lexical fallback. */
  private rankerOf(r: Extract<Retrieval, { kind: 'ranked' }>): Ranker {
    return rankerFor(this.options.modelId, r.vector !== null);
  }

  private inPeriod(r: Extract<Retrieval, { kind: 'ranked' }>, p: ScoredPassage): boolean {
    return inWindow(r.snapshot.article(p.passage.articleId)?.published ?? null, r.period);
  }

  private queryEmbedder(): Promise<Embedder> {
    if (!this.embedder) {
      const loading = this.options.loadEmbedder();
      this.embedder = loading;
      loading.catch(() => {
        if (this.embedder === loading) this.embedder = null; // let the next question try again
      });
    }
    return this.embedder;
  }
}

/** The answer to a question that was refused, or asked before anything was indexed. */
function unanswered(rawQuestion: string, r: Exclude<Retrieval, { kind: 'ranked' }>): Answer {
  if (r.kind === 'refused') return notFound(rawQuestion, r.message);
  return notFound(r.question, NOT_INDEXED_ANSWER);
}

function noTime(): AskTimings {
  return { embedMs: 0, searchMs: 0, composeMs: 0 };
}

