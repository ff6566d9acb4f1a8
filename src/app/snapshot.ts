import { existsSync } from 'node:fs';
import { Bm25Index } from '../core/bm25.ts';
import { analyze } from '../core/text/analyze.ts';
import type { CorpusView, LexicalSearch } from '../core/retrieve.ts';
import type { DateWindow } from '../core/time/calendar.ts';
import type { Article, Passage } from '../core/types.ts';
import type { Config } from '../config.ts';
import { FtsLexicalIndex } from '../store/lexical-fts.ts';
import { MetadataStore, type Manifest, type StoredArticle, type StoredPassage } from '../store/metadata-store.ts';
import { loadSegments, SegmentedIndex, segmentsOf } from '../store/segments.ts';
import { CorruptIndexError } from '../store/vector-index.ts';
import { storePaths } from './paths.ts';

export interface ArticleSummary {
  id: string;
  path: string;
  title: string | null;
  source: string | null;
  published: string | null;
  url: string | null;
  /** When it entered the corpus (ISO timestamp); not its publication date. */
  addedAt: string;
  /** The earlier article this one is a near-copy of (the same dispatch republished); absent for an original. */
  copyOf?: string;
  chars: number;
  passages: number;
}

/**
 * One committed generation of the index, loaded in memory: what every question is answered from.
 * It never changes; a reindex produces a new snapshot that replaces it in one assignment.
 */
/**
 * The lexical leg: FTS5 tables in the store (nothing built at load, the passages' terms not even
 * read), or — with LEXICAL_INDEX=memory, or while those tables are missing or damaged until the next
 * reindex rebuilds them — core/bm25.ts built in memory from the stored terms. Both rank the same
 * (README, "Index").
 */
function inMemoryLexical(config: Config, articles: StoredArticle[], passages: StoredPassage[]): LexicalSearch {
  const lexical = new Bm25Index(config.retrieval.bm25);
  // The lexical leg also scores each passage's neighbours and its whole article, title included.
  const titles = new Map(articles.map((a) => [a.id, a.title ? analyze(a.title) : []]));
  for (const p of passages) {
    lexical.add(p.label, p.terms === '' ? [] : p.terms.split(' '), { article: p.articleId, ord: p.ord, title: titles.get(p.articleId) });
  }
  return lexical;
}

export class IndexSnapshot implements CorpusView {
  /** Publication days, sorted, computed on first use. */
  private publishedDays: string[] | null = null;

  private constructor(
    readonly manifest: Manifest,
    private readonly articles: Map<string, Article & { path: string; addedAt: string; copyOf: string | null }>,
    private readonly passages: Map<number, Passage>,
    /** Original id → its near-copies, earliest first. */
    private readonly copies: Map<string, Article[]>,
    readonly lexical: LexicalSearch,
    readonly dense: SegmentedIndex,
  ) {}

  /** Loads the current generation, or returns null when nothing has been indexed yet. */
  static load(config: Config): IndexSnapshot | null {
    const { database } = storePaths(config);
    if (!existsSync(database)) return null;
    const store = MetadataStore.open(database);
    try {
      // A segment file no generation uses is deleted once a newer one commits: on a race, read again.
      for (let attempt = 0; ; attempt++) {
        try {
          return IndexSnapshot.read(config, store);
        } catch (error) {
          if (!(error instanceof CorruptIndexError) || attempt >= 2) throw error;
        }
      }
    } finally {
      store.close();
    }
  }

  private static read(config: Config, store: MetadataStore): IndexSnapshot | null {
    const onDisk = config.retrieval.lexicalIndex === 'disk' ? FtsLexicalIndex.open(storePaths(config).database, config.retrieval.bm25) : null;
    try {
      return IndexSnapshot.readWith(config, store, onDisk);
    } catch (error) {
      onDisk?.close();
      throw error;
    }
  }

