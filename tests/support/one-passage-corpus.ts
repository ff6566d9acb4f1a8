import { Bm25Index } from '../../src/core/bm25.ts';
import type { CorpusView } from '../../src/core/retrieve.ts';
import { analyze } from '../../src/core/text/analyze.ts';
import type { Article, Passage } from '../../src/core/types.ts';

/** A corpus where each article is one passage, with no dense leg: answer composition on its own. */
export function onePassageCorpus(articles: Article[]): CorpusView {
  const byId = new Map(articles.map((a) => [a.id, a]));
  const passages = new Map<number, Passage>();
  const lexical = new Bm25Index();
  articles.forEach((a, i) => {
    passages.set(i + 1, { articleId: a.id, ord: 0, start: 0, end: a.text.length });
    lexical.add(i + 1, analyze(a.text));
  });
  return { article: (id) => byId.get(id), passage: (label) => passages.get(label), lexical, dense: { search: () => [] } };
}
