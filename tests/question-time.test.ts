import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type DateWindow, readQuestionTime } from '../src/core/time/question-time.ts';

/** Monday 30 November 2026 at noon, local time (the zone chrono-node reads in). */
const NOW = new Date(2026, 10, 30, 12, 0, 0);
const read = (q: string, now = NOW) => readQuestionTime(q, now);
const span = (q: string, now = NOW) => {
  const w = read(q, now).window;
  return w === null ? null : `${w.from ?? '…'}..${w.to ?? '…'}`;
};

describe('readQuestionTime: French periods', () => {
  it.each([
    ["Combien d'emplois à l'usine de Vallonne en mars 2026 ?", '2026-03-01..2026-03-31', 'en mars 2026'],
    ["Qu'a voté le conseil le 2 mars ?", '2026-03-02..2026-03-02', 'le 2 mars'],
    ['Où en était le sondage Martin en 2025 ?', '2025-01-01..2025-12-31', 'en 2025'],
    ['Les grévistes ont-ils repris le travail cette semaine ?', '2026-11-30..2026-11-30', 'cette semaine'],
    ["Qu'a dit la maire hier sur le tram ?", '2026-11-29..2026-11-29', 'hier'],
    ['Le chantier du pont a-t-il repris la semaine dernière ?', '2026-11-23..2026-11-29', 'la semaine dernière'],
    ["Combien coûtait le tram l'an dernier ?", '2025-01-01..2025-12-31', "l'an dernier"],
    ["Qu'est-il arrivé à l'usine depuis juin ?", '2026-06-01..2026-11-30', 'depuis juin'],
    ['Le projet de tram existait-il avant 2020 ?', '…..2019-12-31', 'avant 2020'],
    ['Le sondage a-t-il bougé ce mois-ci ?', '2026-11-01..2026-11-30', 'ce mois-ci'],
    ["Qu'annonçait la direction en début d'année ?", '2026-01-01..2026-03-31', "en début d'année"],
    ['La grève a-t-elle commencé le mois dernier ?', '2026-10-01..2026-10-31', 'le mois dernier'],
    ['Que disait le syndicat il y a deux semaines ?', '2026-11-16..2026-11-22', 'il y a deux semaines'],
    ["Qu'a décidé la région cet été pour le pont ?", '2026-06-01..2026-08-31', 'cet été'],
    ["Qu'a dit le préfet avant-hier ?", '2026-11-28..2026-11-28', 'avant-hier'],
    ["Qu'est-ce qui a changé depuis trois mois au dépôt ?", '2026-08-30..2026-11-30', 'depuis trois mois'],
    ["Combien d'emplois en octobre dernier ?", '2026-10-01..2026-10-31', 'en octobre dernier'],
    ['Le tram a-t-il pris du retard depuis le 2 mars ?', '2026-03-02..2026-11-30', 'depuis le 2 mars'],
    ['Combien de grévistes entre mars et juin ?', '2026-03-01..2026-06-30', 'entre mars et juin'],
    ['Que valait le pont fin 2025 ?', '2025-10-01..2025-12-31', 'fin 2025'],
    ['Le sondage après mars ?', '2026-04-01..2026-11-30', 'après mars'],
    ["L'usine jusqu'en juin ?", '…..2026-06-30', "jusqu'en juin"],
    ["Qu'a dit le maire l'hiver dernier ?", '2025-12-01..2026-02-28', "l'hiver dernier"],
    ['Que dit le sondage cette année ?', '2026-01-01..2026-11-30', 'cette année'],
    ['Les chiffres des trois derniers mois ?', '2026-08-30..2026-11-30', 'des trois derniers mois'],
    ['Que disait la presse le 12/03/2026 ?', '2026-03-12..2026-03-12', 'le 12/03/2026'],
    ["Qu'a annoncé la mairie l'année dernière ?", '2025-01-01..2025-12-31', "l'année dernière"],
  ])('%s → %s', (question, expected, expression) => {
    const r = read(question);
    expect(span(question)).toBe(expected);
    expect(r.intent).toBe('period');
    expect(r.expressions).toEqual([expression]);
  });
});

