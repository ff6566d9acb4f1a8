/**
 * The dense leg as segments: one immutable base HNSW file plus small delta files, one per reindex
 * that added passages, searched together. A reindex writes only its new passages (a delta); a
 * removed passage stays in its segment's file as a tombstone (the manifest counts them per segment,
 * a search filters them out by the passage table). Compaction merges segments into a new file.
 *
 * Labels only grow (the store's next_label), so a segment holds labels from its `firstLabel` up to
 * the next segment's: the segment of a label is found without reading any file.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { LegHit } from '../core/fusion.ts';
import type { Manifest } from './metadata-store.ts';
import { VectorIndex, type HnswParams } from './vector-index.ts';

export interface SegmentRef {
  /** File name under the embeddings folder. */
  file: string;
  sha256: string;
  /** Vectors in the file (live and tombstones). */
  vectors: number;
  /** Vectors in the file whose passage left the index. */
  dead: number;
  /** The smallest label the segment may hold (0 for a base). */
  firstLabel: number;
  /** Size and modification time when written: a file changed since is checked in full by the writer. */
  bytes: number;
  mtimeMs: number;
}

/**
 * When to compact (measured with `npm run bench -- --scale`): into a new base once deltas and
 * tombstones pass this share of the base (search then pays for a graph that is more than a tenth
 * redundant or scattered); the deltas alone into one once there are more than MAX_DELTAS of them (each
 * segment adds a small fixed search cost, ~0.1 ms, and a merge of deltas costs only their size).
 */
export const COMPACT_SHARE = 0.1;
export const MAX_DELTAS = 8;

/** The segments of a manifest; one written before segments existed has its one file as base. */
export function segmentsOf(m: Manifest): SegmentRef[] {
  if (m.segments && m.segments.length > 0) return m.segments;
  return [{ file: m.indexFile, sha256: m.indexSha256, vectors: m.passages + m.tombstones, dead: m.tombstones, firstLabel: 0, bytes: -1, mtimeMs: -1 }];
}

/** Index in `segments` of the segment that holds `label`. */
export function segmentOfLabel(segments: readonly SegmentRef[], label: number): number {
  for (let i = segments.length - 1; i > 0; i--) if (label >= segments[i]!.firstLabel) return i;
  return 0;
}

export function describeFile(dir: string, file: string, sha256: string, vectors: number, firstLabel: number): SegmentRef {
  const st = statSync(join(dir, file));
  return { file, sha256, vectors, dead: 0, firstLabel, bytes: st.size, mtimeMs: st.mtimeMs };
}

/** True when the file is as written (size and time): the writer then skips re-reading it whole. */
export function unchangedSince(dir: string, ref: SegmentRef): boolean {
  try {
    const st = statSync(join(dir, ref.file));
    return ref.bytes >= 0 && st.size === ref.bytes && st.mtimeMs === ref.mtimeMs;
  } catch {
    return false;
  }
}

export type CompactionPlan = { kind: 'base' } | { kind: 'deltas' } | null;

/** Whether the segments call for a compaction, and which. */
export function compactionPlan(segments: readonly SegmentRef[]): CompactionPlan {
  const [base, ...deltas] = segments;
  if (!base) return null;
  const deltaVectors = deltas.reduce((n, s) => n + s.vectors, 0);
  const dead = segments.reduce((n, s) => n + s.dead, 0);
  if (deltas.length > 0 || dead > 0) {
    if (deltaVectors + dead > COMPACT_SHARE * Math.max(base.vectors - base.dead, 1)) return { kind: 'base' };
  }
  if (deltas.length > MAX_DELTAS) return { kind: 'deltas' };
  return null;
}

/**
 * Segments loaded in this process, by file: a new generation loads only the segments it does not
 * share with the one before (a reindex adding 200 passages loads a 200-vector delta, not the base).
 */
const loaded = new Map<string, { sha256: string; index: VectorIndex }>();

export function loadSegments(dir: string, refs: readonly SegmentRef[], dims: number, params: HnswParams): VectorIndex[] {
  const out = refs.map((ref) => {
    const key = join(dir, ref.file);
    const hit = loaded.get(key);
    if (hit && hit.sha256 === ref.sha256 && hit.index.dims === dims) return hit.index;
    // Tombstones are filtered at search (SegmentedIndex), never marked in a shared segment.
    const index = VectorIndex.load(key, ref.sha256, dims, params, 0);
    loaded.set(key, { sha256: ref.sha256, index });
    return index;
  });
  // Segments the newest generation no longer uses: an older snapshot still holding one keeps it alive.
  const keep = new Set(refs.map((r) => join(dir, r.file)));
  for (const key of loaded.keys()) if (key.startsWith(join(dir, '/')) && !keep.has(key)) loaded.delete(key);
  return out;
}

/** The dense leg of one generation: its segments searched together, tombstones left out. */
export class SegmentedIndex {
  constructor(
    readonly refs: readonly SegmentRef[],
    private readonly parts: readonly VectorIndex[],
    private readonly isLive: (label: number) => boolean,
  ) {}

  /** Live vectors. */
  get size(): number {
    return this.refs.reduce((n, r) => n + r.vectors - r.dead, 0);
  }

  get tombstones(): number {
    return this.refs.reduce((n, r) => n + r.dead, 0);
  }

  search(vector: Float32Array, k: number): LegHit[] {
    if (this.parts.length === 1 && this.refs[0]!.dead === 0) return this.parts[0]!.search(vector, k);
    const hits: LegHit[] = [];
    this.parts.forEach((part, i) => {
      // A segment without tombstones is searched without a filter (no call back into JS per node).
      for (const hit of part.search(vector, k, this.refs[i]!.dead > 0 ? this.isLive : undefined)) hits.push(hit);
    });
    return hits.sort((a, b) => b.score - a.score).slice(0, k);
  }

  similarities(vector: Float32Array, labels: readonly number[]): LegHit[] {
    const bySegment = new Map<number, number[]>();
    for (const label of labels) {
      if (!this.isLive(label)) continue;
      const i = segmentOfLabel(this.refs, label);
      bySegment.set(i, [...(bySegment.get(i) ?? []), label]);
    }
    const out: LegHit[] = [];
    for (const [i, list] of bySegment) out.push(...this.parts[i]!.similarities(vector, list));
    return out;
  }
}
