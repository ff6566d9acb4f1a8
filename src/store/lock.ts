import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';

export class LockedError extends Error {
  constructor(readonly holderPid: number, readonly since: string) {
    super(`a reindex is already running (process ${holderPid}, started ${since}); try again when it has finished`);
    this.name = 'LockedError';
  }
}

interface LockContent {
  pid: number;
  since: string;
}

/**
 * A lock file taken with O_EXCL so two reindex runs, in one process or two, never write at once.
 * A lock left by a process that died (kill -9, crash) is taken over.
 */
export class FileLock {
  private constructor(private readonly path: string, private readonly content: string) {}

  static acquire(path: string): FileLock {
    for (let attempt = 0; attempt < 2; attempt++) {
      const content = JSON.stringify({ pid: process.pid, since: new Date().toISOString() } satisfies LockContent);
      try {
        const fd = openSync(path, 'wx');
        writeSync(fd, content);
        closeSync(fd);
        return new FileLock(path, content);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = readHolder(path);
        if (holder && isAlive(holder.pid)) throw new LockedError(holder.pid, holder.since);
        rmSync(path, { force: true }); // stale: its owner is gone
      }
    }
    throw new Error(`could not take the lock ${path}`);
  }

  release(): void {
    try {
      if (readFileSync(this.path, 'utf8') === this.content) rmSync(this.path, { force: true });
    } catch {
      // already gone
    }
  }
}

function readHolder(path: string): LockContent | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockContent>;
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, since: String(parsed.since ?? '?') } : null;
  } catch {
    return null; // half-written by a process killed while taking it: stale
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
