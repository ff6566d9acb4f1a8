/** Worker thread entry: owns one embedder and answers embed requests from the main thread. */
import { parentPort, workerData } from 'node:worker_threads';
import type { EmbedderSpec, TextKind } from './embedder.ts';
import { createEmbedder } from './create-embedder.ts';

export type EmbedRequest = { type: 'embed'; id: number; texts: string[]; kind: TextKind } | { type: 'close' };
export type EmbedReply =
  | { type: 'ready'; modelId: string; dims: number; maxTokens: number }
  | { type: 'init-error'; message: string }
  | { type: 'result'; id: number; vectors: Float32Array[] }
  | { type: 'error'; id: number; message: string };

const port = parentPort!;
const post = (reply: EmbedReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

try {
  const embedder = await createEmbedder(workerData as EmbedderSpec);
  port.on('message', async (request: EmbedRequest) => {
    if (request.type === 'close') {
      await embedder.close();
      port.close();
      return;
    }
    try {
      const vectors = await embedder.embed(request.texts, request.kind);
      post({ type: 'result', id: request.id, vectors }, vectors.map((v) => v.buffer as ArrayBuffer));
    } catch (error) {
      post({ type: 'error', id: request.id, message: error instanceof Error ? error.message : String(error) });
    }
  });
  post({ type: 'ready', modelId: embedder.modelId, dims: embedder.dims, maxTokens: embedder.maxTokens });
} catch (error) {
  post({ type: 'init-error', message: error instanceof Error ? error.message : String(error) });
}
