import { describe, expect, it } from 'vitest';
import { answerText, composeAnswer, expectedAnswer, NOT_FOUND_ANSWER } from '../src/core/answer.ts';
import { retrieve, type CorpusView } from '../src/core/retrieve.ts';
import { analyze } from '../src/core/text/analyze.ts';
import type { Article, Citation } from '../src/core/types.ts';
import { onePassageCorpus } from './support/one-passage-corpus.ts';

function article(id: string, text: string, meta: Partial<Article> = {}): Article {
  return { id, path: `${id}.md`, text, title: null, source: null, url: null, published: null, language: 'fr', ...meta };
}

const corpus = onePassageCorpus;

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
    const older = ask(corpus([A, { ...B, published: '2016-05-30' }, C]), PATENTS);
    expect(older.quotes).toEqual([{ quote: A_QUOTE, citations: [0, 1], published: '2016-06-01' }]);
    expect(older.citations[1]!.published).toBe('2016-05-30');
    // When the other article is newer and says it as well, the newer one is quoted, with its date.
    const newer = ask(corpus([A, { ...B, published: '2016-06-02' }, C]), PATENTS);
    expect(newer.quotes).toHaveLength(1);
    expect(newer.quotes[0]!.published).toBe('2016-06-02');
    expect(newer.citations.map((c) => c.articleId)).toEqual(['b', 'a']);
  });

  it('the answer text is the structure rendered, byte for byte as the CLI and JSON have always printed it', () => {
    const corroborated = ask(corpus([A, B, C]), PATENTS);
    expect(corroborated.answer).toBe(answerText(corroborated.quotes, corroborated.citations));
    expect(corroborated.answer).toBe(
      `« ${A_QUOTE} » [1][2] — 1er juin 2016\n\nSources :\n` +
        '[1] Xiaomi signe un accord avec Microsoft — Le Journal — 2016-06-01 — https://example.org/a\n' +
        '[2] Selon nos informations, Xiaomi acquiert environ 1 500 brevets de Microsoft et…',
    );
    const twoQuotes = ask(corpus([A, C, D]), 'Quel montant Alibaba a-t-il investi dans Meizu ?');
    expect(twoQuotes.answer).toBe(answerText(twoQuotes.quotes, twoQuotes.citations));
    expect(twoQuotes.answer).toBe(
      '« Selon un communiqué commun, Alibaba investit 590 millions de dollars dans Meizu. » [1] — date inconnue\n' +
        '« Alibaba a annoncé un investissement dans Meizu, sans en détailler les modalités. » [2] — date inconnue\n\n' +
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
      '« Première phrase. » [1][2] — 2 janvier 2024\n« Autre phrase. » [3] — date inconnue\n\nSources :\n[1] Titre x — AFP — 2024-01-02\n[2] Titre y\n[3] Titre x',
    );
  });
});

describe('expectedAnswer', () => {
  it.each([
    ['Combien de brevets ?', 'number'],
    ['Quel est le montant de l’investissement ?', 'money'],
    ['How many patents did Xiaomi buy?', 'number'],
    ['Quand la boutique ouvrira-t-elle ?', 'date'],
    ['En quelle année Meizu a-t-il été fondé ?', 'date'],
    ['Qui a révélé le mail ?', 'person'],
    ['Xiaomi ou Huawei ?', null],
  ])('%s → %s', (question, expected) => {
    expect(expectedAnswer(question)).toBe(expected);
  });
});

describe('composeAnswer: news moves', () => {
  const JAN = article('jan', 'L’usine de batteries de Vernay prévoit de créer 200 emplois d’ici deux ans, selon la direction du groupe.', {
    title: 'Vernay : une usine de batteries annoncée', published: '2026-01-12',
  });
  const JUNE = article('june', 'La direction du groupe prévoit désormais de créer 450 emplois dans l’usine de batteries de Vernay.', {
    title: 'Vernay : l’usine voit plus grand', published: '2026-06-15',
  });
  const OCT = article('oct', 'L’usine de batteries de Vernay ne prévoit plus que 300 emplois, a annoncé la direction du groupe.', {
    title: 'Vernay : l’usine revoit ses ambitions', published: '2026-10-20',
  });
  const UNDATED = article('undated', 'L’usine de batteries de Vernay prévoit de créer 500 emplois, affirme la direction du groupe.', {
    title: 'Vernay : les chiffres de l’usine',
  });
  const JOBS = 'Combien d’emplois l’usine de batteries de Vernay prévoit-elle ?';

  it('quotes the latest figure first, then the earlier ones with their dates, never merged as one claim', () => {
    const answer = ask(corpus([JAN, OCT, C, JUNE]), JOBS);
    expect(answer.found).toBe(true);
    expect(answer.quotes.map((q) => q.published)).toEqual(['2026-10-20', '2026-06-15', '2026-01-12']);
    expect(answer.quotes[0]!.quote).toContain('300 emplois');
    // Each figure is its own quote, cited by its own article only.
    expect(answer.quotes.every((q) => q.citations.length === 1)).toBe(true);
    expect(answer.answer.split('\n')[0]).toMatch(/300 emplois.* » \[1\] — 20 octobre 2026$/);
    expect(answer.answer).toContain('» [2] — 15 juin 2026');
  });

  it('never takes an undated article for the latest', () => {
    const answer = ask(corpus([UNDATED, JAN]), JOBS);
    expect(answer.quotes.map((q) => q.published)).toEqual(['2026-01-12', null]);
    expect(answer.answer).toContain('— date inconnue');
  });

  it('keeps a clearly better answer first, however old', () => {
    const OLD = article('old', 'Le maire de Vernay, Paul Rivière, a inauguré la médiathèque municipale en présence du préfet.', {
      published: '2019-03-02',
    });
    const NEW = article('new', 'À Vernay, la médiathèque municipale organise un festival de la bande dessinée cet été.', {
      published: '2026-06-01',
    });
    const answer = ask(corpus([NEW, OLD]), 'Qui a inauguré la médiathèque municipale de Vernay ?');
    expect(answer.quotes[0]!.published).toBe('2019-03-02');
    expect(answer.quotes[0]!.quote).toContain('Paul Rivière');
  });

});
