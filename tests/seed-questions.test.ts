/**
 * The seed question set (tests/fixtures/seed-questions.json) against the real offline model and the
 * real seed corpus: what a member asking about these four articles gets.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Depeche } from '../src/app/depeche.ts';
import { loadConfig } from '../src/config.ts';
import { loadSeedQuestions, runSeedQuestions, summarise, type SeedResult } from '../src/eval/seed-set.ts';
import { MetadataStore } from '../src/store/metadata-store.ts';
import { embeddingModel, modelDir } from './support/shared-data.ts';

const root = resolve(import.meta.dirname, '..');
const questions = loadSeedQuestions(join(root, 'tests/fixtures/seed-questions.json'));
let dir: string;
let app: Depeche;
let results: SeedResult[];
/** Hits of each retrieval leg alone, on the same index: DENSE_WEIGHT 0 is BM25 only, 1 dense only. */
const legHits: Record<'bm25' | 'dense', number> = { bm25: 0, dense: 0 };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'depeche-seed-'));
  cpSync(join(root, 'corpus'), join(dir, 'corpus'), { recursive: true });
  const configWith = (env: Record<string, string> = {}) =>
    loadConfig(
      {
        MODEL_DIR: modelDir(),
        EMBEDDING_MODEL: embeddingModel(),
        CORPUS_DIR: join(dir, 'corpus'),
        EMBEDDINGS_DIR: join(dir, 'embeddings'),
        ...env,
      },
      dir,
    );
  app = await Depeche.open(configWith());
  await app.reindex();
  results = await runSeedQuestions(questions, (q) => app.ask(q));
  for (const [leg, weight] of [['bm25', '0'], ['dense', '1']] as const) {
    const single = await Depeche.open(configWith({ DENSE_WEIGHT: weight }));
    legHits[leg] = (await runSeedQuestions(questions, (q) => single.ask(q))).filter((r) => r.hit).length;
    await single.close();
  }
  console.info('seed questions:', JSON.stringify(summarise(results)), 'single legs:', JSON.stringify(legHits));
}, 180_000);

afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('seed questions with the offline model', () => {
  it('has at least 30 questions, off-topic and English ones included', () => {
    expect(questions.length).toBeGreaterThanOrEqual(30);
    expect(questions.filter((q) => q.kind === 'off-topic').length).toBeGreaterThanOrEqual(5);
    expect(questions.filter((q) => q.kind === 'english').length).toBeGreaterThanOrEqual(3);
  });

  it('answers the Microsoft–Xiaomi patent question with "1 500 brevets" from the right article', () => {
    const r = results.find((x) => x.question.question.startsWith('Combien de brevets Microsoft a-t-il vendus'))!;
    expect(r.answer.found).toBe(true);
    const right = r.answer.citations.filter((c) => ['000_a792ea779ded17df', '001_07b8c9ada1f15f8e'].includes(c.articleId));
    expect(right.some((c) => c.quote.includes('1 500 brevets'))).toBe(true);
  });

  it('quotes nothing for any off-topic question', () => {
    const offTopic = results.filter((x) => !x.question.found);
    expect(offTopic.length).toBeGreaterThan(0);
    for (const r of offTopic) {
      expect(r.answer, r.question.question).toMatchObject({ found: false, citations: [] });
    }
  });

  it('quotes every sentence verbatim from its article as stored', () => {
    const store = MetadataStore.open(join(dir, 'embeddings', 'depeche.db'));
    try {
      const texts = new Map(store.articles().map((a) => [a.id, a.text]));
      const quotes = results.flatMap((r) => r.answer.citations);
      expect(quotes.length).toBeGreaterThan(30);
      for (const c of quotes) expect(texts.get(c.articleId), c.quote).toContain(c.quote);
    } finally {
      store.close();
    }
  });

  it('does at least as well with fused retrieval as with either leg alone', () => {
    const hybrid = results.filter((r) => r.hit).length;
    expect(hybrid).toBeGreaterThanOrEqual(Math.max(legHits.bm25, legHits.dense));
  });

  it('answers at least 40 of the 44 questions right (measured: 41/44)', () => {
    expect(results.filter((r) => r.hit).length).toBeGreaterThanOrEqual(40);
  });
});
