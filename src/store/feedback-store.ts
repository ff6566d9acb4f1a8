/**
 * Members' feedback on answers (issue 17), in its own small SQLite file beside the index
 * (`feedback.db`): each answer shown with feedback buttons is recorded with its question, text and
 * citations; each member votes once per answer. Voters are kept as a hash of answer and member, so
 * the file says who voted twice but not who voted. An admin may label a 👎 answer with the article
 * that should have been cited (an evaluation case: npm run eval -- feedback). Answers, and with them
 * their questions, votes and labels, are kept `keepDays` days (QUESTION_LOG_DAYS), like the gaps log.
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

/** The article an admin says should have been cited, and the library it is in (null: the shared one). */
export interface Label {
  articleId: string;
  library: string | null;
  at: string;
}

export interface DownVoted extends AnswerRecord {
  id: string;
  /** The first SHORT_ID_LENGTH characters of `id`: what /admin feedback shows and takes back. */
  shortId: string;
  at: string;
  downs: number;
  label: Label | null;
}

export const SHORT_ID_LENGTH = 8;
export const DEFAULT_KEEP_DAYS = 30;
const DAY_MS = 86_400_000;

type DownRow = { id: string; guild_id: string | null; question: string; answer: string; citations: string; at: string; downs: number; article_id: string | null; library: string | null; labelled_at: string | null };
const DOWN_SELECT = `SELECT a.id, a.guild_id, a.question, a.answer, a.citations, MAX(v.at) AS at, COUNT(*) AS downs,
         l.article_id, l.library, l.at AS labelled_at
       FROM votes v JOIN answers a ON a.id = v.answer_id LEFT JOIN labels l ON l.answer_id = a.id
       WHERE v.vote = 'down'`;

export class FeedbackStore {
  private constructor(
    private readonly db: Database.Database,
    private readonly keepDays: number,
  ) {}

  static pathIn(embeddingsDir: string): string {
    return join(embeddingsDir, 'feedback.db');
  }

  static open(path: string, keepDays = DEFAULT_KEEP_DAYS): FeedbackStore {
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
      CREATE INDEX IF NOT EXISTS answers_at ON answers(at);
      CREATE TABLE IF NOT EXISTS labels (
        answer_id TEXT PRIMARY KEY REFERENCES answers(id), article_id TEXT NOT NULL, library TEXT, at TEXT NOT NULL);
    `);
    return new FeedbackStore(db, keepDays);
  }

  /** Records an answer about to be shown with feedback buttons; returns its id (for the buttons). */
  recordAnswer(record: AnswerRecord, at = new Date()): string {
    this.prune(at);
    const id = randomBytes(8).toString('hex');
    this.db
      .prepare('INSERT INTO answers (id, guild_id, question, answer, citations, at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, record.guildId, record.question, record.answer, JSON.stringify(record.citations), at.toISOString());
    return id;
  }

  /** The question an answer was given to (null when unknown). */
  questionOf(answerId: string): string | null {
    this.prune(new Date());
    const row = this.db.prepare('SELECT question FROM answers WHERE id = ?').get(answerId) as { question: string } | undefined;
    return row?.question ?? null;
  }

  /** A member's vote: recorded once per answer; 'already' when they voted on it, 'unknown' for no such answer. */
  vote(answerId: string, memberId: string, vote: Vote, at = new Date()): 'recorded' | 'already' | 'unknown' {
    this.prune(at);
    if (!this.db.prepare('SELECT 1 FROM answers WHERE id = ?').get(answerId)) return 'unknown';
    const voter = createHash('sha256').update(`${answerId}:${memberId}`).digest('hex');
    const r = this.db.prepare('INSERT OR IGNORE INTO votes (answer_id, voter, vote, at) VALUES (?, ?, ?, ?)').run(answerId, voter, vote, at.toISOString());
    return r.changes === 1 ? 'recorded' : 'already';
  }

  /** The server's answers voted 👎, most recently voted first. */
  recentDownVoted(guildId: string | null, limit: number, now = new Date()): DownVoted[] {
    this.prune(now);
    const rows = this.db.prepare(`${DOWN_SELECT} AND a.guild_id IS ? GROUP BY a.id ORDER BY at DESC LIMIT ?`).all(guildId, limit) as DownRow[];
    return rows.map(downVoted);
  }

  /** Every answer voted 👎 still kept (one server's when `guildId` is given), oldest first: the evaluation's cases. */
  allDownVoted(guildId?: string | null, now = new Date()): DownVoted[] {
    this.prune(now);
    const rows = (
      guildId === undefined
        ? this.db.prepare(`${DOWN_SELECT} GROUP BY a.id ORDER BY at ASC`).all()
        : this.db.prepare(`${DOWN_SELECT} AND a.guild_id IS ? GROUP BY a.id ORDER BY at ASC`).all(guildId)
    ) as DownRow[];
    return rows.map(downVoted);
  }

  /**
   * The server's 👎 answer an admin means by a short id (or a full one): only that server's answers
   * are searched, so an admin of another server cannot reach them.
   */
  findDownVoted(guildId: string | null, shortId: string, now = new Date()): DownVoted | 'unknown' | 'ambiguous' {
    const wanted = shortId.trim().toLowerCase();
    if (!/^[0-9a-f]{4,16}$/.test(wanted)) return 'unknown';
    this.prune(now);
    const rows = this.db
      .prepare(`${DOWN_SELECT} AND a.guild_id IS ? AND substr(a.id, 1, ?) = ? GROUP BY a.id LIMIT 2`)
      .all(guildId, wanted.length, wanted) as DownRow[];
    if (rows.length === 0) return 'unknown';
    return rows.length > 1 ? 'ambiguous' : downVoted(rows[0]!);
  }

  /** Records (or replaces) the article an admin says should have been cited for an answer. */
  label(answerId: string, articleId: string, library: string | null, at = new Date()): void {
    this.db
      .prepare(
        `INSERT INTO labels (answer_id, article_id, library, at) VALUES (?, ?, ?, ?)
         ON CONFLICT(answer_id) DO UPDATE SET article_id = excluded.article_id, library = excluded.library, at = excluded.at`,
      )
      .run(answerId, articleId, library, at.toISOString());
  }

  /** Deletes the answers (questions included), votes and labels older than the retention. */
  private prune(now: Date): void {
    const cutoff = new Date(now.getTime() - this.keepDays * DAY_MS).toISOString();
    const old = 'SELECT id FROM answers WHERE at < ?';
    this.db.transaction(() => {
      this.db.prepare(`DELETE FROM votes WHERE answer_id IN (${old})`).run(cutoff);
      this.db.prepare(`DELETE FROM labels WHERE answer_id IN (${old})`).run(cutoff);
      this.db.prepare('DELETE FROM answers WHERE at < ?').run(cutoff);
    })();
  }

  close(): void {
    this.db.close();
  }
}

function downVoted(r: DownRow): DownVoted {
  return {
    id: r.id,
    shortId: r.id.slice(0, SHORT_ID_LENGTH),
    guildId: r.guild_id,
    question: r.question,
    answer: r.answer,
    citations: JSON.parse(r.citations),
    at: r.at,
    downs: r.downs,
    label: r.article_id === null ? null : { articleId: r.article_id, library: r.library, at: r.labelled_at! },
  };
}
