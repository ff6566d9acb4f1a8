/**
 * The learned ranker (src/core/rank): its training is deterministic, its weights are the ones shipped,
 * it prefers the sentence that answers over its neighbour, and an answer is drawn from the corpus —
 * one long article cannot crowd out the article that states the figure.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Depeche } from '../src/app/depeche.ts';
import { composeAnswer } from '../src/core/answer.ts';
import { expectedAnswer } from '../src/core/rank/answer-type.ts';
import { DENSE_FEATURE, FEATURE_COUNT, FEATURES } from '../src/core/rank/features.ts';
import { fitLogistic, rankerFor, type WeightsFile } from '../src/core/rank/model.ts';
import { retrieve } from '../src/core/retrieve.ts';
import { analyze } from '../src/core/text/analyze.ts';
import type { Article } from '../src/core/types.ts';
import { loadConfig } from '../src/config.ts';
import { articleMarkdown, datasetsDir, loadDataset, sampleArticles } from '../src/eval/datasets.ts';
import { embeddingModel, modelDir, REPO_ROOT } from './support/shared-data.ts';
import { onePassageCorpus } from './support/one-passage-corpus.ts';

describe('fitLogistic', () => {
  // Rows where the first feature decides the label, with some overlap so the fit stays finite.
  const rows: Float64Array[] = [];
  const labels: number[] = [];
  for (let i = 0; i < 200; i++) {
    const f = new Float64Array(FEATURE_COUNT);
    f[0] = (i % 20) / 20;
    f[1] = ((i * 7) % 13) / 13;
    rows.push(f);
    labels.push(f[0]! + (i % 3 === 0 ? 0.2 : 0) > 0.55 ? 1 : 0);
  }

  it('learns that the deciding feature raises the probability, the same weights every time', () => {
    const a = fitLogistic(rows, labels, { l2: 1, iterations: 25 });
    const b = fitLogistic(rows, labels, { l2: 1, iterations: 25 });
    expect(a).toEqual(b);
    expect(a.weights[0]).toBeGreaterThan(3);
    expect(Math.abs(a.weights[1]!)).toBeLessThan(a.weights[0]! / 3);
  });

  it('holds a skipped feature at weight 0 (the fallback trained without the dense feature)', () => {
    const fit = fitLogistic(rows, labels, { l2: 1, iterations: 25, skip: [0] });
    expect(fit.weights[0]).toBe(0);
  });
});

describe('rankerFor', () => {
  const shipped = JSON.parse(readFileSync(join(REPO_ROOT, 'src/core/rank/weights.json'), 'utf8')) as WeightsFile;

  it('ships weights for the offline model and a fallback without the dense feature, for this build’s features', () => {
    expect(shipped.models['local/use-lite-en']?.features).toEqual([...FEATURES]);
    const fallback = shipped.models[shipped.fallback]!;
    expect(fallback.features).toEqual([...FEATURES]);
    expect(fallback.weights[DENSE_FEATURE]).toBe(0);
    expect(fallback.threshold).toBeGreaterThan(0);
  });

  it('uses a model’s own weights only when the question was embedded with it; any other model gets the fallback', () => {
    const own = rankerFor('local/use-lite-en', true);
    const unknown = rankerFor('someone/other-model', true);
    const noVector = rankerFor('local/use-lite-en', false);
    expect(own.threshold).toBe(shipped.models['local/use-lite-en']!.threshold);
    expect(unknown.weights[DENSE_FEATURE]).toBe(0);
    expect(noVector.weights[DENSE_FEATURE]).toBe(0);
  });
});

describe('expectedAnswer', () => {
  it.each([
    ['Quel pourcentage des votes a-t-il obtenu ?', 'percent'],
    ['Pendant combien de temps a-t-il régné ?', 'duration'],
    ['How long did the siege last?', 'duration'],
    ['Combien coûte le billet ?', 'money'],
    ['Qui a fondé la ville ?', 'person'],
    ['Who founded Xiaomi?', 'person'],
    ['Où se trouve le siège de Xiaomi ?', 'place'],
    ['Dans quel pays est né Mozart ?', 'place'],
    ['Quelle entreprise a racheté les brevets ?', 'organisation'],
    ['Xiaomi ou Huawei vend-il plus ?', null],
  ])('%s → %s', (question, expected) => {
    expect(expectedAnswer(question)).toBe(expected);
  });
});

function article(id: string, text: string, title: string | null = null): Article {
  return { id, path: `${id}.md`, text, title, source: null, url: null, published: null, language: 'fr' };
}

const corpus = onePassageCorpus;

describe('the answering sentence over its neighbour', () => {
  it('quotes first the sentence that holds the figure asked for, not the one that only repeats the question’s words', () => {
    const a = article(
      'port',
      'Le port de Saint-Malo accueille chaque année des ferries vers l’Angleterre et les îles anglo-normandes. ' +
        'En 2019, le port de Saint-Malo a accueilli 1,2 million de passagers. ' +
        'La ville fortifiée attire aussi de nombreux touristes en été.',
    );
    const other = article('meteo', 'La météo sera pluvieuse en Bretagne demain, avec des rafales de vent sur les côtes.');
    const view = corpus([a, other]);
    const question = 'Combien de passagers le port de Saint-Malo accueille-t-il ?';
    const terms = analyze(question);
    const answer = composeAnswer(question, terms, retrieve(view, terms, null, { denseWeight: 0, candidates: 20 }), view, { minRelevance: 0.5, maxQuotes: 3 });
    expect(answer.found).toBe(true);
    expect(answer.quotes[0]!.quote).toContain('1,2 million de passagers');
  });
});

describe('answers drawn from the corpus: the seeds plus 150 OrangeSum articles', () => {
  let dir: string;
  let app: Depeche;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'depeche-ranker-'));
    const corpusDir = join(dir, 'corpus');
    cpSync(join(REPO_ROOT, 'corpus'), corpusDir, { recursive: true });
    const news = sampleArticles(loadDataset(join(datasetsDir(process.env, REPO_ROOT), 'orangesum-news')), 150);
    for (const a of news.articles) writeFileSync(join(corpusDir, `${a.id}.md`), articleMarkdown(a, true));
    app = await Depeche.open(
      loadConfig({ MODEL_DIR: modelDir(), EMBEDDING_MODEL: embeddingModel(), CORPUS_DIR: corpusDir, EMBEDDINGS_DIR: join(dir, 'embeddings') }, dir),
    );
    await app.reindex();
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('still quotes "1 500 brevets" for the patents question, though the long Microsoft article holds many matching sentences', async () => {
    const status = app.status();
    expect(status.articles).toBe(154);
    const answer = await app.ask('Combien de brevets Microsoft a-t-il vendus à Xiaomi ?');
    expect(answer.found).toBe(true);
    expect(answer.citations.some((c) => c.quote.includes('1 500 brevets'))).toBe(true);
  });

  it('refuses a question none of the 154 articles answers', async () => {
    const answer = await app.ask('Quel est le palmarès du festival de jazz de Montreux cette année ?');
    expect(answer.found).toBe(false);
  });
});
