import { describe, expect, it } from 'vitest';
import { fuseScores } from '../src/core/fusion.ts';

const lexical = [
  { label: 1, score: 12 },
  { label: 2, score: 8 },
  { label: 3, score: 2 },
];
const dense = [
  { label: 3, score: 0.9 },
  { label: 4, score: 0.85 },
  { label: 1, score: 0.5 },
];

describe('fuseScores', () => {
  it('with weight 0 keeps the lexical order', () => {
    expect(fuseScores(lexical, dense, 0).map((h) => h.label).slice(0, 3)).toEqual([1, 2, 3]);
  });

  it('with weight 1 keeps the dense order', () => {
    expect(fuseScores(lexical, dense, 1).map((h) => h.label).slice(0, 3)).toEqual([3, 4, 1]);
  });

  it('normalises each leg to 0..1 so raw BM25 scores do not swamp cosine similarities', () => {
    const fused = fuseScores(lexical, dense, 0.5);
    expect(fused.length).toBeGreaterThan(0);
    for (const h of fused) {
      expect(h.lexical).toBeGreaterThanOrEqual(0);
      expect(h.lexical).toBeLessThanOrEqual(1);
      expect(h.dense).toBeGreaterThanOrEqual(0);
      expect(h.dense).toBeLessThanOrEqual(1);
    }
    // Passage 3: worst lexical (0), best dense (1); passage 1: best lexical (1), worst dense (0).
    const byLabel = new Map(fused.map((h) => [h.label, h]));
    expect(byLabel.get(3)!.score).toBeCloseTo(0.5);
    expect(byLabel.get(1)!.score).toBeCloseTo(0.5);
  });

  it('breaks ties toward the better lexical rank', () => {
    const fused = fuseScores(lexical, dense, 0.5);
    const tied = fused.filter((h) => Math.abs(h.score - 0.5) < 1e-9).map((h) => h.label);
    expect(tied).toEqual([1, 3]);
  });

  it('gives a passage missing from one leg nothing from that leg', () => {
    const fused = fuseScores(lexical, dense, 0.3);
    const only = fused.find((h) => h.label === 4)!;
    expect(only.lexical).toBe(0);
    expect(only.score).toBeCloseTo(0.3 * only.dense);
  });

  it('handles empty legs and a single-element leg', () => {
    expect(fuseScores([], [], 0.5)).toEqual([]);
    const one = fuseScores([{ label: 7, score: 3 }], [], 0.1);
    expect(one).toEqual([{ label: 7, score: 0.9, lexical: 1, dense: 0 }]);
  });
});
