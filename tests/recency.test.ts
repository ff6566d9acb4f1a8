import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseArticle } from '../src/core/article.ts';
import {
  chronological,
  type DatedCandidate,
  DEFAULT_TIE,
  inWindow,
  latestFirst,
  newestFirst,
  windowFirst,
} from '../src/core/time/recency.ts';

const c = (articleId: string, published: string | null, score: number): DatedCandidate => ({ articleId, published, score });
const ids = (list: readonly DatedCandidate[]) => list.map((x) => x.articleId);

describe('latestFirst', () => {
  it('puts the newest of comparably relevant articles first: the October job cut beats the January announcement', () => {
    const ranked = [
      c('usine-janvier', '2026-01-14', 1.0),
      c('usine-juin', '2026-06-03', 0.97),
      c('usine-octobre', '2026-10-21', 0.95),
    ];
    expect(ids(latestFirst(ranked, { tie: 0.1 }))).toEqual(['usine-octobre', 'usine-juin', 'usine-janvier']);
  });

  it('reorders only within the band; a newer but clearly less relevant article stays where relevance put it', () => {
    const ranked = [
      c('a-2026-02', '2026-02-01', 1.0),
      c('b-2026-05', '2026-05-01', 0.92),
      c('c-2026-11', '2026-11-20', 0.6), // newest of all, but outside a 10 % band
      c('d-2025-01', '2025-01-01', 0.5),
    ];
    expect(ids(latestFirst(ranked, { tie: 0.1 }))).toEqual(['b-2026-05', 'a-2026-02', 'c-2026-11', 'd-2025-01']);
  });

  it('leaves an old article that alone holds the answer first, whatever newer articles follow', () => {
    const ranked = [
      c('tram-2019-seul', '2019-09-12', 0.9),
      c('tram-2026', '2026-11-02', 0.4),
      c('tram-2025', '2025-06-30', 0.38),
    ];
    const out = latestFirst(ranked, { tie: DEFAULT_TIE });
    expect(out[0]!.articleId).toBe('tram-2019-seul');
    expect(ids(out.slice(1))).toEqual(['tram-2026', 'tram-2025']);
  });

  it('never puts an undated article first among dated ties, even when it scores best', () => {
    const ranked = [
      c('sans-date', null, 1.0),
      c('sondage-mars', '2026-03-10', 0.99),
      c('sondage-sept', '2026-09-15', 0.98),
    ];
    expect(ids(latestFirst(ranked, { tie: 0.05 }))).toEqual(['sondage-sept', 'sondage-mars', 'sans-date']);
  });

  it('keeps an undated article first when it alone is relevant (date inconnue does not hide the only answer)', () => {
    const ranked = [c('sans-date', null, 1.0), c('autre', '2026-09-15', 0.3)];
    expect(ids(latestFirst(ranked, { tie: 0.1 }))).toEqual(['sans-date', 'autre']);
  });

  it('widens the band with the margin: 0 reorders only exact ties, 0.5 reaches the third candidate', () => {
    const ranked = [c('old', '2024-01-01', 1.0), c('mid', '2025-01-01', 0.8), c('new', '2026-01-01', 0.6)];
    expect(ids(latestFirst(ranked, { tie: 0 }))).toEqual(['old', 'mid', 'new']);
    expect(ids(latestFirst(ranked, { tie: 0.25 }))).toEqual(['mid', 'old', 'new']);
    expect(ids(latestFirst(ranked, { tie: 0.5 }))).toEqual(['new', 'mid', 'old']);
  });

  it('keeps relevance order between articles of the same day and reads only the day of a timestamp', () => {
    const ranked = [
      c('first', '2026-06-03T18:00:00Z', 1.0),
      c('second', '2026-06-03', 0.99),
      c('older', '2026-06-02T23:59:00Z', 0.98),
    ];
    expect(ids(latestFirst(ranked, { tie: 0.1 }))).toEqual(['first', 'second', 'older']);
  });

  it('does not change the list it is given', () => {
    const ranked = [c('a', '2024-01-01', 1), c('b', '2026-01-01', 1)];
    const before = ids(ranked);
    latestFirst(ranked, { tie: 0.1 });
    expect(ids(ranked)).toEqual(before);
    expect(latestFirst([], { tie: 0.1 })).toEqual([]);
  });
});

describe('chronological and newestFirst', () => {
  const items = [c('oct', '2026-10-21', 0.2), c('undated', null, 0.9), c('jan', '2026-01-14', 0.5), c('jun', '2026-06-03', 0.1)];

  it('orders a timeline oldest first with undated articles last', () => {
    expect(ids(chronological(items))).toEqual(['jan', 'jun', 'oct', 'undated']);
  });

  it('orders "quoi de neuf" results newest first with undated articles last', () => {
    expect(ids(newestFirst(items))).toEqual(['oct', 'jun', 'jan', 'undated']);
  });
});

