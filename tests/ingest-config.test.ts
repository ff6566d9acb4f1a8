/** FETCH_* and FEED_* settings: defaults, parsing, and errors that name the variable. */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/settings/read.ts';
import { loadIngestSettings } from '../src/ingest/config.ts';

describe('ingest settings', () => {
  it('has safe defaults: no allowed private host, 15 s, 5 MB, 5 redirects, a poll every 30 minutes', () => {
    const s = loadIngestSettings({});
    expect(s.fetch).toMatchObject({ allowHosts: [], timeoutMs: 15_000, maxBytes: 5 * 1024 * 1024, maxRedirects: 5 });
    expect(s.feeds).toEqual({ pollMinutes: 30, maxItemsPerPoll: 20 });
  });

  it('reads the allow-list (trimmed, lowercased, IPv6 brackets dropped) and the other variables', () => {
    const s = loadIngestSettings({
      FETCH_ALLOW_HOSTS: ' 127.0.0.1, Intranet.Example ,[::1],, ',
      FETCH_TIMEOUT_MS: '2500',
      FETCH_MAX_BYTES: '100000',
      FETCH_MAX_REDIRECTS: '0',
      FEED_POLL_MINUTES: '0.5',
      FEED_MAX_ITEMS_PER_POLL: '3',
    });
    expect(s.fetch).toMatchObject({ allowHosts: ['127.0.0.1', 'intranet.example', '::1'], timeoutMs: 2500, maxBytes: 100_000, maxRedirects: 0 });
    expect(s.feeds).toEqual({ pollMinutes: 0.5, maxItemsPerPoll: 3 });
  });

  it('names the variable and the reason when a value is wrong', () => {
    const error = (env: Record<string, string>) => {
      try {
        loadIngestSettings(env);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(error({ FETCH_TIMEOUT_MS: 'soon' })).toBe('FETCH_TIMEOUT_MS: must be a whole number between 100 and 300000, got "soon"');
    expect(error({ FETCH_MAX_BYTES: '2048.5' })).toMatch(/^FETCH_MAX_BYTES: must be a whole number/);
    expect(error({ FEED_POLL_MINUTES: '0' })).toMatch(/^FEED_POLL_MINUTES: must be a number between/);
  });
});
