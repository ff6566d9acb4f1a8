import { describe, expect, it } from 'vitest';
import { composeAnswer, expectedAnswer, NOT_FOUND_ANSWER } from '../src/core/answer.ts';
import { Bm25Index } from '../src/core/bm25.ts';
import { retrieve, type CorpusView } from '../src/core/retrieve.ts';
import { analyze } from '../src/core/text/analyze.ts';
import type { Article, Passage } from '../src/core/types.ts';

function article(id: string, text: string, meta: Partial<Article> = {}): Article {
  return { id, path: `${id}.md`, text, title: null, source: null, url: null, published: null, language: 'fr', ...meta };
}

/** A corpus where each article is one passage, with no dense leg. */
function corpus(articles: Article[]): CorpusView {
  const byId = new Map(articles.map((a) => [a.id, a]));
  const passages = new Map<number, Passage>();
  const lexical = new Bm25Index();
  articles.forEach((a, i) => {
    passages.set(i + 1, { articleId: a.id, ord: 0, start: 0, end: a.text.length });
    lexical.add(i + 1, analyze(a.text));
  });
  return { article: (id) => byId.get(id), passage: (label) => passages.get(label), lexical, dense: { search: () => [] } };
}

function ask(view: CorpusView, question: string, maxQuotes = 3) {
  const terms = analyze(question);
  const ranked = retrieve(view, terms, null, { denseWeight: 0, candidates: 20 });
  return composeAnswer(question, terms, ranked, view, { minRelevance: 0.5, maxQuotes });
}

const A = article(
  'a',
  'Microsoft vient de vendre 1 500 brevets au chinois Xiaomi avec la signature d’un partenariat stratégique. ' +
    'Le fabricant de smartphones s’est bien développé au sein de l’Empire du Milieu.',
  { title: 'Xiaomi signe un accord avec Microsoft', source: 'Le Journal', published: '2016-06-01', url: 'https://example.org/a' },
);
const B = article(
  'b',
  'Selon nos informations, Xiaomi acquiert environ 1 500 brevets de Microsoft et obtient des droits sur d’autres. ' +
    'Le groupe chinois vise désormais l’Europe et les États-Unis.',
);
const C = article('c', 'La météo sera pluvieuse en Bretagne demain, avec des rafales de vent sur les côtes.', { title: 'Météo' });
const D = article(
  'd',
  'Alibaba a annoncé un investissement dans Meizu, sans en détailler les modalités. ' +
    'Selon un communiqué commun, Alibaba investit 590 millions de dollars dans Meizu. ' +
    'Alibaba mise aussi sur son système d’exploitation YunOS pour les smartphones.',
  { title: 'Alibaba investit dans Meizu' },
);

describe('composeAnswer', () => {
  it('quotes sentences verbatim from the stored article text, with a numbered citation each', () => {
    const answer = ask(corpus([A, B, C, D]), 'Combien de brevets Microsoft a-t-il vendus à Xiaomi ?');
    expect(answer.found).toBe(true);
    for (const c of answer.citations) {
      const source = [A, B, C, D].find((x) => x.id === c.articleId)!;
      expect(source.text).toContain(c.quote);
    }
    expect(answer.citations.some((c) => c.quote.includes('1 500 brevets'))).toBe(true);
    expect(answer.answer).toMatch(/« .+ » \[1\]/);
  });

  it('says a fact two articles share once, citing both, each citation with its own verbatim quote', () => {
    const answer = ask(corpus([A, B, C]), 'Combien de brevets Microsoft a-t-il vendus à Xiaomi ?');
    const cited = answer.citations.map((c) => c.articleId);
    expect(cited).toContain('a');
    expect(cited).toContain('b');
    // One quote line carrying two markers, not two lines repeating the same fact.
    const quoteLines = answer.answer.split('\n').filter((l) => l.startsWith('«'));
    expect(quoteLines.filter((l) => l.includes('1 500 brevets'))).toHaveLength(1);
    expect(quoteLines.some((l) => /\[\d\]\[\d\]/.test(l))).toBe(true);
    expect(answer.citations.find((c) => c.articleId === 'b')!.quote).toContain('acquiert environ 1 500 brevets');
  });

  it('lists the sources with title, outlet, date and link', () => {
    const answer = ask(corpus([A, C]), 'Combien de brevets Microsoft a-t-il vendus à Xiaomi ?');
    expect(answer.answer).toContain('Sources :');
    expect(answer.answer).toContain('[1] Xiaomi signe un accord avec Microsoft — Le Journal — 2016-06-01 — https://example.org/a');
    expect(answer.citations[0]).toMatchObject({ source: 'Le Journal', published: '2016-06-01', url: 'https://example.org/a' });
  });

  it('names an untitled article by its own opening words, never by an invented title', () => {
    const answer = ask(corpus([B, C]), 'Combien de brevets Xiaomi acquiert-il auprès de Microsoft ?');
    expect(answer.found).toBe(true);
    expect(B.text.startsWith(answer.citations[0]!.title.replace(/…$/, ''))).toBe(true);
  });

  it('says plainly that nothing was found for an off-topic question, and quotes nothing', () => {
    for (const q of ['Quelle est la recette de la tarte Tatin ?', 'Qui a gagné le match hier soir ?']) {
      const answer = ask(corpus([A, B, C, D]), q);
      expect(answer).toEqual({ question: q, found: false, answer: NOT_FOUND_ANSWER, citations: [] });
    }
  });

  it('does not quote a passage that shares only a minor word with the question', () => {
    const answer = ask(corpus([A, B, C, D]), 'Comment soigner un rhume quand il fait du vent ?');
    expect(answer.found).toBe(false);
  });

  it('prefers the sentence holding a number when the question asks how much', () => {
    const answer = ask(corpus([A, C, D]), 'Quel montant Alibaba a-t-il investi dans Meizu ?');
    expect(answer.citations[0]!.quote).toContain('590 millions de dollars');
  });

  it('never gives more quotes than asked', () => {
    const answer = ask(corpus([A, B, D]), 'Xiaomi Microsoft Alibaba Meizu smartphones brevets', 1);
    expect(answer.answer.split('\n').filter((l) => l.startsWith('«'))).toHaveLength(1);
  });
});

describe('expectedAnswer', () => {
  it.each([
    ['Combien de brevets ?', 'number'],
    ['Quel est le montant de l’investissement ?', 'number'],
    ['How many patents did Xiaomi buy?', 'number'],
    ['Quand la boutique ouvrira-t-elle ?', 'date'],
    ['En quelle année Meizu a-t-il été fondé ?', 'date'],
    ['Qui a révélé le mail ?', null],
  ])('%s → %s', (question, expected) => {
    expect(expectedAnswer(question)).toBe(expected);
  });
});
