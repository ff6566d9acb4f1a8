/**
 * Weighted score fusion of the lexical and dense rankings. Each leg's scores are min-max
 * normalised over its own candidate list and a passage missing from a leg gets 0 there.
 * Rank fusion (RRF) is not used: BASELINES.md measured it far below BM25 alone with a weak dense leg,
 * because it gives a near-random list the same vote.
 */
export interface LegHit {
  label: number;
  score: number;
}

export interface FusedHit {
  label: number;
  score: number;
  lexical: number;
  dense: number;
}

export function fuseScores(lexical: readonly LegHit[], dense: readonly LegHit[], denseWeight: number): FusedHit[] {
  const lex = normalise(lexical);
  const den = normalise(dense);
  const lexRank = rankOf(lexical);
  const denRank = rankOf(dense);
  const labels = new Set([...lex.keys(), ...den.keys()]);
  const fused: FusedHit[] = [];
  for (const label of labels) {
    const l = lex.get(label) ?? 0;
    const d = den.get(label) ?? 0;
    fused.push({ label, score: (1 - denseWeight) * l + denseWeight * d, lexical: l, dense: d });
  }
  // Ties go to the better lexical rank, then the better dense rank (the order matters: BASELINES.md).
  return fused.sort(
    (a, b) =>
      b.score - a.score ||
      (lexRank.get(a.label) ?? Infinity) - (lexRank.get(b.label) ?? Infinity) ||
      (denRank.get(a.label) ?? Infinity) - (denRank.get(b.label) ?? Infinity) ||
      a.label - b.label,
  );
}

function normalise(hits: readonly LegHit[]): Map<number, number> {
  const out = new Map<number, number>();
  if (hits.length === 0) return out;
  let min = Infinity;
  let max = -Infinity;
  for (const h of hits) {
    min = Math.min(min, h.score);
    max = Math.max(max, h.score);
  }
  const span = max - min;
  for (const h of hits) out.set(h.label, span > 0 ? (h.score - min) / span : 1);
  return out;
}

function rankOf(hits: readonly LegHit[]): Map<number, number> {
  return new Map(hits.map((h, i) => [h.label, i]));
}
