/**
 * The command line as a person or a script uses it: the real offline model, the real seed corpus
 * copied into a temp folder, one child process per command.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseArticle } from '../src/core/article.ts';
import { cleanArticleText } from '../src/core/text/clean.ts';
import type { Answer } from '../src/core/types.ts';
import { VOILE_ARTICLE, VOILE_QUESTION } from './support/articles.ts';
import { killStrayChildren, runCli, type CliResult } from './support/cli.ts';
import { WORKER_STARTED } from './support/count-workers.ts';
import { storedTexts } from './support/index-state.ts';
import { makeWorkspace, REPO_ROOT, type Workspace } from './support/workspace.ts';

const MICROSOFT_QUESTION = 'Combien de brevets Microsoft a-t-il vendus à Xiaomi ?';
const OFF_TOPIC_QUESTION = 'Quel temps fera-t-il demain à Brest ?';
const ALIBABA_QUESTION = 'Quelle somme Alibaba a-t-il investi dans Meizu ?';
const COUNT_WORKERS = join(REPO_ROOT, 'tests/support/count-workers.ts');

let ws: Workspace;
beforeAll(() => {
  ws = makeWorkspace({ seed: true });
});
afterEach(() => killStrayChildren());
afterAll(() => ws.cleanup());

const cli = (args: string[], input?: string, preload?: string[]) => runCli(args, { env: ws.env, cwd: ws.root, input, preload });

/** stdout must be exactly one JSON object (one line), whatever went to stderr. */
function oneJson(result: CliResult): Answer {
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout.endsWith('\n')).toBe(true);
  expect(result.stdout.trimEnd().split('\n')).toHaveLength(1);
  const answer = JSON.parse(result.stdout) as Answer;
  expectContract(answer);
  return answer;
}

function expectContract(answer: Answer): void {
  expect(Object.keys(answer).sort()).toEqual(['answer', 'citations', 'found', 'question']);
  expect(typeof answer.question).toBe('string');
  expect(typeof answer.found).toBe('boolean');
  expect(typeof answer.answer).toBe('string');
  expect(Array.isArray(answer.citations)).toBe(true);
  for (const c of answer.citations) {
    expect(Object.keys(c).sort()).toEqual(['articleId', 'published', 'quote', 'score', 'source', 'title', 'url']);
    expect(typeof c.articleId).toBe('string');
    expect(typeof c.title).toBe('string');
    expect(typeof c.quote).toBe('string');
    expect(typeof c.score).toBe('number');
    for (const field of ['source', 'url', 'published'] as const) expect(c[field] === null || typeof c[field] === 'string').toBe(true);
  }
  expect(answer.found).toBe(answer.citations.length > 0);
}

/** Every quote is verbatim from its article: in the stored text and in the cleaned corpus file. */
function expectVerbatim(answer: Answer): void {
  const stored = storedTexts(ws.config());
  const files = new Map(readdirSync(ws.corpusDir).map((name) => [name.replace(/\.[^.]+$/, ''), name]));
  for (const c of answer.citations) {
    expect(stored.get(c.articleId) ?? '', `stored text of ${c.articleId}`).toContain(c.quote);
    const name = files.get(c.articleId)!;
    const { body } = parseArticle(name, readFileSync(join(ws.corpusDir, name)));
    expect(cleanArticleText(body).text, `cleaned file ${name}`).toContain(c.quote);
  }
}

