import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_MODEL, loadConfig } from '../src/config.ts';

describe('loadConfig', () => {
  it('defaults to the multilingual e5 model with its query/passage prefixes, downloading into .cache', () => {
    const c = loadConfig({}, '/srv/depeche');
    expect(c.embedding.model).toBe(DEFAULT_MODEL);
    expect(c.embedding.queryPrefix).toBe('query: ');
    expect(c.embedding.passagePrefix).toBe('passage: ');
    expect(c.embedding.modelDir).toBeNull();
    expect(c.embedding.cacheDir).toBe('/srv/depeche/.cache/models');
    expect(c.corpusDir).toBe('/srv/depeche/corpus');
    expect(c.embeddingsDir).toBe('/srv/depeche/embeddings');
  });

  it('uses the offline model preset: no prefixes, fp32 weights, little weight on its dense scores', () => {
    const c = loadConfig({ MODEL_DIR: '../shared/models', EMBEDDING_MODEL: 'local/use-lite-en' }, '/work/main');
    expect(c.embedding.modelDir).toBe('/work/shared/models');
    expect(c.embedding.queryPrefix).toBe('');
    expect(c.embedding.quantized).toBe(false);
    expect(c.retrieval.denseWeight).toBeLessThanOrEqual(0.2);
  });

  it('lets the environment override a preset, keeping significant spaces in prefixes', () => {
    const c = loadConfig({ EMBEDDING_MODEL: 'Xenova/multilingual-e5-small', QUERY_PREFIX: 'q: ', DENSE_WEIGHT: '0.7' });
    expect(c.embedding.queryPrefix).toBe('q: ');
    expect(c.retrieval.denseWeight).toBe(0.7);
  });

  it.each([
    ['DENSE_WEIGHT', '2'],
    ['EMBED_BATCH_SIZE', 'many'],
    ['EMBED_BATCH_SIZE', '2.5'],
    ['EMBEDDING_QUANTIZED', 'maybe'],
    ['MODEL_REMOTE_HOST', 'ftp://mirror'],
  ])('rejects %s=%s with a message naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^${name}: `));
  });
});
