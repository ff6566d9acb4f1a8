/** The benchmark's printed table (Markdown, so it can be pasted as is) and its targets check. */
import type { BenchResults } from './types.ts';
import type { Distribution } from './stats.ts';

const f0 = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '–' : Math.round(x).toLocaleString('en'));
const f1 = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(1));
const f2 = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(2));
const ms = (x: number | undefined) => (x === undefined ? '–' : x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : f0(x));
const sec = (x: number | undefined) => (x === undefined ? '–' : `${(x / 1000).toFixed(x < 10_000 ? 2 : 1)} s`);
const pct = (d: Distribution | undefined) => (d ? `${ms(d.p50)} / ${ms(d.p95)} / ${ms(d.p99)}` : '–');
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? '–' : `${(a / b).toFixed(2)}×`);
const sizeName = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function formatReport(r: BenchResults): string {
  const out: string[] = [];
  const m = r.machine.atStart;
  out.push(`# Dépêche benchmark${r.quick ? ' (--quick: small sizes, not the reference figures)' : ''}`);
  out.push('');
  out.push(`- Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}; load average ${m.loadAverage.join(' / ')} at start, ${r.machine.loadAverageAtEnd.join(' / ')} at end.`);
  out.push(`- Model: ${r.setup.model} (offline, ${r.setup.modelDir}), batch ${r.setup.embedding.batchSize}, passages ≤ ${r.setup.embedding.maxPassageTokens} tokens, overlap ${r.setup.embedding.overlapTokens}.`);
  out.push(`- Corpus: ${r.setup.corpus}.`);
  out.push(`- Questions: ${r.setup.questionCount} — ${r.setup.questions}; ${r.setup.warmup} other titles as warm-up.`);
  if (r.mergedFrom) out.push(`- Sections measured by earlier runs (ratios across runs are less reliable): ${Object.entries(r.mergedFrom).map(([k, v]) => `${k} from ${v}`).join('; ')}.`);
  out.push(`- HNSW: M ${r.setup.hnsw.m}, efConstruction ${r.setup.hnsw.efConstruction}, efSearch ${r.setup.hnsw.efSearch}; ${r.setup.retrieval.candidates} candidates per leg.`);

  if (r.coldStart) {
    const c = r.coldStart;
    out.push('', `## Cold start (fresh process to first answer, median of ${c.runs})`, '');
    out.push(
      table(
        ['ready (since process start)', 'spawn → exit', 'imports', 'open index', 'freshness check', 'first question (model load + answer)', 'RSS after'],
        [[sec(c.readyMs), sec(c.spawnToExitMs), sec(c.importsMs), sec(c.openMs), sec(c.freshnessCheckMs), `${sec(c.firstAskMs)} (embed incl. worker start ${sec(c.firstAskEmbedMs)})`, `${f0(c.rssMiB)} MiB`]],
      ),
    );
  }

  const lc = r.langchain;
  if (r.ingest || lc) {
    const i = r.ingest;
    out.push('', '## Ingestion (passages embedded per second)', '');
    const rows: string[][] = [];
    if (i) {
      rows.push([
        'Dépêche',
        f0(i.passages),
        `${f0(i.passageChars.mean)} chars`,
        `${i.batchSize} (calls of ${i.chunk})`,
        f1(i.passagesPerSecEmbed),
        f1(i.passagesPerSecTotal),
        f2(i.articlesPerSecTotal),
        sec(i.wallMs),
        f2(i.coresBusy),
      ]);
    }
    if (lc) {
      const l = lc;
      rows.push([
        'LangChain.js (@huggingface/transformers 3)',
        f0(l.chunks),
        `${f0(l.chunkChars.mean)} chars (chunkSize ${l.chunkSize}, overlap ${l.chunkOverlap})`,
        `${l.batchSize}`,
        f1(l.chunksPerSecEmbed),
        f1(l.chunksPerSecTotal),
        f2(l.articlesPerSecTotal),
        sec(l.ingestWallMs),
        f2(l.coresBusy),
      ]);
    }
    if (i && lc) {
      rows.push(['**ratio Dépêche / LangChain.js**', '', '', '', ratio(i.passagesPerSecEmbed, lc.chunksPerSecEmbed), ratio(i.passagesPerSecTotal, lc.chunksPerSecTotal), ratio(i.articlesPerSecTotal, lc.articlesPerSecTotal), '', '']);
    }
    out.push(table(['pipeline', 'passages', 'mean passage', 'batch', 'embed only (/s)', 'whole run (/s)', 'articles/s', 'wall', 'cores busy'], rows));
    if (i) {
      out.push('', `Dépêche phases: ${Object.entries(i.phasesMs).map(([k, v]) => `${k} ${sec(v)}`).join(', ')}; threads: ${i.threads}.`);
      if (i.eventLoop) out.push(`Main thread (the one answering questions) during ingestion: event loop blocked ${ms(i.eventLoop.maxMs)} ms at most (delay p99 ${ms(i.eventLoop.p99Ms)} ms, mean ${ms(i.eventLoop.meanMs)} ms).`);
    }
  }

  const q = r.queries;
  if (q || lc) {
    out.push('', `## Query latency, ms (p50 / p95 / p99; ${r.setup.questionCount} questions)`, '');
    const rows: string[][] = [];
    if (q) {
      for (const s of [q.single, q.concurrent]) {
        rows.push(['Dépêche (answer)', String(s.clients), pct(s.total), pct(s.embed), pct(s.search), pct(s.compose), f1(s.questionsPerSec)]);
      }
    }
    if (lc) {
      const l = lc;
      const name = 'LangChain.js (search)';
      rows.push([name, '1', pct(l.single.total), pct(l.single.embed), pct(l.single.search), '–', f1(l.single.questionsPerSec)]);
      rows.push([name, String(l.concurrent.clients), pct(l.concurrent.total), '–', '–', '–', f1(l.concurrent.questionsPerSec)]);
    }
    if (q && lc) {
      rows.push([
        '**ratio LangChain.js / Dépêche**',
        '1',
        `${ratio(lc.single.total.p50, q.single.total.p50)} p50, ${ratio(lc.single.total.p95, q.single.total.p95)} p95`,
        '',
        '',
        '',
        ratio(q.single.questionsPerSec, lc.single.questionsPerSec),
      ]);
      rows.push([
        '**ratio LangChain.js / Dépêche**',
        String(lc.concurrent.clients),
        `${ratio(lc.concurrent.total.p50, q.concurrent.total.p50)} p50, ${ratio(lc.concurrent.total.p95, q.concurrent.total.p95)} p95`,
        '',
        '',
        '',
        ratio(q.concurrent.questionsPerSec, lc.concurrent.questionsPerSec),
      ]);
    }
    out.push(table(['pipeline', 'clients', 'end to end', 'embed', 'search', 'compose', 'questions/s'], rows));
    out.push('', 'Dépêche times a whole answer (quotes chosen and formatted); LangChain.js stops at the retrieved chunks. With concurrent clients, "embed" includes the wait in the query worker\'s queue.');
  }

  const dr = r.duringReindex;
  if (dr) {
    out.push('', `## A question during a full reindex (one client asking back to back while \`reindex({ full: true })\` re-embeds ${f0(dr.passages)} passages)`, '');
    const rows = [['during the reindex', f0(dr.questions), `${ms(dr.total.p50)} / ${ms(dr.total.p95)} / ${ms(dr.total.max)}`, `${ms(dr.embed.p50)} / ${ms(dr.embed.p95)}`, `${ms(dr.search.p50)} / ${ms(dr.search.p95)}`]];
    if (q) rows.push(['idle (1 client, above)', f0(q.single.questions), `${ms(q.single.total.p50)} / ${ms(q.single.total.p95)} / ${ms(q.single.total.max)}`, `${ms(q.single.embed.p50)} / ${ms(q.single.embed.p95)}`, `${ms(q.single.search.p50)} / ${ms(q.single.search.p95)}`]);
    out.push(table(['Dépêche', 'questions', 'end to end p50 / p95 / max, ms', 'embed p50 / p95', 'search p50 / p95'], rows));
    out.push('', `Reindex wall time ${sec(dr.reindexWallMs)} (phases from: ${Object.entries(dr.phasesAtMs ?? {}).map(([k, v]) => `${k} ${sec(v)}`).join(', ')}); the slowest question was asked at ${sec(dr.slowestAskedAtMs)}; main thread event loop blocked ${ms(dr.eventLoop.maxMs)} ms at most (delay p99 ${ms(dr.eventLoop.p99Ms)} ms).`);
  }

  if (r.recall || lc) {
    out.push('', `## Recall (gold = the question's article; top ${r.setup.retrieval.candidates} passages, deduplicated by article)`, '');
    const rows: string[][] = [];
    if (r.recall) {
      rows.push(['Dépêche (BM25 + dense, what answers use)', f2(r.recall.hybrid.r1), f2(r.recall.hybrid.r10)]);
      rows.push(['Dépêche dense leg alone (same model as LangChain.js)', f2(r.recall.dense.r1), f2(r.recall.dense.r10)]);
      rows.push(['Dépêche BM25 leg alone', f2(r.recall.lexical.r1), f2(r.recall.lexical.r10)]);
    }
    if (lc) rows.push(['LangChain.js', f2(lc.recall.r1), `${f2(lc.recall.r10)} (top-10 chunks: ${f2(lc.recall.chunkR10)})`]);
    if (r.recall && lc) rows.push(['**ratio Dépêche / LangChain.js**', ratio(r.recall.hybrid.r1, lc.recall.r1), ratio(r.recall.hybrid.r10, lc.recall.r10)]);
    out.push(table(['pipeline', 'R@1', 'R@10'], rows));
    if (q) out.push('', `Answers found: ${q.single.found}/${q.single.questions}; answers quoting the question's own article: ${q.single.citesGold}/${q.single.questions}.`);
  }

  if (r.scale?.length) {
    out.push('', `## Index scale (the application's VectorIndex: HNSW cosine, 512-d, M ${r.setup.hnsw.m}, efConstruction ${r.setup.hnsw.efConstruction}, efSearch ${r.setup.hnsw.efSearch})`, '');
    out.push(
      table(
        ['passages', 'vectors', 'build', 'file', 'bytes/vector', 'RSS of the index', 'load (checksum + read)', 'peak RSS at load', 'search k=10 p50 / p95 / p99', 'search k=50 p95', 'recall@10 vs BruteforceSearch'],
        r.scale.map((s) => [
          sizeName(s.size),
          s.from ? `${s.source} (earlier run)` : s.source,
          sec(s.build.buildMs),
          `${f0(s.build.fileMiB)} MiB`,
          f0(s.build.bytesPerVector),
          `${f0(s.load.indexRssMiB)} MiB`,
          sec(s.load.loadMs),
          `${f0(s.load.peakRssMiB)} MiB`,
          pct(s.load.searchK10),
          ms(s.load.searchK50.p95),
          `${s.build.recallAt10.toFixed(3)} (${s.build.truthQueries} queries)`,
        ]),
      ),
    );
    out.push('', 'ef sweep (recall@10, search p95 in ms, k=10): ' + r.scale.map((s) => `${sizeName(s.size)}: ${s.build.sweep.map((e) => `ef ${e.ef} → ${e.recallAt10.toFixed(3)}, ${ms(e.p95)}`).join('; ')}`).join(' | '));
    out.push('"synthetic": Gaussian fitted to the real passage vectors (mean, top-64 principal directions, residual variance), normalised; queries are the real question vectors.');
  }

  if (r.memory) {
    const mm = r.memory;
    out.push('', '## Memory and disk per passage', '');
    out.push(
      table(
        ['passages', 'HNSW file', 'SQLite (articles, passages, BM25 terms, vector cache)', 'process RSS after first answer'],
        [[f0(mm.passages), `${f0(mm.indexBytesPerPassage)} B`, `${f0(mm.databaseBytesPerPassage)} B`, mm.processRssMiB === null ? '–' : `${f0(mm.processRssMiB)} MiB (${f0(mm.rssBytesPerPassage ?? undefined)} B/passage, model included)`]],
      ),
    );
  }

  out.push('', '## Targets', '');
  for (const line of targets(r)) out.push(`- ${line}`);
  out.push('', `Bench time: ${Object.entries(r.durationsMs).map(([k, v]) => `${k} ${sec(v)}`).join(', ')}.`);
  return out.join('\n');
}