describe('ask', () => {
  it('builds the missing index first, then prints exactly one JSON answer with verbatim, sourced quotes', async () => {
    const result = await cli(['ask', '--json', MICROSOFT_QUESTION]);
    // Progress and the index report go to stderr only.
    expect(result.stderr).toMatch(/embedding passages \d+\/\d+/);
    expect(result.stderr).toMatch(/index updated: 4 articles \(4 new/);
    const answer = oneJson(result);
    expect(answer.question).toBe(MICROSOFT_QUESTION);
    expect(answer.found).toBe(true);
    const patents = answer.citations.filter((c) => c.quote.includes('1 500 brevets'));
    expect(patents.length).toBeGreaterThan(0);
    for (const c of patents) expect(['000_a792ea779ded17df', '001_07b8c9ada1f15f8e']).toContain(c.articleId);
    expect(answer.citations.find((c) => c.articleId === '000_a792ea779ded17df')?.title).toBe(
      'Le fabricant Chinois de smartphones Xiaomi signe un accord avec Microsoft',
    );
    // [n] in the answer refers to citations[n-1]; each quoted sentence is one citation's quote (an
    // article that states the same claim in its own words is cited beside it with its own quote).
    for (const i of answer.citations.keys()) expect(answer.answer).toContain(`[${i + 1}]`);
    const quoted = [...answer.answer.matchAll(/« (.+?) »/g)].map((m) => m[1]);
    expect(quoted.length).toBeGreaterThan(0);
    for (const q of quoted) expect(answer.citations.map((c) => c.quote)).toContain(q);
    expectVerbatim(answer);
  });

  it('answers one question per line of --stdin with one JSON line each, loading the model once', async () => {
    const input = `${MICROSOFT_QUESTION}\n${OFF_TOPIC_QUESTION}\n${ALIBABA_QUESTION}\n`;
    const result = await cli(['ask', '--json', '--stdin'], input, [COUNT_WORKERS]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    const answers = lines.map((line) => JSON.parse(line) as Answer);
    answers.forEach(expectContract);
    expect(answers.map((a) => a.question)).toEqual([MICROSOFT_QUESTION, OFF_TOPIC_QUESTION, ALIBABA_QUESTION]);
    expect(answers[0]!.found).toBe(true);
    // Off topic: says so, and cites nothing.
    expect(answers[1]).toMatchObject({ found: false, citations: [] });
    expect(answers[1]!.answer).toMatch(/aucun article/);
    expect(answers[2]!.found).toBe(true);
    expect(answers[2]!.citations[0]?.quote).toContain('590 millions de dollars');
    answers.forEach(expectVerbatim);
    // The index was fresh (no reindex), and one model thread, loaded once, served all three questions.
    expect(result.stderr.split(WORKER_STARTED).length - 1, result.stderr).toBe(1);
    expect(result.stderr).not.toMatch(/index updated/);
  });

  it.each([
    { label: 'an empty question', question: '', message: /vide/ },
    { label: 'a whitespace-only question', question: ' \t \n ', message: /vide/ },
    { label: 'a 10 000-character question', question: `${'Pourquoi Xiaomi achète-t-il des brevets ? '.repeat(240).slice(0, 9_999)}?`, message: /trop longue \(10\s000 caractères/ },
  ])('answers $label with a clear message, found false, exit code 0', async ({ question, message }) => {
    const answer = oneJson(await cli(['ask', '--json', question]));
    expect(answer).toMatchObject({ found: false, citations: [] });
    expect(answer.answer).toMatch(message);
  });

  it('prints a readable answer: quotes in « », then the list of sources', async () => {
    const result = await cli(['ask', MICROSOFT_QUESTION]);
    expect(result.code, result.stderr).toBe(0);
    const out = result.stdout;
    expect(() => JSON.parse(out)).toThrow();
    expect(out).toMatch(/^« .+ » \[1\]/);
    expect(out).toContain('1 500 brevets');
    const [quotesPart, sourcesPart] = out.split(/\nSources :\n/);
    expect(sourcesPart).toBeDefined();
    expect(quotesPart).toMatch(/« [^»]+ » \[\d+\]/);
    expect(sourcesPart).toMatch(/^\[1\] .+/m);
    expect(sourcesPart).toContain('Le fabricant Chinois de smartphones Xiaomi signe un accord avec Microsoft');
    // Text and JSON print the same answer: the text is the JSON's `answer`, nothing more.
    expect(out).toBe(`${oneJson(await cli(['ask', '--json', MICROSOFT_QUESTION])).answer}\n`);
  });
});

describe('ingest', () => {
  it('adds the good file, rejects the malformed one with its name and reason, and answers from the new article', async () => {
    const incoming = join(ws.root, 'incoming');
    mkdirSync(incoming);
    writeFileSync(join(incoming, 'route-du-rhum.md'), VOILE_ARTICLE);
    writeFileSync(join(incoming, 'abime.md'), '---\ntitle: "Sans fin\npublished: hier\n---\n\nUn texte.\n');
    const before = readdirSync(ws.corpusDir).sort();

    const result = await cli(['ingest', incoming]);
    expect(result.code).toBe(1); // something was rejected
    expect(result.stdout).toMatch(/^added route-du-rhum: Une navigatrice bretonne remporte la Route du Rhum — \d+ characters, \d+ passages$/m);
    expect(result.stderr).toMatch(/^rejected abime\.md: .*front matter/m);
    expect(result.stdout).not.toContain('abime');
    // Only the good file landed in the corpus folder, byte for byte.
    expect(readdirSync(ws.corpusDir).sort()).toEqual([...before, 'route-du-rhum.md'].sort());
    expect(readFileSync(join(ws.corpusDir, 'route-du-rhum.md'), 'utf8')).toBe(VOILE_ARTICLE);

    const answer = oneJson(await cli(['ask', '--json', VOILE_QUESTION]));
    expect(answer.found).toBe(true);
    expect(answer.citations[0]).toMatchObject({ articleId: 'route-du-rhum', source: 'Ouest Régates', published: '2026-11-20' });
    expect(answer.citations[0]!.quote).toContain('onze jours et quatre heures');
    expectVerbatim(answer);
  });
});

describe('timeline', () => {
  const story = (day: string, sentence: string) =>
    `---\ntitle: "Digue de Kervalan, ${day}"\nsource: "Journal de test"\npublished: ${day}\nlanguage: fr\n---\n\n${sentence}\n`;

  it('prints the dated quotes about a subject, oldest first, as text and as one JSON line', async () => {
    // Written out of order: the timeline orders them by publication date, not by file.
    ws.write('digue-3.md', story('2026-09-14', 'La digue de Kervalan a finalement coûté 41 millions d’euros, selon le bilan présenté par la préfecture.'));
    ws.write('digue-1.md', story('2025-02-03', 'La digue de Kervalan doit être rehaussée d’un mètre après les tempêtes de l’hiver, annonce la préfecture.'));
    ws.write('digue-2.md', story('2025-11-20', 'Les travaux de la digue de Kervalan prennent du retard à cause des grandes marées, reconnaît la préfecture.'));

    const json = await cli(['timeline', '--json', 'digue de Kervalan']);
    expect(json.code, json.stderr).toBe(0);
    expect(json.stdout.trimEnd().split('\n')).toHaveLength(1);
    const timeline = JSON.parse(json.stdout) as { found: boolean; entries: { published: string; quote: string; articleId: string }[] };
    expect(timeline.found).toBe(true);
    expect(timeline.entries.map((e) => e.articleId)).toEqual(['digue-1', 'digue-2', 'digue-3']);
    expect(timeline.entries.map((e) => e.published)).toEqual(['2025-02-03', '2025-11-20', '2026-09-14']);
    const stored = storedTexts(ws.config());
    for (const e of timeline.entries) expect(stored.get(e.articleId)).toContain(e.quote);

    const text = await cli(['timeline', 'digue de Kervalan']);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toBe('Chronologie : digue de Kervalan');
    expect(lines[1]).toMatch(/^3 février 2025 — « La digue de Kervalan doit être rehaussée .* » \[1\]$/);
    expect(lines[3]).toMatch(/^14 septembre 2026 — « .*41 millions.* » \[3\]$/);
    expect(text.stdout).toContain('Sources :');
  });
});
