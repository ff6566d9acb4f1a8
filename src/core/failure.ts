/**
 * Why an article file was refused or skipped, as data: a code plus the details a front end needs to
 * word it in its own language (discord/wording.ts in French, cli/wording.ts in English). Logs keep the
 * code and details as they are. Fetching and feeds add their own codes (ingest/failure.ts).
 */

/** What a front-matter value was instead of text or a date. */
export type ValueKind = 'list' | 'date' | 'mapping' | 'number' | 'boolean' | 'other';

export type ArticleReason =
  /** The extension is not one of the article formats (.md, .markdown, .txt); `ext` is "" without one. */
  | { code: 'unsupported-type'; ext: string }
  | { code: 'file-too-large'; bytes: number; limit: number }
  | { code: 'binary' }
  | { code: 'unreadable-encoding' }
  /** The file holds no text at all (empty, or only metadata). */
  | { code: 'no-text' }
  /** Text, but nothing left once page boilerplate (menus, share buttons…) is removed. */
  | { code: 'only-boilerplate' }
  | { code: 'front-matter-unclosed' }
  /** YAML that does not parse; `line` where the parser stopped, `detail` its own (English) message for logs. */
  | { code: 'front-matter-syntax'; line: number | null; detail: string }
  /** Parses, but not as "key: value" lines. */
  | { code: 'front-matter-shape' }
  | { code: 'front-matter-not-text'; field: string; got: ValueKind }
  | { code: 'front-matter-url'; value: string }
  /** `value` is the text given, or null when it was not text (see `got`). */
  | { code: 'front-matter-date'; value: string | null; got: ValueKind | null }
  /** Another file in the corpus gives the same article id. */
  | { code: 'id-clash'; id: string; with: string }
  /** The file could not be read from disk (`errno` e.g. EACCES). */
  | { code: 'unreadable-file'; errno: string | null }
  /** The same text is already in the corpus as article `of`. */
  | { code: 'duplicate'; of: string }
  /** A replacement whose text is the one article `of` already has. */
  | { code: 'unchanged'; of: string }
  /** Written, but the reindex did not take it (should not happen: the file was validated first). */
  | { code: 'not-indexed' };

export type ArticleReasonCode = ArticleReason['code'];

/** A one-line machine form for error messages and logs: `code key=value…`, never prose. */
export function reasonText(reason: { code: string }): string {
  const details = Object.entries(reason)
    .filter(([key, value]) => key !== 'code' && value !== null && value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? JSON.stringify(value) : Array.isArray(value) ? (value as unknown[]).join(',') : String(value)}`);
  return [reason.code, ...details].join(' ');
}

/** What a front-matter value is, for a reason. */
export function valueKind(value: unknown): ValueKind {
  if (Array.isArray(value)) return 'list';
  if (value instanceof Date) return 'date';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  return typeof value === 'object' && value !== null ? 'mapping' : 'other';
}
