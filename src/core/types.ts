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

export interface Answer {
  question: string;
  found: boolean;
  answer: string;
  citations: Citation[];
}
