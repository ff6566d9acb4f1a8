/**
 * Libraries per server: one index per library, or one index for all with a library id per passage
 * and filtered search? Measures both at 1 000 servers × 50 articles plus a 3 000-article shared
 * library, on synthetic passages (Zipf-distributed words, random unit vectors), each layout in its
 * own process so their memory does not mix. Not a test: nothing here asserts.
 *
 *   node dist/bench/libraries.js [--servers 1000] [--articles 50] [--shared 3000] [--questions 300]
 *
 * Per library: every server's index is built and kept open (the worst case; the bot closes idle
 * ones beyond MAX_OPEN_LIBRARIES), a question searches its server's index and the shared one and
 * merges the two lists. One index: a question searches the single HNSW graph with a filter (its
 * server's labels and the shared ones) and BM25 over every passage, keeping only the allowed ones.
 * A reindex is timed as rebuilding what the layout must rebuild for one server's change: its own
 * library, or the one shared BM25 over every passage (the snapshot reads it whole) and one insert.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import hnswlib from 'hnswlib-node';
import { Bm25Index } from '../core/bm25.ts';
import { uniformRng } from './stats.ts';

const { values } = parseArgs({
  options: {
    servers: { type: 'string', default: '1000' },
    articles: { type: 'string', default: '50' },
    shared: { type: 'string', default: '3000' },
    questions: { type: 'string', default: '300' },
    layout: { type: 'string' },
  },
});
const SERVERS = Number(values.servers);
const ARTICLES = Number(values.articles);
const SHARED = Number(values.shared);
const QUESTIONS = Number(values.questions);
/** A 3 000-character article gives about 8 passages of 128 tokens; e5-small vectors have 384 dimensions. */
const PASSAGES_PER_ARTICLE = 8;
const TERMS_PER_PASSAGE = 70;
const DIMS = 384;
const VOCABULARY = 30_000;
const HNSW = { m: 16, efConstruction: 64, efSearch: 128 };
const K = 50;

/** Zipf-like word choice: word i with probability ∝ 1/(i+1). */
function zipf(rand: () => number): string {
  return `w${Math.floor(Math.exp(rand() * Math.log(VOCABULARY)) - 1)}`;
}

function passage(rand: () => number): { terms: string[]; vector: number[] } {
  const terms = Array.from({ length: TERMS_PER_PASSAGE }, () => zipf(rand));
  const v = Array.from({ length: DIMS }, () => rand() - 0.5);
  const norm = Math.hypot(...v);
  return { terms, vector: v.map((x) => x / norm) };
}

/** A library's passages: labels from 0, articles of PASSAGES_PER_ARTICLE consecutive passages. */
function* libraryPassages(library: number, articles: number): Generator<{ label: number; article: string; ord: number; terms: string[]; vector: number[] }> {
  const rand = uniformRng(library + 1);
  for (let a = 0; a < articles; a++) {
    for (let ord = 0; ord < PASSAGES_PER_ARTICLE; ord++) yield { label: a * PASSAGES_PER_ARTICLE + ord, article: `${library}-${a}`, ord, ...passage(rand) };
  }
}

interface Library {
  lexical: Bm25Index;
  dense: hnswlib.HierarchicalNSW;
}

function buildLibrary(library: number, articles: number): Library {
  const lexical = new Bm25Index();
  const dense = new hnswlib.HierarchicalNSW('cosine', DIMS);
  dense.initIndex({ maxElements: articles * PASSAGES_PER_ARTICLE, m: HNSW.m, efConstruction: HNSW.efConstruction, randomSeed: 100 });
  dense.setEf(HNSW.efSearch);
  for (const p of libraryPassages(library, articles)) {
    lexical.add(p.label, p.terms, { article: p.article, ord: p.ord });
    dense.addPoint(p.vector, p.label);
  }
  lexical.search(['w1'], 1); // freezes the postings, as the first question would
  return { lexical, dense };
}

