/**
 * The benchmark corpus and questions, from the OrangeSum subset in ../shared/datasets/orangesum-news:
 * each article becomes a Markdown file with front matter (title, source, url, published = date), its
 * body the `paragraphs` joined by blank lines (`article` when `paragraphs` is null).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface OrangeSumArticle {
  docId: string;
  title: string;
  source: string | null;
  url: string | null;
  date: string | null;
  body: string;
}

export interface BenchQuestion {
  text: string;
  /** Article id in Dépêche (file stem) and doc_id in the dataset: the same string. */
  gold: string;
}

export const DEFAULT_DATASET = 'orangesum-news/orangesum-news.test-valid.jsonl';

/** The OrangeSum file under the shared datasets folder (eval/datasets.ts datasetsDir). */
export function datasetPath(datasetsDir: string): string {
  return join(datasetsDir, DEFAULT_DATASET);
}

interface Row {
  doc_id: string;
  title: string;
  source: string | null;
  url: string | null;
  date: string | null;
  article: string;
  paragraphs: string[] | null;
}

/** The first `limit` articles of the dataset, in file order. */
export function readOrangeSum(path: string, limit = Infinity): OrangeSumArticle[] {
  if (!existsSync(path)) throw new Error(`OrangeSum dataset not found at ${path} (set DATASETS_DIR)`);
  const out: OrangeSumArticle[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (out.length >= limit) break;
    if (line.trim() === '') continue;
    const row = JSON.parse(line) as Row;
    const body = row.paragraphs ? row.paragraphs.map((p) => p.trim()).filter(Boolean).join('\n\n') : row.article.trim();
    out.push({ docId: row.doc_id, title: row.title, source: row.source, url: row.url, date: row.date, body });
  }
  return out;
}

/** Writes one Markdown file per article into `dir` (file stem = doc_id = Dépêche's article id). */
export function writeCorpus(articles: readonly OrangeSumArticle[], dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const a of articles) {
    const lines = ['---', `title: ${JSON.stringify(a.title)}`];
    if (a.source) lines.push(`source: ${JSON.stringify(a.source)}`);
    if (a.url) lines.push(`url: ${JSON.stringify(a.url)}`);
    if (a.date) lines.push(`published: ${JSON.stringify(a.date)}`);
    lines.push('language: fr', '---', '', a.body, '');
    writeFileSync(join(dir, `${a.docId}.md`), lines.join('\n'));
  }
}

/**
 * The fixed question set: the titles of every `stride`-th article (titles are front matter, not
 * indexed text, so a title never matches itself). Warm-up questions are titles of other articles.
 */
export function titleQuestions(articles: readonly OrangeSumArticle[], count: number, warmup: number): { questions: BenchQuestion[]; warmup: BenchQuestion[] } {
  const stride = Math.max(1, Math.floor(articles.length / count));
  const questions: BenchQuestion[] = [];
  const warm: BenchQuestion[] = [];
  for (let i = 0; i < articles.length && questions.length < count; i += stride) {
    questions.push({ text: articles[i]!.title, gold: articles[i]!.docId });
  }
  const offset = Math.max(1, Math.floor(stride / 2));
  for (let i = offset; i < articles.length && warm.length < warmup; i += stride) {
    warm.push({ text: articles[i]!.title, gold: articles[i]!.docId });
  }
  return { questions, warmup: warm };
}
