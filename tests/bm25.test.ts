import { describe, expect, it } from 'vitest';
import { Bm25Index, DEFAULT_BM25 } from '../src/core/bm25.ts';
import { analyze } from '../src/core/text/analyze.ts';
import { Bm25Index as ReferenceBm25 } from './support/bm25-reference.ts';

function indexOf(texts: string[]): Bm25Index {
  const index = new Bm25Index();
  texts.forEach((t, i) => index.add(i + 1, analyze(t)));
  return index;
}

const texts = [
  'Microsoft vient de vendre 1 500 brevets au chinois Xiaomi.',
  'Xiaomi veut créer une division consacrée à la photographie.',
  'Alibaba investit 590 millions de dollars dans Meizu, un fabricant de smartphones.',
  'Le fabricant Meizu a été fondé en 2003 et il est basé à Zhuhai.',
];

describe('Bm25Index', () => {
  it('ranks the passage that holds the rare question words first', () => {
    const hits = indexOf(texts).search(analyze('Combien de brevets Microsoft a-t-il vendus ?'), 10);
    expect(hits[0]?.label).toBe(1);
  });

  it('matches across inflections and elisions (French analysis)', () => {
    const hits = indexOf(texts).search(analyze("l'investissement d'Alibaba"), 10);
    expect(hits[0]?.label).toBe(3);
  });

  it('returns nothing for a question sharing no word with the corpus', () => {
    expect(indexOf(texts).search(analyze('Quel temps fera-t-il demain à Brest ?'), 10)).toEqual([]);
  });

  it('cuts the list at k and orders scores from best to worst', () => {
    const hits = indexOf(texts).search(analyze('Xiaomi Meizu fabricant'), 2);
    expect(hits).toHaveLength(2);
    expect(hits[0]!.score).toBeGreaterThanOrEqual(hits[1]!.score);
  });

  it('gives full coverage when a passage holds every question word, partial otherwise', () => {
    const index = indexOf(texts);
    const [full] = index.search(analyze('Meizu Zhuhai'), 1);
    expect(full?.label).toBe(4);
    expect(full?.coverage).toBeCloseTo(1, 5);
    const partial = index.search(analyze('Meizu photographie'), 10);
    expect(partial.length).toBeGreaterThan(0);
    for (const hit of partial) expect(hit.coverage).toBeLessThan(1);
  });

  it('lets one unknown word weigh less than the rarest known one, so it cannot sink a good match', () => {
    const index = indexOf(texts);
    const [hit] = index.search(analyze('brevets Microsoft Xiaomi vendus'), 1);
    // "vendus" is in no passage; the three others are all in passage 1.
    expect(hit?.label).toBe(1);
    expect(hit!.coverage).toBeGreaterThan(0.5);
    const [unknown, known] = [analyze('vendus')[0]!, analyze('Zhuhai')[0]!];
    const weights = index.queryWeights([unknown, known]);
    expect(weights.get(unknown)!).toBeLessThan(weights.get(known)!);
  });

  it('rates a question made only of unknown words at zero coverage everywhere', () => {
    const index = indexOf(texts);
    expect(index.search(analyze('recette tarte tatin'), 10)).toEqual([]);
  });

  it('scores higher idf for rarer terms', () => {
    const index = indexOf(texts);
    expect(index.idf(analyze('Zhuhai')[0]!)).toBeGreaterThan(index.idf(analyze('Xiaomi')[0]!));
  });

  it("lets a passage's neighbours and its article title lift it above an isolated passage with the same words", () => {
    const plain = { k1: 1.2, b: 0.5, windowWeight: 0, articleWeight: 0 };
    const withContext = { ...plain, windowWeight: 1, articleWeight: 0.5 };
    const build = (params: typeof plain) => {
      const index = new Bm25Index(params);
      // Article A: the question's other words sit in the next passage and in the title.
      index.add(1, analyze('Le club a été fondé en 1970 par des ouvriers.'), { article: 'a', ord: 0, title: analyze('Paris Saint-Germain') });
      index.add(2, analyze('Le Paris Saint-Germain joue au Parc des Princes.'), { article: 'a', ord: 1, title: analyze('Paris Saint-Germain') });
      // Article B: the same words in the passage, nothing around it.
      index.add(3, analyze('Ce club a été fondé en 1970.'), { article: 'b', ord: 0, title: analyze('Sport à Lyon') });
      index.add(4, analyze('Les vendanges commencent en septembre.'), { article: 'b', ord: 1, title: analyze('Sport à Lyon') });
      return index;
    };
    const query = analyze('En quelle année le club du Paris Saint-Germain a-t-il été fondé ?');
    const order = (params: typeof plain) => build(params).search(query, 10).map((h) => h.label);
    // Alone, passage 3 wins: the same question words in a shorter passage.
    expect(order(plain).indexOf(3)).toBeLessThan(order(plain).indexOf(1));
    // With context, passage 1 wins: "Paris Saint-Germain" is in its neighbour and its article's title.
    expect(order(withContext).indexOf(1)).toBeLessThan(order(withContext).indexOf(3));
    // Coverage counts the passage and its next one ("Paris Saint-Germain"), not the title.
    const hit = build(withContext).search(query, 10).find((h) => h.label === 1)!;
    const isolated = build(withContext).search(query, 10).find((h) => h.label === 3)!;
    expect(hit.coverage).toBeGreaterThan(isolated.coverage);
    expect(hit.coverage).toBeLessThan(1); // "année" is nowhere
  });

  it('counts only the passages right next to a passage toward its coverage, within its article', () => {
    const index = new Bm25Index();
    index.add(1, analyze('Le tramway de Bourg-Lénard avance.'), { article: 'a', ord: 0 });
    index.add(2, analyze('Le coût final atteint 325 millions.'), { article: 'a', ord: 1 });
    index.add(3, analyze('Les vendanges commencent.'), { article: 'a', ord: 2 });
    index.add(4, analyze('Le coût final du stade est connu.'), { article: 'a', ord: 3 });
    index.add(5, analyze('Le tramway de Bourg-Lénard avance.'), { article: 'b', ord: 0 });
    const coverage = (label: number) => index.search(analyze('coût final du tramway de Bourg-Lénard'), 10).find((h) => h.label === label)!.coverage;
    expect(coverage(2)).toBeCloseTo(1, 5); // its previous passage names the tramway
    expect(coverage(4)).toBeLessThan(0.5); // two passages away, or in another article: not counted
  });

  it('never returns a passage that holds no question word itself, whatever its context', () => {
    const index = new Bm25Index({ k1: 1.2, b: 0.5, windowWeight: 1, articleWeight: 1 });
    index.add(1, analyze('Le Paris Saint-Germain joue au Parc des Princes.'), { article: 'a', ord: 0 });
    index.add(2, analyze('Les vendanges commencent en septembre.'), { article: 'a', ord: 1 });
    expect(index.search(analyze('Parc des Princes'), 10).map((h) => h.label)).toEqual([1]);
  });

  it('ranks exactly like the straightforward implementation it replaced: same passages, order, scores and coverage', () => {
    // A deterministic random corpus: Zipf-like words, articles in shuffled order with titles, passages
    // added out of article order, a few without context, exact duplicates (ties broken by order).
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const word = () => `w${Math.floor(Math.exp(random() * Math.log(400)))}`;
    const bag = (n: number) => Array.from({ length: n }, word);
    const passages: { label: number; terms: string[]; context?: { article: string; ord: number; title?: string[] } }[] = [];
    for (let a = 0; a < 60; a++) {
      const title = a % 7 === 0 ? undefined : [...bag(4), `title${a}`];
      const count = 1 + Math.floor(random() * 9);
      for (let ord = count - 1; ord >= 0; ord--) passages.push({ label: 1000 + passages.length, terms: bag(5 + Math.floor(random() * 40)), context: { article: `a${a % 50}`, ord, title } });
    }
    for (let i = 0; i < 15; i++) passages.push({ label: 1000 + passages.length, terms: bag(20) });
    passages.push({ label: 5000, terms: [...passages[3]!.terms], context: passages[3]!.context });
    passages.push({ label: 5001, terms: [] });
    for (let i = passages.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [passages[i], passages[j]] = [passages[j]!, passages[i]!];
    }
    for (const params of [DEFAULT_BM25, { k1: 1.5, b: 0.75, windowWeight: 0, articleWeight: 0 }, { k1: 0.9, b: 0.3, windowWeight: 0.5, articleWeight: 0 }]) {
      const fast = new Bm25Index(params);
      const reference = new ReferenceBm25(params);
      for (const p of passages) {
        fast.add(p.label, p.terms, p.context);
        reference.add(p.label, p.terms, p.context);
      }
      for (let q = 0; q < 150; q++) {
        const query = [...bag(1 + Math.floor(random() * 8)), ...(q % 5 === 0 ? ['unknown', 'title3'] : [])];
        if (q % 3 === 0) query.push(query[0]!); // a word asked twice counts twice
        const k = [1, 5, 50, 1000][q % 4]!;
        const got = fast.search(query, k);
        const want = reference.search(query, k);
        expect(got.map((h) => h.label)).toEqual(want.map((h) => h.label));
        got.forEach((h, i) => {
          expect(Math.abs(h.score - want[i]!.score)).toBeLessThanOrEqual(1e-9);
          expect(Math.abs(h.coverage - want[i]!.coverage)).toBeLessThanOrEqual(1e-9);
        });
        expect(fast.queryWeights(query)).toEqual(reference.queryWeights(query));
      }
      expect(fast.search(['w1'], 1000).length).toBeGreaterThan(50); // the queries did reach many passages
    }
  });
});
