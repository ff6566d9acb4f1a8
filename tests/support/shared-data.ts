/**
 * What the tests read from outside the repository (README: `../shared` beside it): the offline
 * model, the shared seed articles and the evaluation datasets. One place for their locations, and
 * the check the run makes before any test starts (tests/global-setup.ts).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { datasetsDir } from '../../src/eval/datasets.ts';

type Env = Record<string, string | undefined>;

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

/** The offline model the README's test command names; used only when EMBEDDING_MODEL is unset. */
export const OFFLINE_MODEL = 'local/use-lite-en';

/** The models root: MODEL_DIR (relative to the repository), else ../shared/models beside it. */
export function modelDir(env: Env = process.env, root = REPO_ROOT): string {
  return resolve(root, env.MODEL_DIR?.trim() || '../shared/models');
}

/** The model the tests load: EMBEDDING_MODEL, else the offline model. */
export function embeddingModel(env: Env = process.env): string {
  return env.EMBEDDING_MODEL?.trim() || OFFLINE_MODEL;
}

/** The shared seed articles (the cleaning, sentence and chunking tests read them). */
export function seedArticlesDir(root = REPO_ROOT): string {
  return resolve(root, '../shared/seed-articles');
}

/**
 * What is missing, one line each with how to fix it; empty when everything is there.
 * The model needs its config, tokenizer and ONNX weights (full or quantized).
 */
export function missingSharedData(env: Env = process.env, root = REPO_ROOT): string[] {
  const missing: string[] = [];
  const model = join(modelDir(env, root), embeddingModel(env));
  const weights = ['onnx/model.onnx', 'onnx/model_quantized.onnx'];
  const modelFiles = ['config.json', 'tokenizer.json'].filter((f) => !existsSync(join(model, f)));
  if (!weights.some((f) => existsSync(join(model, f)))) modelFiles.push(weights.join(' or '));
  if (modelFiles.length) {
    missing.push(`model ${embeddingModel(env)}: ${modelFiles.join(', ')} not found in ${model} (set MODEL_DIR to the models folder and EMBEDDING_MODEL to the model under it)`);
  }
  const seeds = seedArticlesDir(root);
  if (!existsSync(seeds) || readdirSync(seeds).length === 0) {
    missing.push(`seed articles: ${seeds} is missing or empty (put the shared folder beside the repository as ../shared)`);
  }
  const piaf = join(datasetsDir(env, root), 'piaf', 'piaf-v1.1.json');
  if (!existsSync(piaf)) missing.push(`datasets: ${piaf} not found (set DATASETS_DIR to the datasets folder)`);
  return missing;
}
