import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { groupGaps } from '../src/core/gaps.ts';
import { QuestionLog } from '../src/store/question-log.ts';

describe('unanswered questions grouped by shared words', () => {
  it('puts questions about one subject together, biggest group first, named as members wrote it', () => {
    const groups = groupGaps([
      'Que dit-on du glyphosate en Europe ?',
      'Quand le glyphosate sera-t-il interdit ?',
      'Le glyphosate est-il cancérigène ?',
      'Qui a gagné le Tour de France ?',
    ]);
    expect(groups[0]).toMatchObject({ words: ['glyphosate'], count: 3 });
    expect(groups[0]!.examples[0]).toBe('Que dit-on du glyphosate en Europe ?');
    expect(groups).toHaveLength(2);
    expect(groups[1]!.count).toBe(1);
  });
});

describe('question log', () => {
  it('keeps questions per server for QUESTION_LOG_DAYS, never who asked, and clears on demand', () => {
    const dir = mkdtempSync(join(tmpdir(), 'depeche-qlog-'));
    const log = QuestionLog.open(QuestionLog.pathIn(dir), 30);
    try {
      const now = new Date('2026-11-30T12:00:00Z');
      log.record('g1', 'vieille question', new Date('2026-10-30T11:00:00Z')); // 31 days before
      log.record('g1', 'question récente', new Date('2026-11-29T12:00:00Z'));
      log.record('g2', 'autre serveur', now);
      expect(log.recent('g1', now).map((q) => q.question)).toEqual(['question récente']);
      expect(log.recent('g2', now).map((q) => q.question)).toEqual(['autre serveur']);
      expect(log.clear('g1')).toBe(1);
      expect(log.recent('g1', now)).toEqual([]);
      expect(log.recent('g2', now)).toHaveLength(1);
    } finally {
      log.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
