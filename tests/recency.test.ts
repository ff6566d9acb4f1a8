import { describe, expect, it } from 'vitest';
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
