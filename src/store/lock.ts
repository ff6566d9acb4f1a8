import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';

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
 * The one-writer lock: an exclusive transaction held open on a small SQLite database
 * (`<path>.db`). SQLite takes it with fcntl locks, which the operating system drops when the
 * holder dies, however it dies (kill -9, crash, container stop): no pid is ever trusted, so a pid
 * reused by another process (pid 1 after a container restart) cannot keep a dead lock alive.
 * `<path>` itself only says who holds the lock, for the refusal message; it decides nothing.
 */
export class FileLock {
  private constructor(
    private readonly db: Database.Database,
    private readonly infoPath: string,
    private readonly content: string,
  ) {}

  static acquire(path: string): FileLock {
    const db = new Database(`${path}.db`);
    try {
      db.pragma('busy_timeout = 0'); // refuse at once: the holder may run for minutes
      db.exec('BEGIN EXCLUSIVE');
    } catch (error) {
      db.close();
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' && (error as { code?: string }).code !== 'SQLITE_LOCKED') throw error;
      const holder = readHolder(path);
      throw new LockedError(holder?.pid ?? 0, holder?.since ?? '?');
    }
    const content = JSON.stringify({ pid: process.pid, since: new Date().toISOString() } satisfies LockContent);
    try {
      writeFileSync(path, content);
    } catch (error) {
      db.close();
      throw error;
    }
    return new FileLock(db, path, content);
  }

  release(): void {
    try {
      if (readFileSync(this.infoPath, 'utf8') === this.content) rmSync(this.infoPath, { force: true });
    } catch {
      // already gone
    }
    try {
      this.db.exec('ROLLBACK');
    } finally {
      this.db.close();
    }
  }
}

function readHolder(path: string): LockContent | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockContent>;
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, since: String(parsed.since ?? '?') } : null;
  } catch {
    return null; // not written yet by a holder that has just taken the lock
  }
}
