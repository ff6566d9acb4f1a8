import { describe, expect, it } from 'vitest';
import { answerText, composeAnswer, expectedAnswer, NOT_FOUND_ANSWER } from '../src/core/answer.ts';
import { Bm25Index } from '../src/core/bm25.ts';
import { retrieve, type CorpusView } from '../src/core/retrieve.ts';
import { analyze } from '../src/core/text/analyze.ts';
import type { Article, Citation, Passage } from '../src/core/types.ts';

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
      expect(answer).toEqual({ question: q, found: false, answer: NOT_FOUND_ANSWER, quotes: [], citations: [] });
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

const PATENTS = 'Combien de brevets Microsoft a-t-il vendus à Xiaomi ?';
const A_QUOTE = 'Microsoft vient de vendre 1 500 brevets au chinois Xiaomi avec la signature d’un partenariat stratégique.';

describe('composeAnswer: the structure front ends render', () => {
  it('gives quote groups in order, each citing its citations by 0-based index, every citation exactly once', () => {
    const cases: [Article[], string][] = [
      [[A, B, C], PATENTS],
      [[A, C, D], 'Quel montant Alibaba a-t-il investi dans Meizu ?'],
      [[A, B, D], 'Xiaomi Microsoft Alibaba Meizu smartphones brevets'],
    ];
    for (const [articles, question] of cases) {
      const answer = ask(corpus(articles), question);
      expect(answer.found, question).toBe(true);
      expect(answer.quotes.length, question).toBeGreaterThan(0);
      expect(answer.quotes.flatMap((g) => g.citations)).toEqual(answer.citations.map((_, i) => i));
      for (const group of answer.quotes) {
        // A group quotes its first citation, and is dated by that citation's article.
        const quoted = answer.citations[group.citations[0]!]!;
        expect(group.quote).toBe(quoted.quote);
        expect(group.published).toBe(quoted.published);
      }
    }
  });

  it('a fact two articles state is one group citing both, dated by the article it quotes', () => {
    const answer = ask(corpus([A, B, C]), PATENTS);
    expect(answer.quotes).toEqual([{ quote: A_QUOTE, citations: [0, 1], published: '2016-06-01' }]);
    expect(answer.citations.map((c) => c.articleId)).toEqual(['a', 'b']);
    // The date is the quoted article's, not the corroborating one's.
    const undated = ask(corpus([{ ...A, published: null }, { ...B, published: '2016-06-02' }, C]), PATENTS);
    expect(undated.quotes).toEqual([{ quote: A_QUOTE, citations: [0, 1], published: null }]);
    expect(undated.citations[1]!.published).toBe('2016-06-02');
  });

  it('the answer text is the structure rendered, byte for byte as the CLI and JSON have always printed it', () => {
    const corroborated = ask(corpus([A, B, C]), PATENTS);
    expect(corroborated.answer).toBe(answerText(corroborated.quotes, corroborated.citations));
    expect(corroborated.answer).toBe(
      `« ${A_QUOTE} » [1][2]\n\nSources :\n` +
        '[1] Xiaomi signe un accord avec Microsoft — Le Journal — 2016-06-01 — https://example.org/a\n' +
        '[2] Selon nos informations, Xiaomi acquiert environ 1 500 brevets de Microsoft et…',
    );
    const twoQuotes = ask(corpus([A, C, D]), 'Quel montant Alibaba a-t-il investi dans Meizu ?');
    expect(twoQuotes.answer).toBe(answerText(twoQuotes.quotes, twoQuotes.citations));
    expect(twoQuotes.answer).toBe(
      '« Selon un communiqué commun, Alibaba investit 590 millions de dollars dans Meizu. » [1]\n' +
        '« Alibaba a annoncé un investissement dans Meizu, sans en détailler les modalités. » [2]\n\n' +
        'Sources :\n[1] Alibaba investit dans Meizu\n[2] Alibaba investit dans Meizu',
    );
  });

  it('answerText numbers citations from 1 in the quote lines and lists each one as a source', () => {
    const cite = (articleId: string, quote: string, over: Partial<Citation> = {}): Citation => ({
      articleId, title: `Titre ${articleId}`, source: null, url: null, published: null, quote, score: 1, ...over,
    });
    const citations = [cite('x', 'Première phrase.', { source: 'AFP', published: '2024-01-02' }), cite('y', 'Même chose.'), cite('x', 'Autre phrase.')];
    const text = answerText(
      [
        { quote: 'Première phrase.', citations: [0, 1], published: '2024-01-02' },
        { quote: 'Autre phrase.', citations: [2], published: null },
      ],
      citations,
    );
    expect(text).toBe(
      '« Première phrase. » [1][2]\n« Autre phrase. » [3]\n\nSources :\n[1] Titre x — AFP — 2024-01-02\n[2] Titre y\n[3] Titre x',
    );
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
