/**
 * Questions first on the model thread: while a reindex embeds passages, a member's question waits
 * for the model call under way and no more — it goes before the reindex's next call, the following
 * passage calls are smaller, and the reindex's vectors are the same as without the question.
 * Order is proven by the sequence of model calls as they complete, not by timing.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { HashEmbedder } from '../src/embed/hash-embedder.ts';
import { ModelQueue, type ModelCall } from '../src/embed/model-queue.ts';
import type { TextKind } from '../src/embed/embedder.ts';
import { TransformersEmbedder } from '../src/embed/transformers-embedder.ts';
import { seedSentences } from './support/generated-corpus.ts';
import { MODEL_DIR, REAL_MODEL } from './support/workspace.ts';

const QUESTION = 'Combien de brevets Microsoft a-t-il vendus à Xiaomi ?';

/**
 * A model call that logs `kind size` as it completes and, right after the reindex's first call,
 * submits a question (as a member's question reaches the model thread while it is busy).
 */
function recordingCall(model: ModelCall, ask: () => void): { call: ModelCall; log: string[] } {
  const log: string[] = [];
  let asked = false;
  const call: ModelCall = async (texts, kind) => {
    const vectors = await model(texts, kind);
    log.push(`${kind} ${texts.length}`);
    if (kind === 'passage' && !asked) {
      asked = true;
      ask();
    }
    return vectors;
  };
  return { call, log };
}

describe('ModelQueue', () => {
  const hash = new HashEmbedder(64, 64);
  const model: ModelCall = (texts: string[], kind: TextKind) => hash.embed(texts, kind);
  const passages = seedSentences().slice(0, 40);

  it('answers a question before the next passage call, then embeds passages in smaller calls', async () => {
    let queue!: ModelQueue;
    let answered!: Promise<Float32Array[]>;
    const { call, log } = recordingCall(model, () => {
      answered = queue.embed([QUESTION], 'query').then((v) => (log.push('question answered'), v));
    });
    queue = new ModelQueue(call, { batchSize: 8, burstBatchSize: 2, burstMs: 60_000 });

    const vectors = await queue.embed(passages, 'passage');
    const [question] = await answered;

    expect(log.slice(0, 4)).toEqual(['passage 8', 'query 1', 'question answered', 'passage 2']);
    const passageCalls = log.filter((l) => l.startsWith('passage')).map((l) => Number(l.split(' ')[1]));
    expect(passageCalls.slice(1).every((n) => n === 2)).toBe(true);
    expect(passageCalls.reduce((a, b) => a + b, 0)).toBe(passages.length);
    // Same vectors, in input order, as one uninterrupted job; the question got its own vector.
    expect(vectors).toEqual(await hash.embed(passages, 'passage'));
    expect(question).toEqual((await hash.embed([QUESTION], 'query'))[0]);
  });

  it('keeps full-size passage calls when no member asks, and after the burst window', async () => {
    const calm = recordingCall(model, () => {});
    await new ModelQueue(calm.call, { batchSize: 8, burstBatchSize: 2, burstMs: 60_000 }).embed(passages, 'passage');
    expect(calm.log).toEqual(['passage 8', 'passage 8', 'passage 8', 'passage 8', 'passage 8']);

    let queue!: ModelQueue;
    let answered!: Promise<unknown>;
    const noBurst = recordingCall(model, () => (answered = queue.embed([QUESTION], 'query')));
    queue = new ModelQueue(noBurst.call, { batchSize: 8, burstBatchSize: 2, burstMs: 0 });
    await queue.embed(passages, 'passage');
    await answered;
    expect(noBurst.log).toEqual(['passage 8', 'query 1', 'passage 8', 'passage 8', 'passage 8', 'passage 8']);
  });

  it('embeds questions that arrive together in one call, and gives each its own vectors', async () => {
    const log: number[] = [];
    const queue = new ModelQueue(async (texts, kind) => (log.push(texts.length), model(texts, kind)), { batchSize: 8, burstBatchSize: 2, burstMs: 0 });
    const questions = ['Qui a racheté Meizu ?', QUESTION, 'Quel temps fera-t-il à Brest ?'];
    const answers = await Promise.all(questions.map((q) => queue.embed([q], 'query')));
    expect(log).toEqual([3]);
    for (const [i, q] of questions.entries()) expect(answers[i]).toEqual(await hash.embed([q], 'query'));
  });

  it('fails only the job whose model call failed; questions are still answered', async () => {
    const queue = new ModelQueue(async (texts, kind) => {
      if (kind === 'passage') throw new Error('model call failed');
      return model(texts, kind);
    }, { batchSize: 8, burstBatchSize: 2, burstMs: 0 });
    const job = queue.embed(passages, 'passage');
    const question = queue.embed([QUESTION], 'query');
    await expect(job).rejects.toThrow('model call failed');
    await expect(question).resolves.toHaveLength(1);
  });
});

describe('TransformersEmbedder with the real model', () => {
  it('answers a question in the middle of a passage job before the job\'s next call, with the same passage vectors', async () => {
    const config = loadConfig({ MODEL_DIR, EMBEDDING_MODEL: REAL_MODEL, EMBED_BATCH_SIZE: '8' }, process.cwd());
    const embedder = await TransformersEmbedder.load(config.embedding);
    try {
      const passages = seedSentences().slice(0, 48);
      const alone = await embedder.embed(passages, 'passage');

      // Observe the embedder's own model calls (the real model still runs them).
      const runBatch = embedder.runBatch.bind(embedder);
      let answered!: Promise<Float32Array[]>;
      const { call, log } = recordingCall(runBatch, () => {
        answered = embedder.embed([QUESTION], 'query').then((v) => (log.push('question answered'), v));
      });
      embedder.runBatch = call;
      const interrupted = await embedder.embed(passages, 'passage');
      const [question] = await answered;

      expect(log.slice(0, 4)).toEqual(['passage 8', 'query 1', 'question answered', 'passage 2']);
      expect(log.filter((l) => l.startsWith('passage')).reduce((n, l) => n + Number(l.split(' ')[1]), 0)).toBe(passages.length);
      expect(question).toHaveLength(embedder.dims);
      // Batching differs (8 then 2 at a time), the vectors do not: the reindex result is the same.
      for (const [i, v] of interrupted.entries()) {
        for (let d = 0; d < v.length; d++) expect(Math.abs(v[d]! - alone[i]![d]!)).toBeLessThan(1e-5);
      }
    } finally {
      await embedder.close();
    }
  });
});
