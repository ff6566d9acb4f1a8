import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.ts';

describe('createLogger', () => {
  it('writes one JSON line per event with its fields', () => {
    const lines: string[] = [];
    createLogger('info', (l) => lines.push(l)).info('ask.done', { requestId: 'r1', userId: '42', ms: 12 });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', event: 'ask.done', requestId: 'r1', userId: '42', ms: 12 });
  });

  it('never writes a secret, whatever the caller passes', () => {
    const lines: string[] = [];
    const log = createLogger('debug', (l) => lines.push(l));
    log.error('login.failed', { token: 'MTIz.abc.def', DISCORD_TOKEN: 'MTIz.abc.def', authorization: 'Bot MTIz' });
    expect(lines.join('')).not.toContain('MTIz');
  });

  it('drops events below the chosen level', () => {
    const lines: string[] = [];
    const log = createLogger('warn', (l) => lines.push(l));
    log.info('noise');
    log.warn('kept');
    expect(lines.map((l) => JSON.parse(l).event)).toEqual(['kept']);
  });

  it('records errors with their message', () => {
    const lines: string[] = [];
    createLogger('info', (l) => lines.push(l)).error('reindex.failed', { error: new Error('disk full') });
    expect(JSON.parse(lines[0]!).error.message).toBe('disk full');
  });
});
