/**
 * Labelled pairs for measuring near-copy detection, built from OrangeSum articles (README of
 * ../shared/datasets/orangesum-news): positives are copies we make of an article the way outlets
 * republish a wire dispatch; negatives are different articles, the hardest ones being those
 * published the same day with the most words in common (same event, other story).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { words } from '../../src/core/near-duplicates.ts';
import { datasetsDir } from '../../src/eval/datasets.ts';

export interface SourceArticle {
  id: string;
  split: 'valid' | 'test';
  title: string;
  heading: string;
  date: string;
  paragraphs: string[];
}

export type CopyKind = 're-titled' | 'new-intro' | 'words-changed' | 'paragraph-dropped' | 'all-at-once';
export type PairKind = CopyKind | 'same-day' | 'random';

export interface LabelledPair {
  kind: PairKind;
  copy: boolean;
  a: { id: string; title: string; text: string };
  b: { id: string; title: string; text: string };
}

export function orangeSumPath(): string {
  return join(datasetsDir(), 'orangesum-news', 'orangesum-news.test-valid.jsonl');
}

/** The split's articles with at least four paragraphs (so a dropped one still leaves a story). */
export function loadSplit(split: 'valid' | 'test'): SourceArticle[] {
  return readFileSync(orangeSumPath(), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { doc_id: string; split: string; title: string; heading: string; date: string; paragraphs: string[] | null })
    .filter((r) => r.split === split && r.paragraphs !== null && r.paragraphs.length >= 4)
    .map((r) => ({ id: r.doc_id, split, title: r.title, heading: r.heading, date: r.date, paragraphs: r.paragraphs! }));
}

/** A small seeded generator (mulberry32): the same pairs on every run. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const text = (paragraphs: string[]) => paragraphs.join('\n\n');

/** Replaces `share` of the words (at least 3) with words taken from another article. */
function changeWords(body: string, share: number, pool: string[], random: () => number): string {
  const tokens = body.split(' ');
  const n = Math.max(3, Math.round(tokens.length * share));
  for (let i = 0; i < n; i++) tokens[Math.floor(random() * tokens.length)] = pool[Math.floor(random() * pool.length)]!;
  return tokens.join(' ');
}

/** A copy of `a` of the given kind, as another outlet would publish it. */
export function makeCopy(a: SourceArticle, kind: CopyKind, other: SourceArticle, random: () => number): { title: string; text: string } {
  const pool = words(text(other.paragraphs));
  const dropOne = (ps: string[]) => ps.filter((_, i) => i !== 1 + Math.floor(random() * (ps.length - 1)));
  switch (kind) {
    case 're-titled':
      return { title: `${other.title.split(' ').slice(0, 3).join(' ')} : ${a.title.toLowerCase()}`, text: `${text(a.paragraphs)}\n\nAvec AFP` };
    case 'new-intro':
      return { title: a.title, text: text([a.heading, ...a.paragraphs.slice(1)]) };
    case 'words-changed':
      return { title: a.title, text: changeWords(text(a.paragraphs), 0.03, pool, random) };
    case 'paragraph-dropped':
      return { title: a.title, text: text(dropOne(a.paragraphs)) };
    case 'all-at-once':
      return { title: `Info : ${a.title}`, text: changeWords(text(dropOne([a.heading, ...a.paragraphs.slice(1)])), 0.02, pool, random) };
  }
}

export const COPY_KINDS: CopyKind[] = ['re-titled', 'new-intro', 'words-changed', 'paragraph-dropped', 'all-at-once'];

/** Word-set overlap of two articles (content words of 4 letters or more): how alike their subject is. */
function topicOverlap(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  return shared / (a.size + b.size - shared);
}

/**
 * Pairs of a split: `perArticle` copies of every kind for `copies` articles, the `sameDay` same-day
 * pairs with the most words in common, and `randomPairs` random pairs.
 */
export function buildPairs(split: 'valid' | 'test', counts = { copies: 200, sameDay: 300, randomPairs: 500 }): LabelledPair[] {
  const articles = loadSplit(split);
  const random = seeded(split === 'valid' ? 16 : 61);
  const pairs: LabelledPair[] = [];
  const side = (a: SourceArticle) => ({ id: a.id, title: a.title, text: text(a.paragraphs) });
  const step = Math.max(1, Math.floor(articles.length / counts.copies));
  for (let i = 0; i < articles.length && pairs.length < counts.copies * COPY_KINDS.length; i += step) {
    const a = articles[i]!;
    const other = articles[(i + 7) % articles.length]!;
    for (const kind of COPY_KINDS) pairs.push({ kind, copy: true, a: side(a), b: { id: `${a.id}~${kind}`, ...makeCopy(a, kind, other, random) } });
  }
  const vocab = new Map(articles.map((a) => [a.id, new Set(words(text(a.paragraphs)).filter((w) => w.length >= 4))]));
  const byDay = new Map<string, SourceArticle[]>();
  for (const a of articles) byDay.set(a.date, [...(byDay.get(a.date) ?? []), a]);
  const sameDay: { a: SourceArticle; b: SourceArticle; overlap: number }[] = [];
  for (const day of byDay.values()) {
    for (let i = 0; i < day.length; i++) {
      for (let j = i + 1; j < day.length; j++) sameDay.push({ a: day[i]!, b: day[j]!, overlap: topicOverlap(vocab.get(day[i]!.id)!, vocab.get(day[j]!.id)!) });
    }
  }
  sameDay.sort((x, y) => y.overlap - x.overlap);
  for (const p of sameDay.slice(0, counts.sameDay)) pairs.push({ kind: 'same-day', copy: false, a: side(p.a), b: side(p.b) });
  for (let n = 0; n < counts.randomPairs; n++) {
    const a = articles[Math.floor(random() * articles.length)]!;
    const b = articles[Math.floor(random() * articles.length)]!;
    if (a.id !== b.id) pairs.push({ kind: 'random', copy: false, a: side(a), b: side(b) });
  }
  return pairs;
}