describe('inWindow and windowFirst', () => {
  const march = { from: '2026-03-01', to: '2026-03-31' };

  it('includes both bounds and excludes the days around them', () => {
    expect(inWindow('2026-03-01', march)).toBe(true);
    expect(inWindow('2026-03-31T22:00:00Z', march)).toBe(true);
    expect(inWindow('2026-02-28', march)).toBe(false);
    expect(inWindow('2026-04-01', march)).toBe(false);
  });

  it('reads open bounds ("avant 2020", "depuis juin") and lets everything through with no window', () => {
    expect(inWindow('2019-12-31', { from: null, to: '2019-12-31' })).toBe(true);
    expect(inWindow('2020-01-01', { from: null, to: '2019-12-31' })).toBe(false);
    expect(inWindow('2026-11-30', { from: '2026-06-01', to: null })).toBe(true);
    expect(inWindow('2024-05-05', null)).toBe(true);
  });

  it('puts no undated article in a window', () => {
    expect(inWindow(null, march)).toBe(false);
    expect(inWindow(null, { from: null, to: null })).toBe(false);
  });

  it('favours the window without dropping the rest, each part in relevance order', () => {
    const ranked = [c('feb', '2026-02-10', 1), c('mar-a', '2026-03-05', 0.9), c('none', null, 0.8), c('mar-b', '2026-03-20', 0.7)];
    expect(ids(windowFirst(ranked, march))).toEqual(['mar-a', 'mar-b', 'feb', 'none']);
  });
});

/**
 * The dated corpus and its questions agree with the orderings: what the lead will run through the
 * real pipeline is at least consistent with these rules when every candidate is equally relevant.
 */
describe('tests/fixtures/dated-corpus with dated-questions.json', () => {
  const dir = new URL('./fixtures/dated-corpus/', import.meta.url);
  const corpus = new Map(
    readdirSync(dir)
      .filter((f) => f.endsWith('.md') && !/^readme\./i.test(f))
      .map((f) => {
        const parsed = parseArticle(f, readFileSync(new URL(f, dir)));
        return [f.slice(0, -3), { published: parsed.meta.published, body: parsed.body }] as const;
      }),
  );
  interface DatedQuestion {
    kind: string;
    question: string;
    articles: string[];
    quoteContains?: string[];
    notFirst?: string[];
    window?: { from: string | null; to: string | null } | null;
  }
  const questions = JSON.parse(
    readFileSync(new URL('./fixtures/dated-questions.json', import.meta.url), 'utf8'),
  ) as DatedQuestion[];
  const article = (id: string) => {
    const a = corpus.get(id);
    if (a === undefined) throw new Error(`${id} is not in the dated corpus`);
    return a;
  };
  const holders = (text: string) => [...corpus].filter(([, a]) => a.body.includes(text)).map(([id]) => id);
  const of = (kind: string) => questions.filter((q) => q.kind === kind).map((q) => [q.question, q] as const);

  it('holds at least 30 questions about 20 or more articles, 2 to 4 of them undated', () => {
    expect(questions.length).toBeGreaterThanOrEqual(30);
    expect(corpus.size).toBeGreaterThanOrEqual(20);
    const undated = [...corpus.values()].filter((a) => a.published === null).length;
    expect(undated).toBeGreaterThanOrEqual(2);
    expect(undated).toBeLessThanOrEqual(4);
  });

  it.each(of('latest'))('latest: %s → the newest of its story leads and holds the figure', (_q, q) => {
    const pool = [...q.articles, ...(q.notFirst ?? [])].map((id) => c(id, article(id).published, 1));
    expect(q.articles).toContain(latestFirst(pool, { tie: DEFAULT_TIE })[0]!.articleId);
    for (const text of q.quoteContains ?? []) expect(article(q.articles[0]!).body).toContain(text);
    for (const id of q.notFirst ?? []) {
      for (const text of q.quoteContains ?? []) expect(article(id).body).not.toContain(text);
    }
  });

  it.each([...of('named-period'), ...of('relative-period')])('period: %s → the expected articles lie in the window', (_q, q) => {
    expect(q.window).not.toBeNull();
    for (const id of q.articles) expect(inWindow(article(id).published, q.window!)).toBe(true);
    for (const text of q.quoteContains ?? []) expect(article(q.articles[0]!).body).toContain(text);
  });

  it.each(of('whats-new'))('whats-new: %s → the newest article of the story comes first', (_q, q) => {
    const story = q.articles[0]!.split('-')[0]!;
    const all = [...corpus].filter(([id]) => id.startsWith(`${story}-`)).map(([id, a]) => c(id, a.published, 1));
    expect(newestFirst(all)[0]!.articleId).toBe(q.articles[0]);
  });

  it.each([...of('undated'), ...of('old-alone')])('%s: only the expected article holds the answer', (_q, q) => {
    for (const text of q.quoteContains ?? []) expect(holders(text)).toEqual(q.articles);
  });

  it.each(of('undated'))('undated: %s → its article has no date', (_q, q) => {
    for (const id of q.articles) expect(article(id).published).toBeNull();
  });

  it.each(of('old-alone'))('old-alone: %s → its article is older than newer ones on the same story', (_q, q) => {
    const id = q.articles[0]!;
    const story = id.split('-')[0]!;
    const newer = [...corpus].filter(([other, a]) => other.startsWith(`${story}-`) && a.published !== null && a.published > article(id).published!);
    expect(newer.length).toBeGreaterThan(0);
  });

  it.each(of('timeline'))('timeline: %s → chronological order of the listed articles', (_q, q) => {
    const shuffled = [...q.articles].reverse().map((id) => c(id, article(id).published, 1));
    expect(ids(chronological(shuffled))).toEqual(q.articles);
  });
});
