/**
 * Questions that found nothing, per server (issue 17), in `questions.db` beside the index: the
 * question and when, never who asked. Kept QUESTION_LOG_DAYS days: older ones are deleted whenever
 * the log is written or read.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';

const DAY_MS = 86_400_000;

export class QuestionLog {
  private constructor(private readonly db: Database.Database, private readonly keepDays: number) {}

  static pathIn(embeddingsDir: string): string {
    return join(embeddingsDir, 'questions.db');
  }

  static open(path: string, keepDays: number): QuestionLog {
    mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000'); // shards share the file
    db.exec(`CREATE TABLE IF NOT EXISTS unanswered (guild_id TEXT, question TEXT NOT NULL, at TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS unanswered_at ON unanswered(guild_id, at);`);
    return new QuestionLog(db, keepDays);
  }

  record(guildId: string | null, question: string, at = new Date()): void {
    this.prune(at);
    this.db.prepare('INSERT INTO unanswered (guild_id, question, at) VALUES (?, ?, ?)').run(guildId, question, at.toISOString());
  }

  /** The server's unanswered questions still kept, most recent first. */
  recent(guildId: string | null, now = new Date()): { question: string; at: string }[] {
    this.prune(now);
    return this.db.prepare('SELECT question, at FROM unanswered WHERE guild_id IS ? ORDER BY at DESC').all(guildId) as { question: string; at: string }[];
  }

  /** Empties the server's log; returns how many questions were deleted. */
  clear(guildId: string | null): number {
    return this.db.prepare('DELETE FROM unanswered WHERE guild_id IS ?').run(guildId).changes;
  }

  private prune(now: Date): void {
    this.db.prepare('DELETE FROM unanswered WHERE at < ?').run(new Date(now.getTime() - this.keepDays * DAY_MS).toISOString());
  }

  close(): void {
    this.db.close();
  }
}
