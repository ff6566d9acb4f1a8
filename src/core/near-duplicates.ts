/**
 * Near-copies: the same wire dispatch republished by several outlets, re-titled, re-introduced or
 * lightly edited. Two texts are near-copies when the sets of their 5-word shingles (runs of five
 * consecutive words, accents and case folded) overlap by at least COPY_THRESHOLD (Jaccard). The
 * comparison is exact (an inverted index from shingle to article finds the articles sharing any),
 * which is cheap at corpus sizes: no MinHash estimate, no false pair from hashing the sets.
 */

/** Words per shingle: long enough that two different stories on one event rarely share a run. */
export const SHINGLE_WORDS = 5;

/**
 * Jaccard similarity of shingle sets from which a text is a copy of an earlier one. Measured on
 * copies and same-day different stories built from OrangeSum (tests/near-duplicates.test.ts).
 */
export const COPY_THRESHOLD = 0.4;

/** The words of a text as compared: lower case, accents removed, letters and digits only. */
export function words(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** The text's shingles, each hashed to 32 bits (from its words' FNV-1a hashes); a text shorter than one shingle has none. */
export function shingles(text: string, size = SHINGLE_WORDS): Set<number> {
  const w = words(text).map(fnv1a);
  const out = new Set<number>();
  for (let i = 0; i + size <= w.length; i++) {
    let h = 0x811c9dc5;
    for (let j = i; j < i + size; j++) h = Math.imul(h ^ w[j]!, 0x01000193) ^ (h >>> 15);
    out.add(h >>> 0);
  }
  return out;
}

export function jaccard(a: ReadonlySet<number>, b: ReadonlySet<number>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const s of small) if (large.has(s)) shared++;
  return shared / (a.size + b.size - shared);
}

export interface NearCopy {
  /** The earlier text it copies. */
  of: string;
  similarity: number;
}

/**
 * Which texts are near-copies of an earlier one. `texts` must come earliest first: each text is
 * compared with the earlier originals only (never with a copy, so every copy points at an
 * original), and it is a copy of the most similar one at or above `threshold`.
 */
export function findNearCopies(texts: readonly { id: string; text: string }[], threshold = COPY_THRESHOLD): Map<string, NearCopy> {
  const copies = new Map<string, NearCopy>();
  const originals: { id: string; size: number }[] = [];
  const postings = new Map<number, number[]>();
  // Shingles shared with each original, counted in a typed array and reset through `touched`.
  let shared = new Int32Array(64);
  const touched: number[] = [];
  for (const { id, text } of texts) {
    const own = shingles(text);
    for (const s of own) {
      const list = postings.get(s);
      if (!list) continue;
      for (const o of list) if (shared[o]!++ === 0) touched.push(o);
    }
    let best: NearCopy | null = null;
    for (const o of touched) {
      const n = shared[o]!;
      shared[o] = 0;
      const similarity = n / (own.size + originals[o]!.size - n);
      if (similarity >= threshold && (best === null || similarity > best.similarity)) best = { of: originals[o]!.id, similarity };
    }
    touched.length = 0;
    if (best) {
      copies.set(id, best);
      continue;
    }
    const at = originals.push({ id, size: own.size }) - 1;
    if (at >= shared.length) {
      const grown = new Int32Array(shared.length * 2);
      grown.set(shared);
      shared = grown;
    }
    for (const s of own) {
      const list = postings.get(s);
      if (list) list.push(at);
      else postings.set(s, [at]);
    }
  }
  return copies;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
