import type { ReindexProgress } from '../app/indexer.ts';

const LABELS: Record<ReindexProgress['phase'], string> = {
  scan: 'reading articles',
  embed: 'embedding passages',
  index: 'building index',
  commit: 'saving',
};

/**
 * Reports reindex progress: a redrawn bar with rate and ETA on a terminal, plain lines (at most one
 * every few seconds per phase) when the output is a file or a pipe.
 */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr, now: () => number = Date.now) {
  const tty = stream.isTTY === true;
  let phase: ReindexProgress['phase'] | null = null;
  let phaseStart = 0;
  let lastPrint = 0;
  let drawn = false;

  const line = (p: ReindexProgress) => {
    const elapsed = (now() - phaseStart) / 1000;
    const rate = elapsed > 0 ? p.done / elapsed : 0;
    const eta = rate > 0 && p.total > p.done ? formatDuration((p.total - p.done) / rate) : '--';
    const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 100;
    return { text: `${LABELS[p.phase]} ${p.done}/${p.total} (${pct}%) ${rate.toFixed(1)}/s ETA ${eta}`, pct };
  };

  const report = (p: ReindexProgress) => {
    const t = now();
    if (p.phase !== phase) {
      if (tty && drawn) stream.write('\n');
      phase = p.phase;
      phaseStart = t;
      lastPrint = 0;
      drawn = false;
    }
    const { text, pct } = line(p);
    const finished = p.done >= p.total;
    if (tty) {
      const width = 24;
      const filled = Math.round((width * pct) / 100);
      stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text}\x1b[K`);
      drawn = true;
    } else if (finished || t - lastPrint >= 2000) {
      if (p.total === 0) return;
      stream.write(`${text}\n`);
      lastPrint = t;
    }
  };
  report.end = () => {
    if (tty && drawn) stream.write('\n');
    drawn = false;
  };
  return report;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, '0')}`;
}
