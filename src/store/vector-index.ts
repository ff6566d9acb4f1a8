import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync, renameSync, rmSync } from 'node:fs';
import hnswlib from 'hnswlib-node';
import type { LegHit } from '../core/fusion.ts';
import { fsyncPath, sha256File } from './files.ts';

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

/**
 * Where each stored vector sits in the index file hnswlib wrote (hnswlib 0.8 layout: a 96-byte header,
 * then one fixed-size record per element: level-0 links, the vector, the label). Reading a vector
 * there costs one small read; hnswlib-node's getPoint builds a JS array element by element, which
 * made scoring 50 lexical candidates take about 13 ms, most of a question's search time.
 */
interface FileVectors {
  fd: number;
  recordBytes: number;
  dataOffset: number;
  /** Label → record number. */
  records: Map<number, number>;
  scratch: Uint8Array;
}

const HEADER_BYTES = 96;
const READ_BYTES = 4 * 1024 * 1024;
const closeFile = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
});

/** Cosine HNSW index over passage vectors; labels are passage labels. */
export class VectorIndex {
  private deleted = 0;
  private file: FileVectors | null = null;

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
    // Deleted between the check and the read (a compaction committed meanwhile): missing too.
    const missing = (error: unknown) => ((error as NodeJS.ErrnoException).code === 'ENOENT' ? new CorruptIndexError(path, 'file missing') : error);
    let scanned: ReturnType<typeof scanIndexFile>;
    try {
      scanned = scanIndexFile(path, dims);
    } catch (error) {
      throw missing(error);
    }
    const { checksum, layout } = scanned;
    if (checksum !== expectedSha256) throw new CorruptIndexError(path, 'checksum mismatch');
    const index = new hnswlib.HierarchicalNSW('cosine', dims);
    try {
      index.readIndexSync(path);
    } catch (error) {
      throw new CorruptIndexError(path, (error as Error).message);
    }
    const loaded = new VectorIndex(index, dims, params);
    loaded.deleted = deleted;
    if (layout && layout.records.size === index.getCurrentCount()) {
      // The open file stays readable after a newer generation deletes it, until this index is collected.
      let fd: number;
      try {
        fd = openSync(path, 'r');
      } catch (error) {
        throw missing(error);
      }
      loaded.file = { fd, ...layout, scratch: new Uint8Array(layout.dataOffset + dims * 4) };
      closeFile.register(loaded, fd);
    }
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
    this.file?.records.delete(label);
    this.deleted++;
  }

  /** The k nearest stored vectors; with `keep`, only labels it accepts (hnswlib filters while it walks the graph). */
  search(vector: Float32Array, k: number, keep?: (label: number) => boolean): LegHit[] {
    const n = Math.min(k, this.size);
    if (n <= 0) return [];
    const { distances, neighbors } = keep ? this.index.searchKnn(Array.from(vector), n, keep) : this.index.searchKnn(Array.from(vector), n);
    return neighbors.map((label, i) => ({ label, score: 1 - distances[i]! }));
  }

  /** Cosine similarity of `vector` to each of these stored passages (those no longer stored are left out). */
  similarities(vector: Float32Array, labels: readonly number[]): LegHit[] {
    const out: LegHit[] = [];
    for (const label of labels) {
      const point = this.storedVector(label);
      if (!point) continue; // deleted or never added
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

  /** The stored (normalised) vector of a label, from the index file when it was loaded from one. */
  private storedVector(label: number): ArrayLike<number> | null {
    const file = this.file;
    const record = file?.records.get(label);
    if (file && record !== undefined) {
      const { fd, recordBytes, dataOffset, scratch } = file;
      const n = readSync(fd, scratch, 0, scratch.length, HEADER_BYTES + record * recordBytes);
      // Byte 2 of a record holds hnswlib's deleted mark.
      if (n === scratch.length && (scratch[2]! & 1) === 0) return new Float32Array(scratch.buffer, dataOffset, this.dims);
      if (n === scratch.length) return null;
    }
    try {
      return this.index.getPoint(label);
    } catch {
      return null;
    }
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

  /** Every label stored in the graph, deleted ones included. */
  labels(): number[] {
    return this.index.getIdsList();
  }

  get hnswParams(): HnswParams {
    return this.params;
  }
}

/**
 * Reads an index file once: its SHA-256, and where each label's record is (see FileVectors), or no
 * layout when the header does not describe records that hold `dims`-float vectors.
 */
function scanIndexFile(path: string, dims: number): { checksum: string; layout: Omit<FileVectors, 'fd' | 'scratch'> | null } {
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const header = new Uint8Array(HEADER_BYTES);
    let position = readSync(fd, header, 0, HEADER_BYTES, 0);
    hash.update(header.subarray(0, position));
    let layout: Omit<FileVectors, 'fd' | 'scratch'> | null = null;
    if (position === HEADER_BYTES) {
      const view = new DataView(header.buffer);
      const count = Number(view.getBigUint64(16, true));
      const recordBytes = Number(view.getBigUint64(24, true));
      const labelOffset = Number(view.getBigUint64(32, true));
      const dataOffset = Number(view.getBigUint64(40, true));
      if (recordBytes > 0 && labelOffset + 8 <= recordBytes && dataOffset % 4 === 0 && dataOffset + dims * 4 <= labelOffset && count < 2 ** 32) {
        const records = new Map<number, number>();
        const perRead = Math.max(1, Math.floor(READ_BYTES / recordBytes));
        const buffer = new Uint8Array(perRead * recordBytes);
        const data = new DataView(buffer.buffer);
        let complete = true;
        for (let first = 0; first < count && complete; first += perRead) {
          const want = Math.min(perRead, count - first) * recordBytes;
          const n = readSync(fd, buffer, 0, want, position);
          hash.update(buffer.subarray(0, n));
          position += n;
          complete = n === want;
          for (let i = 0; (i + 1) * recordBytes <= n; i++) {
            const at = i * recordBytes + labelOffset;
            records.set(data.getUint32(at, true) + data.getUint32(at + 4, true) * 2 ** 32, first + i);
          }
        }
        if (complete) layout = { recordBytes, dataOffset, records };
      }
    }
    const buffer = new Uint8Array(READ_BYTES);
    for (let n = readSync(fd, buffer, 0, READ_BYTES, position); n > 0; n = readSync(fd, buffer, 0, READ_BYTES, position)) {
      hash.update(buffer.subarray(0, n));
      position += n;
    }
    return { checksum: hash.digest('hex'), layout };
  } finally {
    closeSync(fd);
  }
}
