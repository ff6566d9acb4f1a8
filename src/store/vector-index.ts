import { existsSync } from 'node:fs';
import hnswlib from 'hnswlib-node';
import type { LegHit } from '../core/fusion.ts';
import { fsyncPath, sha256File } from './files.ts';
import { renameSync, rmSync } from 'node:fs';

export interface HnswParams {
  m: number;
  efConstruction: number;
  efSearch: number;
}

export class CorruptIndexError extends Error {
  constructor(path: string, reason: string) {
    super(`vector index ${path} is unusable (${reason})`);
    this.name = 'CorruptIndexError';
  }
}

/** Cosine HNSW index over passage vectors; labels are passage labels. */
export class VectorIndex {
  private deleted = 0;

  private constructor(
    private readonly index: hnswlib.HierarchicalNSW,
    readonly dims: number,
    private readonly params: HnswParams,
  ) {
    // hnswlib does not persist ef: set it every time an index is created or loaded.
    index.setEf(params.efSearch);
  }

  static create(dims: number, capacity: number, params: HnswParams): VectorIndex {
    const index = new hnswlib.HierarchicalNSW('cosine', dims);
    index.initIndex({ maxElements: Math.max(capacity, 16), m: params.m, efConstruction: params.efConstruction, randomSeed: 100 });
    return new VectorIndex(index, dims, params);
  }

  /**
   * Loads an index file after checking it against the checksum recorded when it was written:
   * hnswlib would read a truncated or altered file without complaint, or crash the process.
   */
  static load(path: string, expectedSha256: string, dims: number, params: HnswParams, deleted: number): VectorIndex {
    if (!existsSync(path)) throw new CorruptIndexError(path, 'file missing');
    const actual = sha256File(path);
    if (actual !== expectedSha256) throw new CorruptIndexError(path, 'checksum mismatch');
    const index = new hnswlib.HierarchicalNSW('cosine', dims);
    try {
      index.readIndexSync(path);
    } catch (error) {
      throw new CorruptIndexError(path, (error as Error).message);
    }
    const loaded = new VectorIndex(index, dims, params);
    loaded.deleted = deleted;
    return loaded;
  }

  /** Live (not deleted) vectors. */
  get size(): number {
    return this.index.getCurrentCount() - this.deleted;
  }

  /** Deleted vectors still taking room in the graph until the next full rebuild. */
  get tombstones(): number {
    return this.deleted;
  }

  add(label: number, vector: Float32Array): void {
    if (vector.length !== this.dims) throw new Error(`vector has ${vector.length} dimensions, index has ${this.dims}`);
    const max = this.index.getMaxElements();
    if (this.index.getCurrentCount() >= max) this.index.resizeIndex(Math.ceil(max * 1.5) + 16);
    this.index.addPoint(Array.from(vector), label);
  }

  remove(label: number): void {
    this.index.markDelete(label);
    this.deleted++;
  }

  search(vector: Float32Array, k: number): LegHit[] {
    const n = Math.min(k, this.size);
    if (n <= 0) return [];
    const { distances, neighbors } = this.index.searchKnn(Array.from(vector), n);
    return neighbors.map((label, i) => ({ label, score: 1 - distances[i]! }));
  }

  /** Cosine similarity of `vector` to each of these stored passages (those no longer stored are left out). */
  similarities(vector: Float32Array, labels: readonly number[]): LegHit[] {
    const out: LegHit[] = [];
    for (const label of labels) {
      let point: number[];
      try {
        point = this.index.getPoint(label);
      } catch {
        continue; // deleted or never added
      }
      let dot = 0;
      let norm = 0;
      for (let i = 0; i < point.length; i++) {
        dot += point[i]! * vector[i]!;
        norm += point[i]! * point[i]!;
      }
      out.push({ label, score: norm > 0 ? dot / Math.sqrt(norm) : 0 });
    }
    return out;
  }

  /** Writes the index durably under `path` (via a temporary file) and returns its checksum. */
  save(path: string): string {
    const tmp = `${path}.tmp-${process.pid}`;
    try {
      this.index.writeIndexSync(tmp);
      fsyncPath(tmp);
      const checksum = sha256File(tmp);
      renameSync(tmp, path);
      return checksum;
    } catch (error) {
      rmSync(tmp, { force: true });
      throw error;
    }
  }

  get hnswParams(): HnswParams {
    return this.params;
  }
}
