import { describe, expect, it } from 'vitest';
import { formatDuration, progressReporter } from '../src/cli/progress.ts';

function stream(isTTY: boolean) {
  const out: string[] = [];
  return { out, s: { isTTY, write: (chunk: string) => out.push(chunk) } as unknown as NodeJS.WriteStream };
}

describe('progressReporter', () => {
  it('draws a bar with counts, rate and ETA on a terminal, redrawn in place', () => {
    let t = 0;
    const { out, s } = stream(true);
    const report = progressReporter(s, () => t);
    report({ phase: 'embed', done: 0, total: 100 });
    t = 10_000;
    report({ phase: 'embed', done: 50, total: 100 });
    report.end();
    const last = out.filter((c) => c.startsWith('\r')).at(-1)!;
    expect(last).toContain('[############------------]');
    expect(last).toContain('embedding passages 50/100 (50%) 5.0/s ETA 0:10');
  });

  it('prints plain lines, not control characters, when the output is a file or a pipe', () => {
    let t = 0;
    const { out, s } = stream(false);
    const report = progressReporter(s, () => t);
    for (let i = 0; i <= 100; i++) {
      t = i * 100;
      report({ phase: 'embed', done: i, total: 100 });
    }
    expect(out.length).toBeGreaterThan(0);
    expect(out.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
    expect(out.length).toBeLessThan(10); // throttled, not one line per step
    expect(out.at(-1)).toContain('100/100 (100%)');
  });

  it('formats durations as minutes and seconds', () => {
    expect(formatDuration(5)).toBe('0:05');
    expect(formatDuration(125.4)).toBe('2:05');
  });
});
