/** The evaluation harness's own pieces: sampling, article deduplication, the files it ingests. */
import { describe, expect, it } from 'vitest';
import { parseArticle } from '../src/core/article.ts';
import { cleanArticleText } from '../src/core/text/clean.ts';
import { articleMarkdown, sampleArticles, type EvalDataset } from '../src/eval/datasets.ts';
import { dedupeArticles, sample } from '../src/eval/harness.ts';

describe('sample', () => {
  it('takes evenly spaced items, the same ones every time', () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    expect(sample(items, 4)).toEqual([0, 25, 50, 75]);
    expect(sample(items, 4)).toEqual(sample(items, 4));
  });

  it('keeps everything when the limit is not smaller than the list, or absent', () => {
    expect(sample([1, 2, 3], 5)).toEqual([1, 2, 3]);
    expect(sample([1, 2, 3], null)).toEqual([1, 2, 3]);
  });
});

describe('dedupeArticles', () => {
  it("keeps each article's best passage, in rank order", () => {
    const p = (articleId: string, start: number) => ({ articleId, start, end: start + 10, score: 1, coverage: 1 });
    const ranked = [p('a', 0), p('b', 0), p('a', 20), p('c', 0), p('b', 30)];
    expect(dedupeArticles(ranked).map((x) => `${x.articleId}:${x.start}`)).toEqual(['a:0', 'b:0', 'c:0']);
  });
});

describe('sampleArticles', () => {
  const data: EvalDataset = {
    name: 'orangesum',
    articles: Array.from({ length: 10 }, (_, i) => ({ id: `d${i}`, title: null, source: null, url: null, published: null, body: 'x' })),
    queries: Array.from({ length: 10 }, (_, i) => ({ id: `q${i}`, text: 'q', split: i < 6 ? 'dev' : 'test', goldArticle: `d${i}` }) as const),
  };

  it('keeps half dev and half test articles, and only their queries', () => {
    const small = sampleArticles(data, 4);
    expect(small.articles.map((a) => a.id)).toEqual(['d0', 'd3', 'd6', 'd8']);
    expect(small.queries.map((q) => q.goldArticle)).toEqual(['d0', 'd3', 'd6', 'd8']);
  });
});

describe('articleMarkdown', () => {
  it('writes a file the project parses back to the same title and body, the text kept verbatim', () => {
    const body = "Le Ministère de la Jeunesse et des Sports estime à 100 000 le nombre de salariés.\n\nL'État dépense 3,2 milliards d'euros : « beaucoup ».";
    const file = articleMarkdown({ id: 'piaf-a000', title: 'Sport : "tout" savoir', source: 'Wikipédia', url: null, published: null, body }, true);
    const parsed = parseArticle('piaf-a000.md', Buffer.from(file));
    expect(parsed.meta.title).toBe('Sport : "tout" savoir');
    expect(parsed.meta.source).toBe('Wikipédia');
    expect(cleanArticleText(parsed.body).text).toContain(body.split('\n\n')[1]);
    expect(cleanArticleText(parsed.body).text).toContain(body.split('\n\n')[0]);
  });
});
