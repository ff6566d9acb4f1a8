/**
 * BM25 speed, before (tests/support/bm25-reference.ts, the implementation issue 15 replaced) and after
 * (src/core/bm25.ts), on the passages of a built benchmark index, optionally repeated as distinct
 * articles to see how it scales. Not a test.
 *
 *   node --import tsx tests/scripts/bm25-speed.ts /tmp/workdir [copies]
 *
 * (workdir: a `npm run bench -- --workdir DIR` folder, with embeddings/depeche.db and questions.json)
 */
import { readFileSync } from 'node:fs';
import { MetadataStore } from '../../src/store/metadata-store.ts';
import { Bm25Index } from '../../src/core/bm25.ts';
import { Bm25Index as Ref } from '../support/bm25-reference.ts';
import { analyze } from '../../src/core/text/analyze.ts';
const w = process.argv[2];
const copies = Number(process.argv[3] ?? 1);
const store = MetadataStore.open(w + '/embeddings/depeche.db');
const state = store.read(() => ({ articles: store.articles(), passages: store.passages() }));
const titles = new Map(state.articles.map((a) => [a.id, a.title ? analyze(a.title) : []]));
const { questions } = JSON.parse(readFileSync(w + '/questions.json', 'utf8'));
const qs = questions.map((q: { text: string }) => analyze(q.text));
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.ceil(p * xs.length) - 1]!.toFixed(3);
const run = (Cls: any) => {
  const t0 = performance.now();
  const idx = new Cls();
  let label = 0;
  // The corpus repeated `copies` times as distinct articles (a 10× corpus with the same word statistics).
  for (let c = 0; c < copies; c++) for (const p of state.passages) idx.add(label++, p.terms === '' ? [] : p.terms.split(' '), { article: `${c}:${p.articleId}`, ord: p.ord, title: titles.get(p.articleId) });
  const t1 = performance.now();
  idx.search(qs[0], 50);
  const t2 = performance.now();
  const times: number[] = [];
  for (let r = 0; r < 3; r++) for (const q of qs) { const t = performance.now(); idx.search(q, 50); times.push(performance.now() - t); }
  return `add ${(t1 - t0).toFixed(0)} ms, first search ${(t2 - t1).toFixed(0)} ms, search p50 ${pct(times, 0.5)} p95 ${pct(times, 0.95)} ms`;
};
for (let r = 0; r < 2; r++) console.log(`${state.passages.length * copies} passages | before: ${run(Ref)} | after: ${run(Bm25Index)}`);
