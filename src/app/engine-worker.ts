/**
 * Worker thread entry: the one thread of the process that runs models. It embeds questions and runs
 * reindexes; the embedder's queue puts questions ahead of the reindex's passage calls. There is
 * exactly one because onnxruntime-node registers its native addon once per process. Checked again
 * with onnxruntime-node 1.21 (Transformers.js 3): two threads running a model at once abort the
 * process ("Entering the V8 API without proper locking"), a second worker after the first fails
 * with "Module did not self-register", and a model in the main thread plus one in a worker
 * segfaults. Opening and closing models in this one thread is safe.
 */
import { parentPort } from 'node:worker_threads';
import { createEmbedder } from '../embed/create-embedder.ts';
import type { EmbedderSpec, TokenizingEmbedder } from '../embed/embedder.ts';
import type { EngineReply, EngineRequest } from './engine.ts';
import { reindex } from './indexer.ts';

const port = parentPort!;
const post = (reply: EngineReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);
const embedders = new Map<string, Promise<TokenizingEmbedder>>();

/** Models stay loaded for the life of the process: loading one costs about a second. */
function embedderFor(spec: EmbedderSpec): Promise<TokenizingEmbedder> {
  const key = JSON.stringify(spec);
  let embedder = embedders.get(key);
  if (!embedder) {
    embedder = createEmbedder(spec);
    embedders.set(key, embedder);
    embedder.catch(() => embedders.delete(key)); // a failed load is tried again next time
  }
  return embedder;
}

async function handle(request: EngineRequest): Promise<void> {
  const { id } = request;
  const embedder = await embedderFor(request.spec);
  switch (request.type) {
    case 'load':
      post({ type: 'loaded', id, modelId: embedder.modelId, dims: embedder.dims, maxTokens: embedder.maxTokens });
      return;
    case 'embed': {
      const vectors = await embedder.embed(request.texts, request.kind);
      post({ type: 'vectors', id, vectors }, vectors.map((v) => v.buffer as ArrayBuffer));
      return;
    }
    case 'reindex': {
      const report = await reindex(request.config, embedder, request.options, (progress) => post({ type: 'progress', id, progress }));
      post({ type: 'reindexed', id, report });
      return;
    }
  }
}

port.on('message', (request: EngineRequest) => {
  handle(request).catch((error: unknown) => {
    const e = error instanceof Error ? error : new Error(String(error));
    post({ type: 'failed', id: request.id, name: e.name, message: e.message });
  });
});
