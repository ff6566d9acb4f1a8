/**
 * The check the run makes before any test (tests/global-setup.ts): with `../shared` elsewhere, one
 * message names each missing piece and the variable that points to it.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import setup, { sharedDataProblem } from './global-setup.ts';
import { embeddingModel } from './support/shared-data.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A repository folder with an empty `../shared` beside it. */
function strayRepo(): { root: string; shared: string } {
  const base = mkdtempSync(join(tmpdir(), 'depeche-shared-'));
  dirs.push(base);
  mkdirSync(join(base, 'repo'));
  mkdirSync(join(base, 'shared'));
  return { root: join(base, 'repo'), shared: join(base, 'shared') };
}

describe('the shared data check', () => {
  it('passes with the environment this run was given (the real model, seeds and datasets)', () => {
    expect(sharedDataProblem()).toBeNull();
    expect(() => setup()).not.toThrow();
  });

  it('names the model, the seed articles and the datasets when ../shared is empty, and how to point to them', () => {
    const { root } = strayRepo();
    const problem = sharedDataProblem({}, root);
    expect(problem).not.toBeNull();
    const lines = problem!.split('\n');
    expect(lines[0]).toMatch(/^The tests need data from outside the repository/);
    expect(lines.slice(1)).toHaveLength(3);
    expect(lines[1]).toContain(`model local/use-lite-en: config.json, tokenizer.json, onnx/model.onnx or onnx/model_quantized.onnx not found in ${join(root, '../shared/models/local/use-lite-en')}`);
    expect(lines[1]).toContain('set MODEL_DIR');
    expect(lines[1]).toContain('EMBEDDING_MODEL');
    expect(lines[2]).toContain(`seed articles: ${join(root, '../shared/seed-articles')} is missing or empty`);
    expect(lines[3]).toContain(`datasets: ${join(root, '../shared/datasets/piaf/piaf-v1.1.json')} not found (set DATASETS_DIR`);
  });

  it('reads MODEL_DIR, EMBEDDING_MODEL and DATASETS_DIR when set, and names only what is still missing', () => {
    const { root, shared } = strayRepo();
    mkdirSync(join(shared, 'seed-articles'));
    writeFileSync(join(shared, 'seed-articles', '000.txt'), 'Un article.');
    // A model folder with its weights but no tokenizer, under a MODEL_DIR of our own.
    const models = join(shared, 'elsewhere');
    mkdirSync(join(models, 'org/model/onnx'), { recursive: true });
    writeFileSync(join(models, 'org/model/config.json'), '{}');
    writeFileSync(join(models, 'org/model/onnx/model_quantized.onnx'), '');
    const datasets = join(shared, 'data');
    mkdirSync(join(datasets, 'piaf'), { recursive: true });
    writeFileSync(join(datasets, 'piaf/piaf-v1.1.json'), '{}');

    const problem = sharedDataProblem({ MODEL_DIR: models, EMBEDDING_MODEL: 'org/model', DATASETS_DIR: datasets }, root);
    expect(problem!.split('\n').slice(1)).toEqual([`  - model org/model: tokenizer.json not found in ${join(models, 'org/model')} (set MODEL_DIR to the models folder and EMBEDDING_MODEL to the model under it)`]);

    writeFileSync(join(models, 'org/model/tokenizer.json'), '{}');
    expect(sharedDataProblem({ MODEL_DIR: models, EMBEDDING_MODEL: 'org/model', DATASETS_DIR: datasets }, root)).toBeNull();
  });

  it('makes vitest stop before any test, with the message, when the model is not there', async () => {
    const { spawnSync } = await import('node:child_process');
    const run = spawnSync('npx', ['vitest', 'run', 'tests/log.test.ts'], {
      cwd: join(import.meta.dirname, '..'),
      env: { ...process.env, MODEL_DIR: '/nonexistent/models', EMBEDDING_MODEL: embeddingModel() },
      encoding: 'utf8',
    });
    const output = run.stdout + run.stderr;
    expect(run.status).not.toBe(0);
    expect(output).toContain('The tests need data from outside the repository');
    expect(output).toContain(`not found in /nonexistent/models/${embeddingModel()}`);
    expect(output).not.toMatch(/Test Files .*passed/);
  }, 60_000);
});