function questions(): { server: number; terms: string[]; vector: number[] }[] {
  const rand = uniformRng(4242);
  return Array.from({ length: QUESTIONS }, () => {
    const p = passage(rand);
    // Four words of middling frequency, as a question's content words are.
    return { server: 1 + Math.floor(rand() * SERVERS), terms: Array.from({ length: 4 }, () => `w${20 + Math.floor(rand() * 3000)}`), vector: p.vector };
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function rssMiB(): number {
  globalThis.gc?.();
  return Math.round(process.memoryUsage().rss / 1024 / 1024);
}

function timeQuestions(ask: (q: ReturnType<typeof questions>[number]) => void): { p50: number; p95: number } {
  const qs = questions();
  for (const q of qs.slice(0, 20)) ask(q); // warm-up
  const ms: number[] = [];
  for (const q of qs) {
    const t = performance.now();
    ask(q);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { p50: Math.round(percentile(ms, 0.5) * 100) / 100, p95: Math.round(percentile(ms, 0.95) * 100) / 100 };
}

function perLibrary(): Record<string, unknown> {
  const base = rssMiB();
  let t = performance.now();
  const shared = buildLibrary(0, SHARED);
  const servers: Library[] = [];
  for (let s = 1; s <= SERVERS; s++) servers.push(buildLibrary(s, ARTICLES));
  const buildS = (performance.now() - t) / 1000;
  const memory = rssMiB() - base;
  const latency = timeQuestions((q) => {
    const own = servers[q.server - 1]!;
    const lexical = [...own.lexical.search(q.terms, K), ...shared.lexical.search(q.terms, K)].sort((a, b) => b.score - a.score).slice(0, K);
    const a = own.dense.searchKnn(q.vector, Math.min(K, own.dense.getCurrentCount()));
    const b = shared.dense.searchKnn(q.vector, K);
    return [lexical, a, b];
  });
  t = performance.now();
  buildLibrary(1, ARTICLES + 1); // a server adds one article: its library is reindexed
  const reindexMs = Math.round(performance.now() - t);
  return { layout: 'one index per library', memoryMiB: memory, buildS: Math.round(buildS), questionMs: latency, reindexOneServerMs: reindexMs };
}

function oneIndex(): Record<string, unknown> {
  const base = rssMiB();
  let t = performance.now();
  const total = (SHARED + SERVERS * ARTICLES) * PASSAGES_PER_ARTICLE;
  const lexical = new Bm25Index();
  const dense = new hnswlib.HierarchicalNSW('cosine', DIMS);
  dense.initIndex({ maxElements: total + 1000, m: HNSW.m, efConstruction: HNSW.efConstruction, randomSeed: 100 });
  dense.setEf(HNSW.efSearch);
  /** Library of each global label (0 = shared). */
  const libraryOf = new Uint16Array(total + 1000);
  let next = 0;
  for (let library = 0; library <= SERVERS; library++) {
    for (const p of libraryPassages(library, library === 0 ? SHARED : ARTICLES)) {
      lexical.add(next, p.terms, { article: p.article, ord: p.ord });
      dense.addPoint(p.vector, next);
      libraryOf[next++] = library;
    }
  }
  lexical.search(['w1'], 1);
  const buildS = (performance.now() - t) / 1000;
  const memory = rssMiB() - base;
  const latency = timeQuestions((q) => {
    const allowed = (label: number) => libraryOf[label] === 0 || libraryOf[label] === q.server;
    // BM25 has no filter: every passage holding a question word is scored, then the others dropped.
    const lex = lexical.search(q.terms, lexical.size).filter((h) => allowed(h.label)).slice(0, K);
    const den = dense.searchKnn(q.vector, K, allowed);
    return [lex, den];
  });
  // One server adds an article: one HNSW insert, but the BM25 the snapshot reads is rebuilt whole.
  t = performance.now();
  const rebuilt = new Bm25Index();
  let label = 0;
  for (let library = 0; library <= SERVERS; library++) {
    for (const p of libraryPassages(library, library === 0 ? SHARED : ARTICLES)) rebuilt.add(label++, p.terms, { article: p.article, ord: p.ord });
  }
  rebuilt.search(['w1'], 1);
  const reindexMs = Math.round(performance.now() - t);
  return { layout: 'one index, library id per passage', memoryMiB: memory, buildS: Math.round(buildS), questionMs: latency, reindexOneServerMs: reindexMs };
}

if (values.layout === 'per-library') process.stdout.write(`${JSON.stringify(perLibrary())}\n`);
else if (values.layout === 'one-index') process.stdout.write(`${JSON.stringify(oneIndex())}\n`);
else {
  const self = fileURLToPath(import.meta.url);
  const args = ['--servers', String(SERVERS), '--articles', String(ARTICLES), '--shared', String(SHARED), '--questions', String(QUESTIONS)];
  process.stdout.write(`${SERVERS} servers × ${ARTICLES} articles + ${SHARED} shared, ${PASSAGES_PER_ARTICLE} passages per article, ${DIMS} dimensions\n`);
  for (const layout of ['per-library', 'one-index']) {
    const out = execFileSync(process.execPath, ['--expose-gc', ...process.execArgv, self, '--layout', layout, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
    process.stdout.write(out);
  }
}
