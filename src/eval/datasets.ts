/**
 * Evaluation datasets read from outside the repository (their licences forbid republishing them):
 * PIAF v1.1 (French Wikipedia questions, gold answer spans) and OrangeSum (French news articles with
 * abstracts used as known-item queries). Each is turned into articles the project ingests as Markdown
 * files and queries with their gold labels.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { toFrontMatterMarkdown } from '../core/front-matter.ts';

export type Split = 'dev' | 'test';

export interface EvalArticle {
  /** File stem; also the article id the indexer derives from it (already lowercase [a-z0-9_-]). */
  id: string;
  title: string | null;
  source: string | null;
  url: string | null;
  published: string | null;
  body: string;
  /** PIAF: paragraph offsets within `body`, to move answer spans into article coordinates. */
  paragraphs?: { id: string; start: number; end: number; text: string }[];
}

export interface EvalQuery {
  id: string;
  text: string;
  split: Split;
  goldArticle: string;
  /** PIAF: gold paragraph id and answers (text and start within that paragraph). */
  goldPassage?: string;
  answers?: { text: string; start: number }[];
  kind?: string;
}

export interface EvalDataset {
  name: 'piaf' | 'orangesum';
  articles: EvalArticle[];
  queries: EvalQuery[];
}

/** Where the shared datasets live: DATASETS_DIR, else ../shared/datasets next to the repository. */
export function datasetsDir(env: Record<string, string | undefined> = process.env, repoRoot = process.cwd()): string {
  const dir = env.DATASETS_DIR?.trim();
  return dir ? resolve(repoRoot, dir) : resolve(repoRoot, '../shared/datasets');
}

/** Loads the dataset at `path` (a folder holding PIAF or OrangeSum files). */
export function loadDataset(path: string): EvalDataset {
  if (existsSync(join(path, 'piaf-v1.1.json'))) return loadPiaf(path);
  if (existsSync(join(path, 'orangesum-news.test-valid.jsonl'))) return loadOrangeSum(path);
  throw new Error(`${path}: neither PIAF (piaf-v1.1.json) nor OrangeSum (orangesum-news.test-valid.jsonl) found`);
}

/** PIAF articles a000–a239 are the dev half, a240–a479 the test half (BASELINES.md). */
export const PIAF_DEV_ARTICLES = 240;

interface PiafFile {
  data: { title: string; categorie: string; paragraphs: { context: string; qas: { id: string; question: string; answers: { text: string; answer_start: number }[] }[] }[] }[];
}

/**
 * PIAF, "setup B" of its SOURCE.md: each Wikipedia page becomes one article whose body is its
 * paragraphs joined by blank lines, cut by the project's own chunker.
 */
export function loadPiaf(path: string): EvalDataset {
  const file = JSON.parse(readFileSync(join(path, 'piaf-v1.1.json'), 'utf8')) as PiafFile;
  const articles: EvalArticle[] = [];
  const queries: EvalQuery[] = [];
  file.data.forEach((page, a) => {
    const id = `piaf-a${String(a).padStart(3, '0')}`;
    const paragraphs: NonNullable<EvalArticle['paragraphs']> = [];
    let body = '';
    page.paragraphs.forEach((p, i) => {
      if (i > 0) body += '\n\n';
      const pid = `piaf11-a${String(a).padStart(3, '0')}-p${String(i).padStart(2, '0')}`;
      paragraphs.push({ id: pid, start: body.length, end: body.length + p.context.length, text: p.context });
      body += p.context;
      for (const qa of p.qas) {
        queries.push({
          id: qa.id,
          text: qa.question,
          split: a < PIAF_DEV_ARTICLES ? 'dev' : 'test',
          goldArticle: id,
          goldPassage: pid,
          answers: qa.answers.map((x) => ({ text: x.text, start: x.answer_start })),
        });
      }
    });
    articles.push({ id, title: page.title, source: 'Wikipédia', url: null, published: null, body, paragraphs });
  });
  return { name: 'piaf', articles, queries };
}

interface OrangeSumRecord {
  doc_id: string;
  split: 'valid' | 'test';
  title: string;
  date: string;
  article: string;
  url: string | null;
  source: string | null;
  paragraphs: string[] | null;
}

interface OrangeSumQuery {
  query_id: string;
  query_type: 'title' | 'heading';
  text: string;
  gold_doc_id: string;
  split: 'valid' | 'test';
}

/** OrangeSum: the 3,000 articles (title as metadata, body as text; the abstract is never indexed). */
export function loadOrangeSum(path: string): EvalDataset {
  const lines = (name: string) => readFileSync(join(path, name), 'utf8').split('\n').filter((l) => l.trim() !== '');
  const articles = lines('orangesum-news.test-valid.jsonl').map((line): EvalArticle => {
    const r = JSON.parse(line) as OrangeSumRecord;
    return {
      id: r.doc_id,
      title: r.title,
      source: r.source,
      url: r.url,
      published: r.date,
      body: r.paragraphs ? r.paragraphs.join('\n\n') : r.article,
    };
  });
  const queries = lines('orangesum-news.queries.jsonl').map((line): EvalQuery => {
    const q = JSON.parse(line) as OrangeSumQuery;
    return { id: q.query_id, text: q.text, split: q.split === 'valid' ? 'dev' : 'test', goldArticle: q.gold_doc_id, kind: q.query_type };
  });
  return { name: 'orangesum', articles, queries };
}

/** The Markdown file the project would be given for an article (written as the ingest path writes it). */
export function articleMarkdown(a: EvalArticle, withTitle: boolean): string {
  return toFrontMatterMarkdown({ title: withTitle ? a.title : null, source: a.source, url: a.url, published: a.published, language: 'fr' }, a.body);
}

export function datasetLabel(path: string): string {
  return basename(resolve(path));
}

/**
 * A smaller dataset: `n` articles, evenly spaced within each split (half dev, half test), with only
 * the queries whose gold article was kept. Deterministic, so runs compare.
 */
export function sampleArticles(data: EvalDataset, n: number): EvalDataset {
  const splitOf = new Map(data.queries.map((q) => [q.goldArticle, q.split]));
  const kept = new Set<string>();
  for (const split of ['dev', 'test'] as const) {
    const pool = data.articles.filter((a) => splitOf.get(a.id) === split);
    const want = Math.min(pool.length, split === 'dev' ? Math.ceil(n / 2) : Math.floor(n / 2));
    for (let i = 0; i < want; i++) kept.add(pool[Math.floor((i * pool.length) / want)]!.id);
  }
  return { name: data.name, articles: data.articles.filter((a) => kept.has(a.id)), queries: data.queries.filter((q) => kept.has(q.goldArticle)) };
}
