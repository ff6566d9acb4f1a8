/** Shared shapes of the core pipeline: corpus → passages → embeddings → index → retrieval → answer. */

/** A character range [start, end) in an article's stored text. */
export interface Span {
  start: number;
  end: number;
}

/** Metadata an article declares about itself. Unknown fields stay null: we never invent them. */
export interface ArticleMeta {
  title: string | null;
  /** The outlet (newspaper, site, agency). */
  source: string | null;
  url: string | null;
  /** ISO 8601 date (YYYY-MM-DD) when known. */
  published: string | null;
  language: string | null;
}

/** An article as indexed: its cleaned text is what quotes are taken from, character for character. */
export interface Article extends ArticleMeta {
  id: string;
  /** Path of the file relative to the corpus folder. */
  path: string;
  text: string;
}

/** A passage: a run of whole sentences of one article, sized for the embedding model. */
export interface Passage extends Span {
  articleId: string;
  /** Position of the passage within its article (0-based). */
  ord: number;
}

/** A passage found for a question, with the scores that ranked it. */
export interface ScoredPassage {
  label: number;
  passage: Passage;
  score: number;
  lexical: number;
  dense: number;
  /** Share (0..1) of the question's weighted content terms that the passage contains. */
  coverage: number;
}

export interface Citation {
  articleId: string;
  title: string;
  source: string | null;
  url: string | null;
  published: string | null;
  /** Verbatim substring of the article's stored text. */
  quote: string;
  score: number;
}

/**
 * One statement of the answer: a verbatim quote and every citation that states it (the first is the
 * article quoted; the others are articles that say the same thing, each with its own quote).
 */
export interface QuoteGroup {
  /** Verbatim text of the quoted sentence: the `quote` of its first citation. */
  quote: string;
  /** 0-based indices into `Answer.citations`, the quoted article's first. Never empty. */
  citations: number[];
  /** Publication date (YYYY-MM-DD) of the quoted article, or null when it is unknown. */
  published: string | null;
}

export interface Answer {
  question: string;
  found: boolean;
  /**
   * The answer as plain text (the CLI's output and the JSON contract's `answer`): when found, rendered
   * from `quotes` and `citations` by `answerText`; when not, the message saying why.
   */
  answer: string;
  /** The answer's statements in order; empty when nothing was found. Front ends render from these. */
  quotes: QuoteGroup[];
  citations: Citation[];
  /** What the member should know before the quotes (e.g. nothing was published in the period asked about). */
  note?: string;
}