function targets(r: BenchResults): string[] {
  const lines: string[] = [];
  const mark = (ok: boolean) => (ok ? 'met' : '**not met**');
  const q = r.queries?.single;
  if (q) {
    lines.push(`query p50 < 30 ms end to end: ${ms(q.total.p50)} ms — ${mark(q.total.p50 < 30)}`);
    lines.push(`query p95 < 80 ms end to end: ${ms(q.total.p95)} ms — ${mark(q.total.p95 < 80)}`);
  }
  const big = r.scale?.find((s) => s.size >= 1_000_000);
  if (big) {
    lines.push(`search p95 < 2 ms at 1M: ${ms(big.load.searchK10.p95)} ms (k=10), ${ms(big.load.searchK50.p95)} ms (k=50) — ${mark(big.load.searchK50.p95 < 2)}`);
    lines.push(`recall@10 ≥ 0.98 at 1M: ${big.build.recallAt10.toFixed(3)} — ${mark(big.build.recallAt10 >= 0.98)}`);
    lines.push(`1M index < 4 GiB RSS: ${f0(big.load.indexRssMiB)} MiB loaded, peak ${f0(big.load.peakRssMiB)} MiB — ${mark(big.load.peakRssMiB < 4096)}`);
  } else if (r.scale?.length) {
    const top = r.scale[r.scale.length - 1]!;
    lines.push(
      `search, recall and RSS at 1M: **not measured** in this run; largest measured: ${sizeName(top.size)} (${top.source}), search p95 ${ms(top.load.searchK10.p95)} ms (k=10) / ${ms(top.load.searchK50.p95)} ms (k=50), recall@10 ${top.build.recallAt10.toFixed(3)}, loaded index ${f0(top.load.indexRssMiB)} MiB (${f0(top.build.bytesPerVector)} B/vector on disk)`,
    );
  }
  if (r.ingest && r.langchain) {
    const x = r.ingest.passagesPerSecEmbed / r.langchain.chunksPerSecEmbed;
    const y = r.ingest.articlesPerSecTotal / r.langchain.articlesPerSecTotal;
    lines.push(`ingestion ≥ 1.5× LangChain.js: ${x.toFixed(2)}× passages/s embedded, ${y.toFixed(2)}× for the whole corpus — ${mark(x >= 1.5)}`);
  }
  if (r.queries && r.langchain) {
    lines.push(`never slower than LangChain.js on queries: p50 ${ms(r.queries.single.total.p50)} vs ${ms(r.langchain.single.total.p50)} ms, p95 ${ms(r.queries.single.total.p95)} vs ${ms(r.langchain.single.total.p95)} ms (1 client); p95 ${ms(r.queries.concurrent.total.p95)} vs ${ms(r.langchain.concurrent.total.p95)} ms (${r.queries.concurrent.clients} clients) — ${mark(r.queries.single.total.p95 <= r.langchain.single.total.p95 && r.queries.concurrent.total.p95 <= r.langchain.concurrent.total.p95)}`);
  }
  if (r.ingest?.eventLoop) lines.push(`max event-loop block on the main thread during ingestion: ${ms(r.ingest.eventLoop.maxMs)} ms (figure; no threshold set)`);
  if (r.queries && r.langchain) {
    lines.push(`search alone (1 client) p50 ${ms(r.queries.single.search.p50)} ms (BM25 + HNSW + fusion) vs LangChain.js vector search ${ms(r.langchain.single.search.p50)} ms (${ratio(r.queries.single.search.p50, r.langchain.single.search.p50)})`);
    lines.push(`questions/s with ${r.queries.concurrent.clients} clients: ${f1(r.queries.concurrent.questionsPerSec)} vs ${f1(r.langchain.concurrent.questionsPerSec)} LangChain.js (${ratio(r.queries.concurrent.questionsPerSec, r.langchain.concurrent.questionsPerSec)})`);
  }
  if (r.duringReindex) {
    const d = r.duringReindex;
    lines.push(`a question during a full reindex: p50 ${ms(d.total.p50)} ms, p95 ${ms(d.total.p95)} ms, max ${ms(d.total.max)} ms over ${d.questions} questions${r.queries ? ` (idle p95 ${ms(r.queries.single.total.p95)} ms)` : ''}`);
  }
  if (r.coldStart) {
    // Issue 15: ≤ 1.2 s at 300 articles, ≤ 1.5 s at 3 000 (process start → first answer).
    const limit = r.setup.articles <= 1000 ? 1200 : 1500;
    lines.push(`cold start ≤ ${sec(limit)} at ${r.setup.articles <= 1000 ? '300' : '3 000'} articles (this run: ${f0(r.setup.articles)}): ${sec(r.coldStart.readyMs)} (${sec(r.coldStart.spawnToExitMs)} spawn to exit) — ${mark(r.coldStart.readyMs <= limit)}`);
  }
  return lines;
}

export function printReport(r: BenchResults): void {
  process.stdout.write(`${formatReport(r)}\n`);
}