describe('readQuestionTime: English periods', () => {
  it.each([
    ['What did the mayor say about the tram in March?', '2026-03-01..2026-03-31', 'in March'],
    ['How many jobs did the factory promise last year?', '2025-01-01..2025-12-31', 'last year'],
    ['What was the poll in 2024?', '2024-01-01..2024-12-31', 'in 2024'],
    ['What happened to the bridge since June?', '2026-06-01..2026-11-30', 'since June'],
    ['Was the tram planned before 2020?', '…..2019-12-31', 'before 2020'],
    ['What did the union say yesterday?', '2026-11-29..2026-11-29', 'yesterday'],
    ['Is the strike over this week?', '2026-11-30..2026-11-30', 'this week'],
    ['What happened last week at the depot?', '2026-11-23..2026-11-29', 'last week'],
    ['Poll figures last month?', '2026-10-01..2026-10-31', 'last month'],
    ['What did the minister say two weeks ago?', '2026-11-16..2026-11-22', 'two weeks ago'],
    ['Bridge costs in March 2026?', '2026-03-01..2026-03-31', 'in March 2026'],
    ['What did the council decide this summer?', '2026-06-01..2026-08-31', 'this summer'],
    ['Was the tram delayed in early 2025?', '2025-01-01..2025-03-31', 'in early 2025'],
    ['Strike news over the past two weeks?', '2026-11-16..2026-11-30', 'the past two weeks'],
  ])('%s → %s', (question, expected, expression) => {
    const r = read(question);
    expect(span(question)).toBe(expected);
    expect(r.intent).toBe('period');
    expect(r.expressions).toEqual([expression]);
  });
});

describe('readQuestionTime: relative to the injected clock', () => {
  it('reads "cette semaine" as Monday..today and "la semaine dernière" as the Monday..Sunday before', () => {
    const thursday = new Date(2026, 2, 12, 9, 0, 0); // Thursday 12 March 2026
    expect(span('Quoi cette semaine ?', thursday)).toBe('2026-03-09..2026-03-12');
    expect(span('Et la semaine dernière ?', thursday)).toBe('2026-03-02..2026-03-08');
    expect(span('What about this week?', thursday)).toBe('2026-03-09..2026-03-12');
  });

  it('takes a month named without a year as the latest one not in the future', () => {
    const february = new Date(2026, 1, 10, 9, 0, 0);
    expect(span("Combien d'emplois en mars ?", february)).toBe('2025-03-01..2025-03-31');
    expect(span('How many jobs in March?', february)).toBe('2025-03-01..2025-03-31');
    expect(span("Combien d'emplois en février ?", february)).toBe('2026-02-01..2026-02-10');
    expect(span('Que disait-on le 2 mars ?', february)).toBe('2025-03-02..2025-03-02');
    expect(span('Et depuis juin ?', february)).toBe('2025-06-01..2026-02-10');
  });

  it('moves "hier" and "l\'an dernier" with the clock', () => {
    const newYear = new Date(2026, 0, 1, 8, 0, 0);
    expect(span('Que disait le maire hier ?', newYear)).toBe('2025-12-31..2025-12-31');
    expect(span("Le sondage de l'an dernier ?", newYear)).toBe('2025-01-01..2025-12-31');
    expect(span('Le sondage de cette année ?', newYear)).toBe('2026-01-01..2026-01-01');
  });

  it('never lets a window reach past today', () => {
    const r = read('Combien de grévistes en novembre 2026 ?');
    expect(r.window).toEqual({ from: '2026-11-01', to: '2026-11-30' });
  });
});

describe('readQuestionTime: content words', () => {
  it.each([
    ["Combien d'emplois à l'usine de Vallonne en mars 2026 ?", "Combien d'emplois à l'usine de Vallonne ?"],
    ["Qu'a dit la maire hier sur le tram ?", "Qu'a dit la maire sur le tram ?"],
    ['Le projet de tram existait-il avant 2020 ?', 'Le projet de tram existait-il ?'],
    ['La grève de la semaine dernière a-t-elle été suivie ?', 'La grève a-t-elle été suivie ?'],
    ["Les chiffres de l'an dernier pour le pont ?", 'Les chiffres pour le pont ?'],
    ['What happened to the bridge since June?', 'What happened to the bridge?'],
    ["yesterday's strike", 'strike'],
  ])('%s → %s', (question, content) => {
    expect(read(question).content).toBe(content);
  });
});

