/**
 * Temporary workspaces for integration tests: a corpus folder and an embeddings folder under one
 * mkdtemp directory, the environment the command line reads, and the matching Config.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type Config } from '../../src/config.ts';
import type { EmbedderSpec } from '../../src/embed/embedder.ts';
import { embeddingModel, modelDir } from './shared-data.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The offline models root: MODEL_DIR from the environment, else ../shared/models beside the repo. */
export const MODEL_DIR = modelDir();
/** EMBEDDING_MODEL from the environment, else the offline model. */
export const REAL_MODEL = embeddingModel();
/** The seed articles shipped with the repository. */
export const SEED_CORPUS = join(REPO_ROOT, 'corpus');

/** A small deterministic embedder for tests that do not need the real model. */
export const HASH_SPEC: EmbedderSpec = { kind: 'hash', dims: 64, maxTokens: 64 };

export interface Workspace {
  root: string;
  corpusDir: string;
  embeddingsDir: string;
  /** Environment for the command line (and loadConfig): folders and the offline model. */
  env: Record<string, string>;
  config(extra?: Record<string, string>): Config;
  /** Writes an article file (string or bytes) into the corpus, with an mtime that differs from before. */
  write(name: string, content: string | Uint8Array): string;
  remove(name: string): void;
  indexFiles(): string[];
  cleanup(): void;
}

export interface WorkspaceOptions {
  /** Copy the repository's seed articles into the corpus. */
  seed?: boolean;
  /** Articles to write into the corpus (name → content). */
  articles?: Record<string, string | Uint8Array>;
  env?: Record<string, string>;
}

export function makeWorkspace(options: WorkspaceOptions = {}): Workspace {
  const root = mkdtempSync(join(tmpdir(), 'depeche-test-'));
  const corpusDir = join(root, 'corpus');
  const embeddingsDir = join(root, 'embeddings');
  mkdirSync(corpusDir, { recursive: true });
  if (options.seed) cpSync(SEED_CORPUS, corpusDir, { recursive: true, preserveTimestamps: true });
  const env: Record<string, string> = {
    CORPUS_DIR: corpusDir,
    EMBEDDINGS_DIR: embeddingsDir,
    MODEL_DIR,
    EMBEDDING_MODEL: REAL_MODEL,
    MODEL_CACHE_DIR: join(root, 'model-cache'),
    ...options.env,
  };
  let clock = Date.now();
  const ws: Workspace = {
    root,
    corpusDir,
    embeddingsDir,
    env,
    config: (extra = {}) => loadConfig({ ...env, ...extra }, root),
    write(name, content) {
      const path = join(corpusDir, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
      // Editors always leave a new mtime; make sure two writes within a millisecond do too.
      clock = Math.max(clock + 1000, Date.now());
      utimesSync(path, clock / 1000, clock / 1000);
      return path;
    },
    remove(name) {
      rmSync(join(corpusDir, name), { force: true });
    },
    indexFiles: () => readdirSync(embeddingsDir).filter((n) => /^index-\d+\.hnsw$/.test(n)).sort(),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
  for (const [name, content] of Object.entries(options.articles ?? {})) ws.write(name, content);
  return ws;
}

/** A copy of a workspace (corpus and index) in a new temp folder, timestamps kept. */
export function cloneWorkspace(from: Workspace): Workspace {
  const ws = makeWorkspace({ env: envOverrides(from) });
  cpSync(from.corpusDir, ws.corpusDir, { recursive: true, preserveTimestamps: true });
  cpSync(from.embeddingsDir, ws.embeddingsDir, { recursive: true, preserveTimestamps: true });
  return ws;
}

function envOverrides(ws: Workspace): Record<string, string> {
  const { CORPUS_DIR: _c, EMBEDDINGS_DIR: _e, MODEL_CACHE_DIR: _m, ...rest } = ws.env;
  return rest;
}

/** A Markdown article with front matter. */
export function markdown(meta: { title?: string; source?: string; url?: string; published?: string }, body: string): string {
  const lines = ['---'];
  for (const [k, v] of Object.entries(meta)) if (v !== undefined) lines.push(`${k}: ${JSON.stringify(v)}`);
  lines.push('language: fr', '---', '', body.trim(), '');
  return lines.join('\n');
}
