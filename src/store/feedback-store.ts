/**
 * Members' feedback on answers (issue 17), in its own small SQLite file beside the index
 * (`feedback.db`): each answer shown with feedback buttons is recorded with its question, text and
 * citations; each member votes once per answer. Voters are kept as a hash of answer and member, so
 * the file says who voted twice but not who voted.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { Citation } from '../core/types.ts';

export type Vote = 'up' | 'down';

export interface AnswerRecord {
  guildId: string | null;
  question: string;
  answer: string;
  citations: Pick<Citation, 'articleId' | 'title' | 'published'>[];
}

export interface DownVoted extends AnswerRecord {
  id: string;
  at: string;
  downs: number;
}

export class FeedbackStore {
  private constructor(private readonly db: Database.Database) {}

  static pathIn(embeddingsDir: string): string {
    return join(embeddingsDir, 'feedback.db');
  }

  static open(path: string): FeedbackStore {
    mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000'); // shards share the file
    db.exec(`
      CREATE TABLE IF NOT EXISTS answers (
        id TEXT PRIMARY KEY, guild_id TEXT, question TEXT NOT NULL, answer TEXT NOT NULL,
        citations TEXT NOT NULL, at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS votes (
        answer_id TEXT NOT NULL REFERENCES answers(id), voter TEXT NOT NULL, vote TEXT NOT NULL CHECK (vote IN ('up', 'down')),
        at TEXT NOT NULL, PRIMARY KEY (answer_id, voter));
      CREATE INDEX IF NOT EXISTS votes_down ON votes(vote, at);
    `);
    return new FeedbackStore(db);
  }

  /** Records an answer about to be shown with feedback buttons; returns its id (for the buttons). */
  recordAnswer(record: AnswerRecord, at = new Date()): string {
    const id = randomBytes(8).toString('hex');
    this.db
      .prepare('INSERT INTO answers (id, guild_id, question, answer, citations, at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, record.guildId, record.question, record.answer, JSON.stringify(record.citations), at.toISOString());
    return id;
  }

  /** The question an answer was given to (null when unknown). */
  questionOf(answerId: string): string | null {
    const row = this.db.prepare('SELECT question FROM answers WHERE id = ?').get(answerId) as { question: string } | undefined;
    return row?.question ?? null;
  }

  /** A member's vote: recorded once per answer; 'already' when they voted on it, 'unknown' for no such answer. */
  vote(answerId: string, memberId: string, vote: Vote, at = new Date()): 'recorded' | 'already' | 'unknown' {
    if (!this.db.prepare('SELECT 1 FROM answers WHERE id = ?').get(answerId)) return 'unknown';
    const voter = createHash('sha256').update(`${answerId}:${memberId}`).digest('hex');
    const r = this.db.prepare('INSERT OR IGNORE INTO votes (answer_id, voter, vote, at) VALUES (?, ?, ?, ?)').run(answerId, voter, vote, at.toISOString());
    return r.changes === 1 ? 'recorded' : 'already';
  }

  /** The server's answers voted 👎, most recently voted first. */
  recentDownVoted(guildId: string | null, limit: number): DownVoted[] {
    const rows = this.db
      .prepare(
        `SELECT a.id, a.guild_id, a.question, a.answer, a.citations, MAX(v.at) AS at, COUNT(*) AS downs
         FROM votes v JOIN answers a ON a.id = v.answer_id
         WHERE v.vote = 'down' AND a.guild_id IS ?
         GROUP BY a.id ORDER BY at DESC LIMIT ?`,
      )
      .all(guildId, limit) as { id: string; guild_id: string | null; question: string; answer: string; citations: string; at: string; downs: number }[];
    return rows.map((r) => ({ id: r.id, guildId: r.guild_id, question: r.question, answer: r.answer, citations: JSON.parse(r.citations), at: r.at, downs: r.downs }));
  }

  close(): void {
    this.db.close();
  }
}
