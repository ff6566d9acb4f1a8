/**
 * Several libraries' snapshots seen as one, so a member's answer merges the passages of their
 * server's library and of the shared library and is composed by the same code as for one library.
 * Article ids are namespaced (`server:…`, `shared:…`) and passage labels interleaved
 * (label × slots + slot), so nothing from one library can be mistaken for the other's.
 */
import type { LexicalHit } from '../core/bm25.ts';
import type { LegHit } from '../core/fusion.ts';
import type { DenseSearch, LexicalSearch } from '../core/retrieve.ts';
import type { DateWindow } from '../core/time/calendar.ts';
import type { Article, Passage } from '../core/types.ts';
import type { AnswerView } from './questions.ts';
import type { IndexSnapshot } from './snapshot.ts';

export interface NamedSnapshot {
  /** Prefix of its article ids in the combined view (`server`, `shared`). */
  name: string;
  snapshot: IndexSnapshot;
}

export class CombinedView implements AnswerView {
  readonly manifest: { model: string };
  readonly lexical: LexicalSearch;
  readonly dense: DenseSearch;
  private readonly renamed = new Map<string, Article>();

  constructor(private readonly parts: readonly NamedSnapshot[]) {
    const models = new Set(parts.map((p) => p.snapshot.manifest.model));
    // Vectors of two models live in two spaces: the questions code then searches lexically only.
    this.manifest = { model: models.size === 1 ? [...models][0]! : 'mixed' };
    this.lexical = new CombinedLexical(
      parts.map((p) => ({ index: p.snapshot.lexical, passages: p.snapshot.passageCount })),
      (slot, label) => this.label(slot, label),
    );
    this.dense = {
      search: (vector, k) => topK(parts.flatMap((p, slot) => p.snapshot.dense.search(vector, k).map((h) => this.hit(slot, h))), k),
      similarities: (vector, labels) =>
        parts.flatMap((p, slot) => {
          const own = labels.filter((l) => l % parts.length === slot).map((l) => Math.floor(l / parts.length));
          return own.length === 0 ? [] : p.snapshot.dense.similarities(vector, own).map((h) => this.hit(slot, h));
        }),
    };
  }

  article(id: string): Article | undefined {
    const cached = this.renamed.get(id);
    if (cached) return cached;
    const colon = id.indexOf(':');
    const part = this.parts.find((p) => p.name === id.slice(0, colon));
    const a = part?.snapshot.article(id.slice(colon + 1));
    if (!part || !a) return undefined;
    return this.rename(part, a);
  }

  passage(label: number): Passage | undefined {
    const slot = label % this.parts.length;
    const part = this.parts[slot]!;
    const p = part.snapshot.passage(Math.floor(label / this.parts.length));
    return p ? { ...p, articleId: `${part.name}:${p.articleId}` } : undefined;
  }

  copiesOf(id: string): readonly Article[] {
    const colon = id.indexOf(':');
    const part = this.parts.find((p) => p.name === id.slice(0, colon));
    return part ? part.snapshot.copiesOf(id.slice(colon + 1)).map((a) => this.rename(part, a)) : [];
  }

  *allArticles(): Iterable<Article> {
    for (const part of this.parts) for (const a of part.snapshot.allArticles()) yield this.rename(part, a);
  }

  hasPublishedWithin(window: DateWindow): boolean {
    return this.parts.some((p) => p.snapshot.hasPublishedWithin(window));
  }

  get hasDatedArticles(): boolean {
    return this.parts.some((p) => p.snapshot.hasDatedArticles);
  }

  private rename(part: NamedSnapshot, a: Article): Article {
    const id = `${part.name}:${a.id}`;
    let renamed = this.renamed.get(id);
    if (!renamed) this.renamed.set(id, (renamed = { ...a, id }));
    return renamed;
  }

  private label(slot: number, label: number): number {
    return label * this.parts.length + slot;
  }

  private hit<H extends LegHit>(slot: number, h: H): H {
    return { ...h, label: this.label(slot, h.label) };
  }
}

/**
 * The lexical leg over several BM25 indexes: each ranks its own passages and the best `k` of all
 * are kept. Each index weighs words by its own statistics; the answer's sentence scoring uses the
 * weights (and idf) of the largest library (the closest to what one merged index would give).
 */
class CombinedLexical implements LexicalSearch {
  constructor(
    private readonly parts: readonly { index: LexicalSearch; passages: number }[],
    private readonly relabel: (slot: number, label: number) => number,
  ) {}

  search(queryTerms: readonly string[], k: number): LexicalHit[] {
    return topK(
      this.parts.flatMap(({ index }, slot) => index.search(queryTerms, k).map((h) => ({ ...h, label: this.relabel(slot, h.label) }))),
      k,
    );
  }

  queryWeights(queryTerms: readonly string[]): Map<string, number> {
    return this.largest().queryWeights(queryTerms);
  }

  idf(term: string): number {
    return this.largest().idf(term);
  }

  private largest(): LexicalSearch {
    return this.parts.reduce((a, b) => (b.passages > a.passages ? b : a)).index;
  }
}

function topK<H extends LegHit>(hits: H[], k: number): H[] {
  return hits.sort((a, b) => b.score - a.score || a.label - b.label).slice(0, k);
}
