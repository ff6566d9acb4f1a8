/**
 * Reads what is really on disk (SQLite store + HNSW file) and checks that it forms one consistent
 * generation: the state a question is answered from.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import hnswlib from 'hnswlib-node';
import type { Config } from '../../src/config.ts';
import { storePaths } from '../../src/app/paths.ts';
import { sha256 } from '../../src/store/files.ts';
import { MetadataStore, type Manifest } from '../../src/store/metadata-store.ts';
import { segmentOfLabel, segmentsOf } from '../../src/store/segments.ts';

export interface IndexedArticle {
  id: string;
  path: string;
  title: string | null;
  text: string;
}

export interface IndexedPassage {
  label: number;
  articleId: string;
  ord: number;
  text: string;
}

export interface IndexState {
  manifest: Manifest;
  articles: IndexedArticle[];
  passages: IndexedPassage[];
  /** Labels the HNSW segment files hold with a passage (markDelete'd ones and tombstones excluded). */
  liveLabels: number[];
  /** Per segment: its file, the labels it holds (markDelete'd excluded), and the vectors marked deleted in it. */
  segments: { file: string; labels: number[]; markedDeleted: number; index: hnswlib.HierarchicalNSW }[];
}

/** The articles' stored texts (what quotes are taken from), by id, without touching the index file. */
export function storedTexts(config: Config): Map<string, string> {
  const { database } = storePaths(config);
  if (!existsSync(database)) return new Map();
  const store = MetadataStore.open(database);
  try {
    return new Map(store.articles().map((a) => [a.id, a.text]));
  } finally {
    store.close();
  }
}

/** Reads the committed generation; null when nothing was ever committed. */
export function readIndexState(config: Config): IndexState | null {
  const { database } = storePaths(config);
  if (!existsSync(database)) return null;
  const store = MetadataStore.open(database);
  try {
    const state = store.read(() => ({ manifest: store.manifest(), articles: store.articles(), passages: store.passages() }));
    if (!state.manifest) return null;
    const manifest = state.manifest;
    const texts = new Map(state.articles.map((a) => [a.id, a.text]));
    const known = new Set(state.passages.map((p) => p.label));
    const segments = segmentsOf(manifest).map((ref) => {
      const index = new hnswlib.HierarchicalNSW('cosine', manifest.dims);
      index.readIndexSync(join(config.embeddingsDir, ref.file));
      const all = index.getIdsList();
      const labels = all.filter((label) => {
        try {
          index.getPoint(label);
          return true;
        } catch {
          return false; // marked deleted
        }
      });
      return { file: ref.file, labels, markedDeleted: all.length - labels.length, index };
    });
    const liveLabels = segments.flatMap((s) => s.labels).filter((l) => known.has(l));
    return {
      manifest,
      articles: state.articles.map((a) => ({ id: a.id, path: a.path, title: a.title, text: a.text })),
      passages: state.passages.map((p) => ({
        label: p.label,
        articleId: p.articleId,
        ord: p.ord,
        text: texts.get(p.articleId)?.slice(p.start, p.end) ?? '',
      })),
      liveLabels: liveLabels.sort((a, b) => a - b),
      segments,
    };
  } finally {
    store.close();
  }
}

/**
 * Asserts that the store and the HNSW file form one generation, never a mix: the index file matches
 * its recorded checksum, every passage belongs to a stored article and its offsets still cut the text
 * it was embedded from, the index answers with exactly the passages' labels, and the vector under each
 * label is the model's vector for that passage's text. Returns the state for further checks.
 */
