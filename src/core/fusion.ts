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
  // One slot per label, in the order the legs list them (lexical first); ranks in parallel arrays.
  const slotOf = new Map<number, number>();
  const fused: FusedHit[] = [];
  const lexRank: number[] = [];
  const denRank: number[] = [];
  const slot = (label: number): number => {
    let i = slotOf.get(label);
    if (i === undefined) {
      i = fused.length;
      slotOf.set(label, i);
      fused.push({ label, score: 0, lexical: 0, dense: 0 });
      lexRank.push(Infinity);
      denRank.push(Infinity);
    }
    return i;
  };
  const lex = range(lexical);
  lexical.forEach((h, r) => {
    const i = slot(h.label);
    fused[i]!.lexical = lex.span > 0 ? (h.score - lex.min) / lex.span : 1;
    lexRank[i] = r;
  });
  const den = range(dense);
  dense.forEach((h, r) => {
    const i = slot(h.label);
    fused[i]!.dense = den.span > 0 ? (h.score - den.min) / den.span : 1;
    denRank[i] = r;
  });
  const order = fused.map((f, i) => {
    f.score = (1 - denseWeight) * f.lexical + denseWeight * f.dense;
    return i;
  });
  // Ties go to the better lexical rank, then the better dense rank (the order matters: BASELINES.md).
  order.sort(
    (a, b) =>
      fused[b]!.score - fused[a]!.score ||
      lexRank[a]! - lexRank[b]! ||
      denRank[a]! - denRank[b]! ||
      fused[a]!.label - fused[b]!.label,
  );
  return order.map((i) => fused[i]!);
}

/** Lowest score and spread of a leg's list (its scores are min-max normalised over it). */
function range(hits: readonly LegHit[]): { min: number; span: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const h of hits) {
    min = Math.min(min, h.score);
    max = Math.max(max, h.score);
  }
  return { min, span: max - min };
}