describe('readQuestionTime: figures are not years', () => {
  it.each([
    ['Microsoft a-t-il vendu 1 500 brevets à Xiaomi ?'],
    ["L'usine promet-elle 450 emplois ?"],
    ['Le chômage a-t-il baissé de 3 % en 2 ans ?'],
    ['Le tirage a-t-il atteint 2000 exemplaires ?'],
    ['Le journal a-t-il tiré en 2000 exemplaires ?'],
    ['Combien de morts en sept ans ?'],
    ['La grève du 12 a-t-elle eu lieu ?'],
    ['Le plan 2030 du tram est-il financé ?'],
    ['Que prévoit la ligne 2 du tram à 8 h ?'],
    ['La sonde a-t-elle atteint Mars ?'],
    ['Que sait-on de la sonde de Mars ?'],
    ['Le maire a été réélu ?'],
  ])('%s has no window and keeps every word', (question) => {
    const r = read(question);
    expect(r.window).toBeNull();
    expect(r.intent).toBe('none');
    expect(r.content).toBe(question);
    expect(r.expressions).toEqual([]);
  });

  it('keeps a figure as content beside a real year', () => {
    const r = read('Les 2 000 emplois promis en 2025 ont-ils été créés ?');
    expect(r.window).toEqual({ from: '2025-01-01', to: '2025-12-31' });
    expect(r.content).toBe('Les 2 000 emplois promis ont-ils été créés ?');
  });

  it('reads a year followed by a name as a year ("En 2025 Martin…")', () => {
    expect(span('En 2025 Martin était-il en tête ?')).toBe('2025-01-01..2025-12-31');
  });

  it('does not take a future period as a publication window ("en 2 ans", "en 2030")', () => {
    expect(read('Le tram sera-t-il prêt en 2030 ?').window).toBeNull();
    expect(read('Le tram sera-t-il prêt en 2030 ?').content).toBe('Le tram sera-t-il prêt en 2030 ?');
  });
});

describe("readQuestionTime: what's new", () => {
  it.each([
    ["Quoi de neuf sur l'usine de Vallonne ?", "l'usine de Vallonne ?"],
    ['Les dernières nouvelles de la grève des bus ?', 'la grève des bus ?'],
    ["Qu'est-ce qu'il y a de neuf à propos d'Airbus ?", 'Airbus ?'],
    ['Du nouveau sur le pont de la Sarre ?', 'le pont de la Sarre ?'],
    ["What's new on the Vallonne factory?", 'the Vallonne factory?'],
    ['Latest news about the bridge?', 'the bridge?'],
    ['What is the latest on the strike?', 'the strike?'],
  ])('%s → whats-new about %s', (question, content) => {
    const r = read(question);
    expect(r.intent).toBe('whats-new');
    expect(r.window).toBeNull();
    expect(r.content).toBe(content);
  });

  it('keeps a period given with it, and the subject behind it', () => {
    const r = read('Quoi de neuf cette semaine sur la grève ?');
    expect(r.intent).toBe('whats-new');
    expect(r.window).toEqual({ from: '2026-11-30', to: '2026-11-30' });
    expect(r.content).toBe('la grève ?');
  });

  it('does not take "le dernier sondage" or "the latest poll" for a what\'s-new question', () => {
    expect(read('Que dit le dernier sondage ?').intent).toBe('none');
    expect(read('What does the latest poll say?').intent).toBe('none');
  });
});

describe('readQuestionTime: no time reference', () => {
  it.each([
    ["Combien d'emplois l'usine de Vallonne va-t-elle créer ?"],
    ['Où en est le projet de tram ?'],
    ['How many jobs will the factory create?'],
  ])('%s → no window, intent none, content untouched', (question) => {
    expect(read(question)).toEqual({ window: null, intent: 'none', content: question, expressions: [] });
  });

  it('reads only the languages asked for', () => {
    expect(readQuestionTime('jobs last year', NOW, { languages: ['fr'] }).window).toBeNull();
    expect(readQuestionTime("emplois l'an dernier", NOW, { languages: ['en'] }).window).toBeNull();
    expect(readQuestionTime("emplois l'an dernier", NOW, { languages: ['fr'] }).window).not.toBeNull();
  });
});

describe('readQuestionTime on tests/fixtures/dated-questions.json', () => {
  interface DatedQuestion {
    kind: string;
    question: string;
    now: string;
    intent?: string;
    window?: DateWindow | null;
  }
  const questions = (
    JSON.parse(readFileSync(new URL('./fixtures/dated-questions.json', import.meta.url), 'utf8')) as DatedQuestion[]
  ).filter((q) => q.kind !== 'timeline');

  it('has every kind of question the issue lists', () => {
    const kinds = new Set(questions.map((q) => q.kind));
    for (const kind of ['latest', 'named-period', 'relative-period', 'whats-new', 'undated', 'old-alone']) {
      expect(kinds).toContain(kind);
    }
  });

  it.each(questions.map((q) => [q.kind, q.question, q] as const))('%s: %s', (_kind, question, q) => {
    const r = readQuestionTime(question, new Date(`${q.now}T12:00:00`));
    expect(r.intent).toBe(q.intent);
    expect(r.window).toEqual(q.window);
    if (r.window === null && r.intent === 'none') expect(r.content).toBe(question);
  });
});
