/**
 * Near-copies: the same wire dispatch republished by several outlets, re-titled, re-introduced or
 * lightly edited. Two texts are near-copies when the sets of their 5-word shingles (runs of five
 * consecutive words, accents and case folded) overlap by at least COPY_THRESHOLD (Jaccard). The
 * comparison is exact (an inverted index from shingle to article finds the articles sharing any),
 * which is cheap at corpus sizes: no MinHash estimate, no false pair from hashing the sets.
 */
import { fnv1a } from './hash.ts';

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
    let bestAt = -1;
    for (const o of touched) {
      const n = shared[o]!;
      shared[o] = 0;
      const similarity = n / (own.size + originals[o]!.size - n);
      // On a tie the earlier original wins (as in relinkCopies).
      if (similarity >= threshold && (best === null || similarity > best.similarity || (similarity === best.similarity && o < bestAt))) {
        best = { of: originals[o]!.id, similarity };
        bestAt = o;
      }
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

/**
 * What incremental detection reads of the corpus as it is after a change (removed articles absent,
 * changed ones with their new text). Backed by the stored shingle index, so a lookup costs what the
 * looked-up text shares, not what the corpus holds.
 */
export interface CopyCorpus {
  /** Whether article `a` comes before `b` (entered the corpus first; same day: published, then path). */
  before(a: string, b: string): boolean;
  /** The article's shingles (of its current text). */
  shinglesOf(id: string): ReadonlySet<number>;
  /** How many shingles the article has. */
  sizeOf(id: string): number;
  /** Every current article holding at least one of these shingles, with how many it holds. */
  sharing(shingles: ReadonlySet<number>): Map<string, number>;
  /** What the article was a copy of before the change (null: an original; undefined: it is new). */
  storedCopyOf(id: string): string | null | undefined;
  /** The articles that were copies of this one before the change. */
  storedCopiesOf(id: string): Iterable<string>;
}

/**
 * The copyOf of every article a change can affect, decided as findNearCopies would over the whole
 * corpus, but re-checking only what the change reaches: the new or changed articles, the copies of a
 * removed or changed original, and — when an article becomes an original or an original's text
 * changes — the later articles similar enough to copy it. Articles are re-checked earliest first, so
 * each is decided once, after everything it depends on. Returns the decisions (unchanged ones included).
 */
export function relinkCopies(corpus: CopyCorpus, changed: Iterable<string>, removed: Iterable<string>, threshold = COPY_THRESHOLD): Map<string, string | null> {
  const decided = new Map<string, string | null>();
  const edited = new Set(changed);
  const queue = new Set<string>(edited);
  for (const r of removed) for (const c of corpus.storedCopiesOf(r)) queue.add(c);
  const isOriginal = (id: string) => (decided.has(id) ? decided.get(id) : corpus.storedCopyOf(id)) === null;
  while (queue.size > 0) {
    let y: string | undefined;
    for (const id of queue) if (y === undefined || corpus.before(id, y)) y = id;
    queue.delete(y!);
    const id = y!;
    const own = corpus.shinglesOf(id);
    const sharing = own.size === 0 ? new Map<string, number>() : corpus.sharing(own);
    let best: string | null = null;
    let bestSimilarity = -1;
    for (const [other, n] of sharing) {
      if (other === id || !corpus.before(other, id) || !isOriginal(other)) continue;
      const similarity = n / (own.size + corpus.sizeOf(other) - n);
      if (similarity < threshold) continue;
      if (similarity > bestSimilarity || (similarity === bestSimilarity && corpus.before(other, best!))) {
        best = other;
        bestSimilarity = similarity;
      }
    }
    const was = corpus.storedCopyOf(id);
    decided.set(id, best);
    // Its copies chose it among the originals before them: it is gone as they knew it.
    if (was === null && (best !== null || edited.has(id))) for (const c of corpus.storedCopiesOf(id)) queue.add(c);
    // A new original (or new text) may be what a later article copies: only one this similar can.
    if (best === null && (was !== null || edited.has(id))) {
      for (const [other, n] of sharing) {
        if (other !== id && corpus.before(id, other) && n / (own.size + corpus.sizeOf(other) - n) >= threshold) queue.add(other);
      }
    }
  }
  return decided;
}