export function assertConsistent(config: Config): IndexState {
  const { database } = storePaths(config);
  const state = readIndexState(config);
  if (!state) throw new Error('no committed index');
  const { manifest } = state;
  const problems: string[] = [];
  const refs = segmentsOf(manifest);
  if (refs[0]!.file !== manifest.indexFile || refs[0]!.sha256 !== manifest.indexSha256) problems.push('the manifest names another base than its first segment');
  for (const ref of refs) {
    if (sha256(readFileSync(join(config.embeddingsDir, ref.file))) !== ref.sha256) problems.push(`${ref.file}: checksum differs from the manifest`);
  }

  const store = MetadataStore.open(database);
  let stored;
  let cached: Map<string, Float32Array>;
  try {
    stored = store.passages();
    cached = store.vectors(manifest.model, stored.map((p) => p.hash));
  } finally {
    store.close();
  }
  const articles = new Map(state.articles.map((a) => [a.id, a]));
  // Each label sits in exactly the segment its range says, and each segment's tombstones are counted.
  const live = new Set(stored.map((p) => p.label));
  const seen = new Set<number>();
  state.segments.forEach((segment, i) => {
    let dead = segment.markedDeleted;
    for (const label of segment.labels) {
      if (seen.has(label)) problems.push(`label ${label} is in two segments`);
      seen.add(label);
      if (segmentOfLabel(refs, label) !== i) problems.push(`label ${label} is in ${segment.file}, outside its label range`);
      if (!live.has(label)) dead++;
    }
    if (dead !== refs[i]!.dead) problems.push(`${segment.file}: manifest counts ${refs[i]!.dead} tombstones, the file holds ${dead}`);
  });
  for (const p of stored) {
    const article = articles.get(p.articleId);
    if (!article) {
      problems.push(`passage ${p.label} belongs to missing article ${p.articleId}`);
      continue;
    }
    const text = article.text.slice(p.start, p.end);
    if (sha256(`${config.embedding.passagePrefix}\u0000${text}`) !== p.hash) {
      problems.push(`passage ${p.label} (${p.articleId} #${p.ord}): offsets ${p.start}-${p.end} no longer cut the text it was embedded from`);
    }
    const vector = cached.get(p.hash);
    if (vector && state.liveLabels.includes(p.label)) {
      const point = state.segments[segmentOfLabel(refs, p.label)]!.index.getPoint(p.label);
      let dot = 0;
      for (let i = 0; i < point.length; i++) dot += point[i]! * vector[i]!;
      if (dot < 0.9999) problems.push(`passage ${p.label}: the index holds another text's vector (cosine ${dot.toFixed(4)})`);
    }
  }
  const labels = stored.map((p) => p.label).sort((a, b) => a - b);
  if (JSON.stringify(labels) !== JSON.stringify(state.liveLabels)) {
    const live = new Set(state.liveLabels);
    const known = new Set(labels);
    problems.push(
      `index labels and passages differ: ${labels.filter((l) => !live.has(l)).length} passages missing from the index, ` +
        `${state.liveLabels.filter((l) => !known.has(l)).length} index labels without a passage`,
    );
  }
  if (manifest.passages !== labels.length) problems.push(`manifest says ${manifest.passages} passages, store has ${labels.length}`);
  if (problems.length > 0) throw new Error(`inconsistent index:\n  ${problems.slice(0, 20).join('\n  ')}`);
  return state;
}

/** What a user can observe of an index, independent of labels and generations: for comparisons. */
export function observable(state: IndexState) {
  return {
    articles: state.articles.map((a) => ({ id: a.id, path: a.path, title: a.title, text: a.text })).sort((a, b) => a.id.localeCompare(b.id)),
    passages: state.passages.map((p) => `${p.articleId}#${p.ord}:${p.text}`).sort(),
  };
}

/** Vectors kept in the embedding cache, against the distinct passage texts that use them. */
export function cacheStats(config: Config): { vectors: number; passageTexts: number } {
  const db = new Database(storePaths(config).database, { readonly: true });
  try {
    const count = (sql: string) => (db.prepare(sql).pluck().get() as number) ?? 0;
    return { vectors: count('SELECT count(*) FROM vectors'), passageTexts: count('SELECT count(DISTINCT hash) FROM passages') };
  } finally {
    db.close();
  }
}
