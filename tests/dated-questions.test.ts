/**
 * Time in answers (issue 11), measured the way a member meets it: the dated corpus of evolving
 * stories (tests/fixtures/dated-corpus) beside the seed articles, the real offline model, a fixed
 * clock, and questions written as members ask them (tests/fixtures/dated-questions.json).
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Depeche } from '../src/app/depeche.ts';
import { dayClock, loadDatedQuestions, runDatedQuestions, summariseDated, type DatedResult } from '../src/eval/dated-set.ts';
import { makeWorkspace, REPO_ROOT, type Workspace } from './support/workspace.ts';

const questions = loadDatedQuestions(join(REPO_ROOT, 'tests/fixtures/dated-questions.json'));
let ws: Workspace;
let app: Depeche;
let now = dayClock('2026-11-30');
let results: DatedResult[];

beforeAll(async () => {
  ws = makeWorkspace({ seed: true });
  cpSync(join(REPO_ROOT, 'tests/fixtures/dated-corpus'), ws.corpusDir, { recursive: true });
  app = await Depeche.open(ws.config(), { clock: () => now });
  await app.reindex();
  results = await runDatedQuestions(questions, {
    ask: (q, day) => ((now = day), app.ask(q)),
    timeline: (q, day) => ((now = day), app.timeline(q)),
  });
  console.info('dated questions:', JSON.stringify(summariseDated(results)));
  for (const r of results.filter((x) => !x.hit)) console.info('  miss:', r.question.kind, r.question.question, '→', r.first, r.listed ?? '');
}, 180_000);

afterAll(async () => {
  await app?.close();
  ws?.cleanup();
});

const firsts = (kind: string) => results.filter((r) => r.question.kind === kind && r.articleFirst).length;
const hits = (kind: string) => results.filter((r) => r.question.kind === kind && r.hit).length;

describe('dated questions (fixed clock 2026-11-30)', () => {
  it('covers every kind the issue names, with at least 30 questions', () => {
    expect(questions.length).toBeGreaterThanOrEqual(30);
    for (const kind of ['latest', 'named-period', 'relative-period', 'whats-new', 'undated', 'old-alone', 'timeline']) {
      expect(questions.filter((q) => q.kind === kind).length, kind).toBeGreaterThan(0);
    }
  });

  it('answers "how many jobs" with the latest figure first, the earlier ones after with their dates', async () => {
    const answer = await app.ask('Combien d’emplois l’usine Voltaïs va-t-elle créer à Vallonne ?');
    expect(answer.found).toBe(true);
    expect(answer.quotes[0]!.quote).toMatch(/300/);
    const dates = answer.quotes.map((q) => q.published);
    expect(dates[0]).toMatch(/^2026-1[01]/);
    // Every quoted line says when it was published.
    const lines = answer.answer.split('\n').filter((l) => l.startsWith('«'));
    expect(lines.length).toBe(answer.quotes.length);
    for (const line of lines) expect(line).toMatch(/ — (\d{1,2}(er)? \p{L}+ \d{4}|date inconnue)$/u);
  });

  it('restricts a named period to articles published in it, and says so when none of them answers', async () => {
    const february = await app.ask('Que donnait le sondage Martinot en février ?');
    expect(february.found).toBe(true);
    expect(february.quotes.every((q) => q.published?.startsWith('2026-02'))).toBe(true);
    // March 2026 has articles, none about the poll.
    const march = await app.ask('Que donnait le sondage Martinot en mars 2026 ?');
    expect(march).toMatchObject({ found: false, citations: [] });
    expect(march.answer).toContain('aucun article publié du 1er mars 2026 au 31 mars 2026');
  });

  it('answers from the nearest dates, and says so, when nothing at all was published in the period', async () => {
    const august = await app.ask('Que donnait le sondage Martinot en août 2026 ?');
    expect(august.found).toBe(true);
    expect(august.note).toContain('Aucun article du corpus n’a été publié du 1er août 2026 au 31 août 2026');
    expect(august.answer.split('\n')[0]).toBe(august.note);
    expect(august.quotes.every((q) => q.published !== null && !q.published.startsWith('2026-08'))).toBe(true);
  });

  it('reads relative periods against the injected clock', async () => {
    now = dayClock('2026-10-22');
    const yesterday = await app.ask('Qu’a annoncé Voltaïs hier ?');
    now = dayClock('2026-11-30');
    expect(yesterday.found).toBe(true);
    expect(yesterday.quotes.every((q) => q.published === '2026-10-21')).toBe(true);
  });

  it('gets the right article first for most questions, and no kind falls below what it reaches today', () => {
    // Floors at what is measured today (2026-11-30: right article first 30/43, with the figure asked
    // for in the first quote 23/43): they guard against regressions; raise them as answers improve.
    expect(results.filter((r) => r.articleFirst).length).toBeGreaterThanOrEqual(30);
    expect(results.filter((r) => r.hit).length).toBeGreaterThanOrEqual(23);
    expect(firsts('latest')).toBeGreaterThanOrEqual(6);
    expect(firsts('named-period')).toBeGreaterThanOrEqual(5);
    expect(firsts('relative-period')).toBeGreaterThanOrEqual(7);
    expect(firsts('whats-new')).toBeGreaterThanOrEqual(4);
    expect(firsts('undated')).toBeGreaterThanOrEqual(1);
    expect(firsts('old-alone')).toBeGreaterThanOrEqual(3);
    expect(hits('timeline')).toBe(4);
  });
});
