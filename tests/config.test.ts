import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_MODEL, loadConfig } from '../src/config.ts';
import { loadDiscordConfig } from '../src/discord/config.ts';
import { settingsReader } from '../src/settings/read.ts';
import { reportConfigError } from '../src/settings/report.ts';

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

describe('settings reader (every loader reads through it)', () => {
  const fails = (read: () => unknown): string => {
    try {
      read();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as Error).message;
    }
    throw new Error('no error');
  };

  it('defaults when a variable is unset or blank, trims, and names the variable in each refusal', () => {
    const read = settingsReader({ BLANK: '  ', N: ' 2.5 ', I: '7', B: 'Off', L: ' a, b ,, c ', P: 'q: ' });
    expect(read.str('BLANK')).toBeUndefined();
    expect(read.int('BLANK', 3, 0, 10)).toBe(3);
    expect(read.num('N', 0, 0, 10)).toBe(2.5);
    expect(read.int('I', 0, 0, 10)).toBe(7);
    expect(read.bool('B', true)).toBe(false);
    expect(read.list('L')).toEqual(['a', 'b', 'c']);
    expect(read.raw('P')).toBe('q: ');
    expect(fails(() => read.int('N', 0, 0, 10))).toBe('N: must be a whole number between 0 and 10, got "2.5"');
    expect(fails(() => read.num('I', 0, 0, 5))).toBe('I: must be a number between 0 and 5, got "7"');
    expect(fails(() => settingsReader({ X: 'maybe' }).bool('X', true))).toBe('X: must be true or false, got "maybe"');
    expect(fails(() => settingsReader({ C: '#news' }).snowflake('C', 'Discord channel id'))).toBe('C: must be a Discord channel id (17 to 20 digits), got "#news"');
    expect(fails(() => settingsReader({ R: '1100000000000000008,admins' }).snowflakes('R', 'role ids'))).toBe('R: must be role ids separated by commas, got "admins"');
    expect(fails(() => settingsReader({ U: 'ftp://x' }).httpUrl('U', 'https://example.org'))).toBe('U: must be an http(s) URL such as https://example.org, got "ftp://x"');
  });

  it('every entry point prints a bad setting the same way, one line; other errors are left to the caller', () => {
    const lines: string[] = [];
    const stream = { write: (text: string) => lines.push(text) };
    expect(reportConfigError(new ConfigError('RATE_LIMIT_PER_MINUTE', 'must be a whole number between 0 and 10000, got "lots"'), stream)).toBe(true);
    expect(reportConfigError(new Error('disk full'), stream)).toBe(false);
    expect(lines).toEqual(['depeche: configuration error: RATE_LIMIT_PER_MINUTE: must be a whole number between 0 and 10000, got "lots"\n']);
  });

  it('FEED_NOTICE_CHANNEL_ID is a Discord setting: read with the bot’s, refused when not a channel id', () => {
    const token = 'MTEw.part-two.part_three';
    expect(loadDiscordConfig({ DISCORD_TOKEN: token }, 'start').feedNoticeChannelId).toBeNull();
    expect(loadDiscordConfig({ DISCORD_TOKEN: token, FEED_NOTICE_CHANNEL_ID: ' 123456789012345678 ' }, 'start').feedNoticeChannelId).toBe('123456789012345678');
    expect(fails(() => loadDiscordConfig({ DISCORD_TOKEN: token, FEED_NOTICE_CHANNEL_ID: '#news' }, 'start'))).toBe(
      'FEED_NOTICE_CHANNEL_ID: must be a Discord channel id (17 to 20 digits), got "#news"',
    );
  });
});
