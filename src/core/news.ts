/**
 * Answers about time rather than about a fact: "quoi de neuf sur X" (the latest articles about X,
 * newest first, each quoted by its opening sentence) and a timeline (one dated quote per article
 * about a subject, oldest first). Pure: the caller ranks passages and passes the corpus view.
 */
import { answerText, bestSentencePerArticle, citationOf, notFound } from './answer.ts';
import type { CorpusView } from './retrieve.ts';
import { splitSentences } from './text/sentences.ts';
import type { DateWindow } from './time/calendar.ts';
import { chronological, inWindow, newestFirst } from './time/recency.ts';
import type { Answer, Article, Citation, QuoteGroup, ScoredPassage } from './types.ts';

export interface NewsOptions {
  minRelevance: number;
  /** Only articles published in this window (null: any date). */
  window: DateWindow | null;
  /** How many articles at most. */
  limit: number;
}

export const NO_NEWS = 'Je n’ai trouvé dans le corpus aucun article sur ce sujet.';

/** One line of a timeline: an article's best sentence on the subject, with its date. */
export interface TimelineEntry {
  published: string | null;
  quote: string;
  citation: Citation;
}

export interface Timeline {
  subject: string;
  found: boolean;
  /** Why nothing is listed (found: false). */
  message: string | null;
  /** Oldest first; undated articles last. */
  entries: TimelineEntry[];
  /** Articles about the subject beyond `limit`, left out. */
  omitted: number;
}

/** Passages read to find every article on a subject (a timeline wants them all, not the best six). */
const PASSAGES_FOR_SUBJECT = 200;
/** An opening sentence shorter than this is a dateline or a caption: the next one is quoted. */
const MIN_OPENING_WORDS = 5;

/**
 * "Quoi de neuf sur X ?": the articles about X (some passage holds more than `minRelevance` of the
 * question's weighted words), newest first, undated last, each quoted by its opening sentence. With
 * no subject words at all ("Quoi de neuf ?"), the newest articles of the corpus.
 */
export function composeLatestNews(
  question: string,
  queryTerms: readonly string[],
  ranked: readonly ScoredPassage[],
  view: CorpusView,
  options: NewsOptions & { everyArticle: () => Iterable<Article> },
): Answer {
  const about =
    queryTerms.length === 0
      ? [...options.everyArticle()]
      : unique(ranked.filter((h) => h.coverage > options.minRelevance).map((h) => view.article(h.passage.articleId)));
  const latest = newestFirst(about.filter((a) => inWindow(a.published, options.window))).slice(0, options.limit);
  const quotes: QuoteGroup[] = [];
  const citations: Citation[] = [];
  for (const article of latest) {
    const opening = openingSentence(article);
    if (!opening) continue;
    quotes.push({ quote: article.text.slice(opening.start, opening.end), citations: [citations.length], published: article.published });
    citations.push(citationOf({ article, ...opening, score: 0 }));
  }
  if (quotes.length === 0) return notFound(question, NO_NEWS);
  return { question, found: true, answer: answerText(quotes, citations), quotes, citations };
}

/** Every article about a subject, one dated quote each (its best sentence on it), oldest first. */
export function composeTimeline(
  subject: string,
  queryTerms: readonly string[],
  ranked: readonly ScoredPassage[],
  view: CorpusView,
  options: NewsOptions,
): Timeline {
  const about = bestSentencePerArticle(subject, queryTerms, ranked, view, {
    minRelevance: options.minRelevance,
    passagesRead: PASSAGES_FOR_SUBJECT,
  }).filter((c) => inWindow(c.article.published, options.window));
  // The most relevant articles are kept when there are too many; then they are put in date order.
  const kept = about.slice(0, options.limit);
  const entries = chronological(
    kept.map((c) => {
      const citation = citationOf(c);
      return { published: c.article.published, quote: citation.quote, citation };
    }),
  );
  if (entries.length === 0) return { subject, found: false, message: NO_NEWS, entries: [], omitted: 0 };
  return { subject, found: true, message: null, entries, omitted: about.length - entries.length };
}

/** The article's first sentence that reads as a statement (a dateline or a caption is skipped). */
function openingSentence(article: Article): { start: number; end: number } | null {
  for (const span of splitSentences(article.text)) {
    const text = article.text.slice(span.start, span.end);
    if (text.split(/\s+/).length >= MIN_OPENING_WORDS) return span;
  }
  return null;
}

function unique(articles: (Article | undefined)[]): Article[] {
  const seen = new Map<string, Article>();
  for (const a of articles) if (a && !seen.has(a.id)) seen.set(a.id, a);
  return [...seen.values()];
}
