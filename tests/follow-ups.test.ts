/**
 * Follow-ups measured (tests/fixtures/follow-ups.json, issue 17): each follow-up asked alone and in
 * its first question's context, against the seed articles and the first OrangeSum articles, with the
 * real offline model. Measured (2026-11-30, local/use-lite-en, three runs alike): 18/25 right alone,
 * 19/25 with context. The test asserts the context wins by the measured margin minus SLACK, loses at
 * most SLACK pair the follow-up alone gets right, and leaves a follow-up naming its own subject alone.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Depeche } from '../src/app/depeche.ts';
import { loadConfig } from '../src/config.ts';
import { articleMarkdown, datasetsDir, loadOrangeSum } from '../src/eval/datasets.ts';
import { loadFollowUpSet, runFollowUps, type FollowUpResult } from '../src/eval/follow-up-set.ts';
import { embeddingModel, modelDir } from './support/shared-data.ts';

const MEASURED_ALONE = 18;
const MEASURED_WITH_CONTEXT = 19;
const SLACK = 1;

const root = resolve(import.meta.dirname, '..');
const set = loadFollowUpSet(join(root, 'tests/fixtures/follow-ups.json'));
let dir: string;
let app: Depeche;
let results: FollowUpResult[] = [];

function table(): string {
  const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
  const shown = (a: FollowUpResult['alone']) => (a.found ? `${a.citations[0]!.articleId.slice(0, 14)} «${clip(a.citations[0]!.quote, 50)}»` : 'nothing');
  return results
    .map((r) => `${r.pair.id} ${r.pair.kind.padEnd(5)} alone ${r.aloneHit ? 'ok  ' : 'MISS'} ctx ${r.contextHit ? 'ok  ' : 'MISS'}${r.carried ? ' (carried)' : ''} ${clip(r.pair.followUp, 45).padEnd(45)} | ${shown(r.alone)} | ${r.withContext.note ?? ''} ${shown(r.withContext)}`)
    .join('\n');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'depeche-follow-'));
  const corpus = join(dir, 'corpus');
  cpSync(join(root, 'corpus'), corpus, { recursive: true });
  const orangesum = loadOrangeSum(join(datasetsDir(process.env, root), 'orangesum-news'));
  for (const a of orangesum.articles.slice(0, set.orangesumArticles)) writeFileSync(join(corpus, `${a.id}.md`), articleMarkdown(a, true));
  app = await Depeche.open(loadConfig({ MODEL_DIR: modelDir(), EMBEDDING_MODEL: embeddingModel(), CORPUS_DIR: corpus, EMBEDDINGS_DIR: join(dir, 'embeddings') }, dir));
  await app.reindex();
  results = await runFollowUps(set.pairs, app);
  console.log(table());
}, 600_000);

afterAll(async () => {
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('follow-ups, alone and in context', () => {
  it('has at least 20 pairs, some naming a subject of their own', () => {
    expect(set.pairs.length).toBeGreaterThanOrEqual(20);
    expect(set.pairs.some((p) => p.kind === 'new')).toBe(true);
  });

  it('context answers more follow-ups right than the follow-up alone, by the measured margin', () => {
    const alone = results.filter((r) => r.aloneHit).length;
    const withContext = results.filter((r) => r.contextHit).length;
    console.log(`follow-ups right: alone ${alone}/${results.length}, with context ${withContext}/${results.length}`);
    expect(withContext - alone, table()).toBeGreaterThanOrEqual(MEASURED_WITH_CONTEXT - MEASURED_ALONE - SLACK);
    expect(withContext, table()).toBeGreaterThanOrEqual(MEASURED_WITH_CONTEXT - SLACK);
    expect(results.filter((r) => r.aloneHit && !r.contextHit).length, table()).toBeLessThanOrEqual(SLACK);
  });

  it('a follow-up naming its own subject is answered on its own words (no note)', () => {
    for (const r of results.filter((x) => x.pair.kind === 'new')) {
      expect(r.carried, r.pair.id).toBe(false);
      expect(r.withContext.note).toBeUndefined();
    }
  });

  it('a carried answer says what it understood, and the subject is the first question’s', () => {
    const carried = results.filter((r) => r.carried);
    expect(carried.length).toBeGreaterThan(0);
    for (const r of carried) expect(r.withContext.answer).toMatch(/^À propos d(e |’)/);
    const p01 = results.find((r) => r.pair.id === 'p01')!;
    expect(p01.withContext.note).toMatch(/^À propos de (Microsoft et Xiaomi|Xiaomi et Microsoft) :$/);
  });
});
