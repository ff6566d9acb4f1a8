/**
 * The download path without internet: a local server laid out like the Hugging Face hub serves the
 * offline model's files; the first load downloads them into MODEL_CACHE_DIR, later loads read the
 * cache and never ask the network again.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../src/config.ts';
import { TransformersEmbedder } from '../src/embed/transformers-embedder.ts';
import { MODEL_DIR, REAL_MODEL } from './support/workspace.ts';

const HUB_MODEL = 'test-org/use-lite-en';
const MODEL_FILES = join(MODEL_DIR, 'local/use-lite-en');
const TEXTS = ['Microsoft vient de vendre 1 500 brevets au chinois Xiaomi.', 'Quel temps fera-t-il demain à Brest ?'];

let server: Server;
let host: string;
const requests: { path: string; status: number }[] = [];
const tmp = mkdtempSync(join(tmpdir(), 'depeche-download-'));

beforeAll(async () => {
  const prefix = `/${HUB_MODEL}/resolve/main/`;
  server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.startsWith(prefix) ? normalize(path.slice(prefix.length)) : null;
    const absolute = file && !file.startsWith('..') ? join(MODEL_FILES, file) : null;
    const status = absolute && existsSync(absolute) && statSync(absolute).isFile() ? 200 : 404;
    requests.push({ path, status });
    if (status === 404) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Entry not found');
      return;
    }
    const body = readFileSync(absolute!);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  if (server.listening) await new Promise((resolve) => server.close(resolve));
  rmSync(tmp, { recursive: true, force: true });
});

function hubConfig(cacheDir: string, extra: Record<string, string> = {}): Config {
  // No MODEL_DIR: the model comes from the (local) hub.
  return loadConfig(
    { MODEL_REMOTE_HOST: host, MODEL_CACHE_DIR: cacheDir, EMBEDDING_MODEL: HUB_MODEL, EMBEDDING_QUANTIZED: 'false', ...extra },
    tmp,
  );
}

async function embedWith(config: Config): Promise<{ vectors: Float32Array[]; dims: number; modelId: string }> {
  const embedder = await TransformersEmbedder.load(config.embedding);
  try {
    return { vectors: await embedder.embed(TEXTS, 'passage'), dims: embedder.dims, modelId: embedder.modelId };
  } finally {
    await embedder.close();
  }
}

describe('model download', () => {
  it('downloads each file once into the cache, then loads from the cache alone', async () => {
    const cacheDir = join(tmp, 'cache');
    const config = hubConfig(cacheDir);
    expect(config.embedding.modelDir).toBeNull();

    const first = await embedWith(config);
    expect(first).toMatchObject({ dims: 512, modelId: HUB_MODEL });
    const fetched = requests.filter((r) => r.status === 200).map((r) => r.path.split('/resolve/main/')[1]).sort();
    expect(fetched).toEqual(expect.arrayContaining(['config.json', 'onnx/model.onnx', 'tokenizer.json', 'tokenizer_config.json']));
    expect(new Set(fetched).size).toBe(fetched.length); // each file once
    expect(requests.some((r) => r.path.endsWith('model_quantized.onnx'))).toBe(false);
    for (const file of fetched) {
      const cached = join(cacheDir, HUB_MODEL, file!);
      expect(existsSync(cached), cached).toBe(true);
      expect(readFileSync(cached).equals(readFileSync(join(MODEL_FILES, file!)))).toBe(true);
    }

    // Second load, server still up: served by the cache, not one request.
    const seen = requests.length;
    const second = await embedWith(config);
    expect(requests.length).toBe(seen);
    expect(second.vectors).toEqual(first.vectors);

    // Third load with the server gone (offline): still works, same vectors.
    await new Promise((resolve) => server.close(resolve));
    const third = await embedWith(config);
    expect(third.vectors).toEqual(first.vectors);
    expect(requests.length).toBe(seen);

    // The downloaded model is the offline one: same vectors as loading it from MODEL_DIR.
    const local = await embedWith(loadConfig({ MODEL_DIR, EMBEDDING_MODEL: REAL_MODEL }, tmp));
    for (const [i, v] of local.vectors.entries()) {
      for (let d = 0; d < v.length; d++) expect(Math.abs(v[d]! - first.vectors[i]![d]!)).toBeLessThan(1e-5);
    }
  });

  it('names the model and the missing file when the hub does not have it', async () => {
    if (!server.listening) await new Promise<void>((resolve) => server.listen((server.address() as AddressInfo | null)?.port ?? 0, '127.0.0.1', resolve));
    host = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    // EMBEDDING_QUANTIZED=true asks for onnx/model_quantized.onnx, which this model does not ship.
    const config = hubConfig(join(tmp, 'cache-quantized'), { EMBEDDING_QUANTIZED: 'true' });
    const failure = await TransformersEmbedder.load(config.embedding).then(
      () => null,
      (error: unknown) => error as Error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(failure!.message).toContain(`cannot load or download embedding model "${HUB_MODEL}"`);
    expect(failure!.message).toMatch(/model_quantized\.onnx/);
    expect(requests.at(-1)).toMatchObject({ status: 404 });
  });
});
