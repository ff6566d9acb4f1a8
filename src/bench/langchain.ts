/**
 * Child process of the benchmark: the pipeline most TypeScript developers would assemble instead of
 * Dépêche, run on the same corpus, model and questions. LangChain.js with its defaults:
 * RecursiveCharacterTextSplitter → HuggingFaceTransformersEmbeddings (Transformers.js) → HNSWLib
 * vector store (hnswlib-node, cosine), `similaritySearch` for questions.
 *
 * @langchain/community 1.x imports @huggingface/transformers 3 (onnxruntime-node 1.21), the same
 * Transformers.js runtime Dépêche runs since it moved off @xenova/transformers 2, so the two
 * pipelines compare on one runtime.
 *
 * Prints one JSON object on stdout.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { HuggingFaceTransformersEmbeddings } from '@langchain/community/embeddings/huggingface_transformers';
import type { PretrainedOptions } from '@huggingface/transformers';
import { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import { Document } from '@langchain/core/documents';
import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';
import type { BenchQuestion } from './corpus.ts';
import { readOrangeSum } from './corpus.ts';
import { distribution, maxRssMiB, percentile, round, rssMiB, timed } from './stats.ts';

const { values } = parseArgs({
  options: {
    dataset: { type: 'string' },
    articles: { type: 'string' },
    questions: { type: 'string' },
    'model-dir': { type: 'string' },
    model: { type: 'string', default: 'local/use-lite-en' },
    'chunk-size': { type: 'string' },
    'chunk-overlap': { type: 'string' },
    clients: { type: 'string', default: '8' },
    candidates: { type: 'string', default: '50' },
  },
});

const modelDir = values['model-dir']!.endsWith('/') ? values['model-dir']! : `${values['model-dir']}/`;
const { questions, warmup } = JSON.parse(readFileSync(values.questions!, 'utf8')) as { questions: BenchQuestion[]; warmup: BenchQuestion[] };
const candidates = Number(values.candidates);

let loadMs = 0;
const t0 = performance.now();
const hf = await import('@huggingface/transformers');
hf.env.localModelPath = modelDir;
hf.env.allowLocalModels = true;
hf.env.allowRemoteModels = false;
// dtype: the offline model folder holds only the fp32 file (onnx/model.onnx).
const embeddings = new HuggingFaceTransformersEmbeddings({ model: values.model!, pretrainedOptions: { dtype: 'fp32' } as PretrainedOptions });
await embeddings.embedQuery('probe'); // load the model before timing ingestion
loadMs = performance.now() - t0;

// Ingestion: documents → chunks → embeddings → HNSW.
const articles = readOrangeSum(values.dataset!, Number(values.articles));
const docs = articles.map(
  (a) => new Document({ pageContent: a.body, metadata: { docId: a.docId, title: a.title, source: a.source, url: a.url, published: a.date } }),
);
const splitter = new RecursiveCharacterTextSplitter({ chunkSize: Number(values['chunk-size']), chunkOverlap: Number(values['chunk-overlap']) });
const split = await timed(() => splitter.splitDocuments(docs));
const chunks = split.value;
let embedMs = 0;
const embedDocuments = embeddings.embedDocuments.bind(embeddings);
embeddings.embedDocuments = async (texts: string[]) => {
  const t = performance.now();
  const out = await embedDocuments(texts);
  embedMs += performance.now() - t;
  return out;
};
const build = await timed(() => HNSWLib.fromDocuments(chunks, embeddings));
const store = build.value;
const rssIngested = rssMiB();
const lengths = chunks.map((c) => c.pageContent.length);

// Questions: one client, then concurrent clients.
const vectorSearch = (vector: number[]) => store.similaritySearchVectorWithScore(vector, candidates);
for (const q of warmup) await store.similaritySearchWithScore(q.text, candidates);
const embedTimes: number[] = [];
const searchTimes: number[] = [];
const totals: number[] = [];
const hits = { r1: 0, r10: 0, chunkR10: 0 };
const singleStart = performance.now();
for (const q of questions) {
  const t = performance.now();
  const vector = await embeddings.embedQuery(q.text);
  const t1 = performance.now();
  const results = await vectorSearch(vector);
  const t2 = performance.now();
  embedTimes.push(t1 - t);
  searchTimes.push(t2 - t1);
  totals.push(t2 - t);
  const ids: string[] = [];
  for (const [doc] of results) {
    const id = doc.metadata.docId as string;
    if (!ids.includes(id)) ids.push(id);
  }
  if (ids[0] === q.gold) hits.r1++;
  if (ids.slice(0, 10).includes(q.gold)) hits.r10++;
  if (results.slice(0, 10).some(([doc]) => doc.metadata.docId === q.gold)) hits.chunkR10++;
}
const singleWall = performance.now() - singleStart;

const clients = Number(values.clients);
const concurrentTotals = new Array<number>(questions.length);
let next = 0;
const concurrentStart = performance.now();
await Promise.all(
  Array.from({ length: clients }, async () => {
    for (let i = next++; i < questions.length; i = next++) {
      const t = performance.now();
      await store.similaritySearchWithScore(questions[i]!.text, candidates);
      concurrentTotals[i] = performance.now() - t;
    }
  }),
);
const concurrentWall = performance.now() - concurrentStart;
const n = questions.length;

process.stdout.write(
  `${JSON.stringify({
    runtime: '@huggingface/transformers 3',
    modelLoadMs: round(loadMs, 0),
    articles: articles.length,
    chunkSize: Number(values['chunk-size']),
    chunkOverlap: Number(values['chunk-overlap']),
    chunks: chunks.length,
    chunkChars: { mean: round(lengths.reduce((a, b) => a + b, 0) / lengths.length, 0), p50: percentile(lengths, 0.5), p90: percentile(lengths, 0.9), max: Math.max(...lengths) },
    batchSize: embeddings.batchSize,
    splitMs: round(split.wallMs, 0),
    ingestWallMs: round(split.wallMs + build.wallMs, 0),
    embedMs: round(embedMs, 0),
    coresBusy: round(build.cpuMs / build.wallMs, 2),
    chunksPerSecEmbed: round((chunks.length / embedMs) * 1000, 1),
    chunksPerSecTotal: round((chunks.length / (split.wallMs + build.wallMs)) * 1000, 1),
    articlesPerSecTotal: round((articles.length / (split.wallMs + build.wallMs)) * 1000, 2),
    rssAfterIngestMiB: rssIngested,
    single: {
      questions: n,
      wallMs: round(singleWall, 0),
      questionsPerSec: round((n / singleWall) * 1000, 1),
      total: distribution(totals),
      embed: distribution(embedTimes),
      search: distribution(searchTimes),
    },
    concurrent: {
      clients,
      wallMs: round(concurrentWall, 0),
      questionsPerSec: round((n / concurrentWall) * 1000, 1),
      total: distribution(concurrentTotals),
    },
    recall: { r1: round(hits.r1 / n, 3), r10: round(hits.r10 / n, 3), chunkR10: round(hits.chunkR10 / n, 3) },
    rssMiB: rssMiB(),
    peakRssMiB: maxRssMiB(),
  })}\n`,
);