  private static readWith(config: Config, store: MetadataStore, onDisk: FtsLexicalIndex | null): IndexSnapshot | null {
    const state = store.read(() => ({ manifest: store.manifest(), articles: store.articles(), passages: onDisk ? store.passageSpans() : store.passages() }));
    if (!state.manifest) {
      onDisk?.close();
      return null;
    }
    const m = state.manifest;
    // Segments this process already loaded for an earlier generation are reused, not read again.
    const refs = segmentsOf(m);
    const parts = loadSegments(config.embeddingsDir, refs, m.dims, config.hnsw);
    const articles = new Map(
      state.articles.map((a) => [
        a.id,
        { id: a.id, path: a.path, title: a.title, source: a.source, url: a.url, published: a.published, language: a.language, text: a.text, addedAt: a.addedAt, copyOf: a.copyOf },
      ]),
    );
    const copies = new Map<string, Article[]>();
    const byEntry = [...articles.values()].sort((x, y) => (x.addedAt < y.addedAt ? -1 : x.addedAt > y.addedAt ? 1 : x.path < y.path ? -1 : 1));
    for (const a of byEntry) if (a.copyOf !== null) copies.set(a.copyOf, [...(copies.get(a.copyOf) ?? []), a]);
    const passages = new Map<number, Passage>();
    for (const p of state.passages) passages.set(p.label, { articleId: p.articleId, ord: p.ord, start: p.start, end: p.end });
    const lexical = onDisk ?? inMemoryLexical(config, state.articles, state.passages as StoredPassage[]);
    // A label whose passage left the index is a tombstone in its segment: never an answer.
    const dense = new SegmentedIndex(refs, parts, (label) => passages.has(label));
    return new IndexSnapshot(m, articles, passages, copies, lexical, dense);
  }

  article(id: string): Article | undefined {
    return this.articles.get(id);
  }

  /** The near-copies of an article (the same dispatch republished elsewhere), earliest first. */
  copiesOf(id: string): readonly Article[] {
    return this.copies.get(id) ?? [];
  }

  /** Every story of this generation (for "quoi de neuf ?" with no subject): a near-copy is not another story. */
  *allArticles(): Iterable<Article> {
    for (const a of this.articles.values()) if (a.copyOf === null) yield a;
  }

  /**
   * Whether any article was published in the window: a question's period filters only when the
   * corpus has something from then (in an undated corpus, an encyclopedia, "en 1715" is content).
   */
  hasPublishedWithin(window: DateWindow): boolean {
    const days = this.days();
    // The first day on or after the window's start, then whether it is still inside.
    let lo = 0;
    let hi = days.length;
    const from = window.from ?? '';
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (days[mid]! < from) lo = mid + 1;
      else hi = mid;
    }
    return lo < days.length && (window.to === null || days[lo]! <= window.to);
  }

  /** True when some article has a publication date (a news corpus, not an encyclopedia). */
  get hasDatedArticles(): boolean {
    return this.days().length > 0;
  }

  private days(): string[] {
    return (this.publishedDays ??= [...this.articles.values()].flatMap((a) => (a.published ? [a.published.slice(0, 10)] : [])).sort());
  }


  passage(label: number): Passage | undefined {
    return this.passages.get(label);
  }

  get articleCount(): number {
    return this.articles.size;
  }

  get passageCount(): number {
    return this.passages.size;
  }

  summaries(): ArticleSummary[] {
    const counts = new Map<string, number>();
    for (const p of this.passages.values()) counts.set(p.articleId, (counts.get(p.articleId) ?? 0) + 1);
    return [...this.articles.values()].map((a) => ({
      id: a.id,
      path: a.path,
      title: a.title,
      source: a.source,
      published: a.published,
      url: a.url,
      addedAt: a.addedAt,
      ...(a.copyOf !== null ? { copyOf: a.copyOf } : {}),
      chars: a.text.length,
      passages: counts.get(a.id) ?? 0,
    }));
  }
}
