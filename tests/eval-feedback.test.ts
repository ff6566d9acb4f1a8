/**
 * `npm run eval -- feedback` (issue 17): members' 👎 answers labelled by an admin become cases,
 * asked again over small real indexes (hash embedder: the shared library, and a server's own library
 * merged with it, as the bot answers that server); unlabelled ones wait; the feedback store's
 * retention (QUESTION_LOG_DAYS) drops old questions with their votes and labels.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Depeche, type DepecheOptions } from '../src/app/depeche.ts';
import { loadConfig } from '../src/config.ts';
import { feedbackReport, runFeedbackEval } from '../src/eval/feedback-set.ts';
import { FeedbackStore } from '../src/store/feedback-store.ts';

const HASH: DepecheOptions = { embedder: { kind: 'hash', dims: 64, maxTokens: 64 }, inlineQueryEmbedder: true };
const SERVER_A = '1100000000000000003';
const SERVER_B = '1100000000000000777';
const DAY = 86_400_000;

const ARTICLES: Record<string, string> = {
  'volcan.md': `---\ntitle: "Le volcan islandais Grindavik entre en éruption"\nlanguage: fr\n---\n\nLe volcan situé près de Grindavik, en Islande, est entré en éruption lundi soir. La lave s'écoule vers le sud et les habitants du village ont été évacués par la protection civile. Les vols ne sont pas perturbés selon l'aéroport de Keflavik.\n`,
  'fromage.md': `---\ntitle: "Le prix du camembert grimpe en Normandie"\nlanguage: fr\n---\n\nLe prix du camembert de Normandie a augmenté de douze pour cent cette année. Les producteurs de lait expliquent la hausse par la sécheresse et le coût du fourrage. Les fromageries artisanales craignent de perdre des clients.\n`,
  'greve.md': `---\ntitle: "Grève des cheminots : trafic perturbé à la SNCF"\nlanguage: fr\n---\n\nLa grève des cheminots perturbe le trafic des trains régionaux jeudi. La SNCF prévoit un TER sur trois et conseille de reporter les déplacements. Les syndicats réclament une hausse des salaires.\n`,
};

let dir: string;
let env: Record<string, string>;
let ids: Record<string, string>;
const JAZZ = `---\ntitle: "Le festival de jazz de Reykjavik affiche complet"\nlanguage: fr\n---\n\nLe festival de jazz de Reykjavik affiche complet pour sa vingtième édition. Les organisateurs annoncent trois scènes et quarante concerts sur le port.\n`;

function store(keepDays = 30): FeedbackStore {
  return FeedbackStore.open(FeedbackStore.pathIn(env.EMBEDDINGS_DIR!), keepDays);
}

/** An answer shown on a server and voted 👎 by one member; returns its id. */
function downVoted(s: FeedbackStore, guildId: string | null, question: string, citedArticle: string, at = new Date()): string {
  const id = s.recordAnswer({ guildId, question, answer: '…', citations: [{ articleId: citedArticle, title: 'Titre', published: null }] }, at);
  expect(s.vote(id, 'member-1', 'down', at)).toBe('recorded');
  return id;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'depeche-eval-feedback-'));
  mkdirSync(join(dir, 'corpus'));
  for (const [name, text] of Object.entries(ARTICLES)) writeFileSync(join(dir, 'corpus', name), text);
  env = { CORPUS_DIR: join(dir, 'corpus'), EMBEDDINGS_DIR: join(dir, 'embeddings'), SERVERS_DIR: join(dir, 'servers') };
  const app = await Depeche.open(loadConfig(env, dir), HASH);
  try {
    await app.ensureIndex();
    const byTitle = (word: string) => app.listArticles().find((a) => a.title?.includes(word))!.id;
    ids = { volcan: byTitle('volcan'), fromage: byTitle('camembert'), greve: byTitle('Grève') };
  } finally {
    await app.close();
  }
  // Server B's own library (servers/<id>/corpus and embeddings, as Libraries lays it out).
  const own = join(dir, 'servers', SERVER_B);
  mkdirSync(join(own, 'corpus'), { recursive: true });
  writeFileSync(join(own, 'corpus', 'jazz.md'), JAZZ);
  const lib = await Depeche.open({ ...loadConfig(env, dir), corpusDir: join(own, 'corpus'), embeddingsDir: join(own, 'embeddings') }, HASH);
  try {
    await lib.ensureIndex();
    ids.jazz = lib.listArticles()[0]!.id;
  } finally {
    await lib.close();
  }
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('npm run eval -- feedback', () => {
  it('asks labelled 👎 questions again and says whether the right article is cited first, at all; unlabelled ones wait', async () => {
    const s = store();
    try {
      const passes = downVoted(s, SERVER_A, 'Quand le volcan près de Grindavik est-il entré en éruption ?', ids.greve!);
      s.label(passes, ids.volcan!, null);
      const fails = downVoted(s, SERVER_A, 'De combien le prix du camembert de Normandie a-t-il augmenté ?', ids.volcan!);
      s.label(fails, ids.greve!, null); // the admin's article is not what the question is about: it stays uncited
      downVoted(s, SERVER_A, 'Combien de TER circulent jeudi pendant la grève ?', ids.fromage!);
      const own = downVoted(s, SERVER_B, 'Combien de concerts au festival de jazz de Reykjavik ?', ids.volcan!);
      s.label(own, ids.jazz!, SERVER_B); // in server B's own library: asked as the bot answers server B
      const old = downVoted(s, SERVER_A, 'Question trop ancienne sur le volcan ?', ids.greve!, new Date(Date.now() - 40 * DAY));
      s.label(old, ids.volcan!, null, new Date(Date.now() - 40 * DAY));
      const liked = s.recordAnswer({ guildId: SERVER_A, question: 'Question aimée ?', answer: '…', citations: [] });
      s.vote(liked, 'member-2', 'up');
    } finally {
      s.close();
    }

    const run = await runFeedbackEval({ env, repoRoot: dir, guild: null, depeche: HASH });
    const byQuestion = new Map(run.cases.map((c) => [c.question.slice(0, 20), c]));
    const good = byQuestion.get('Quand le volcan près')!;
    expect(good).toMatchObject({ article: ids.volcan, citedThen: [ids.greve], citedFirst: true, cited: true, found: true });
    const bad = byQuestion.get('De combien le prix d')!;
    expect(bad).toMatchObject({ article: ids.greve, citedFirst: false, cited: false });
    expect(bad.citedNow[0]).toBe(ids.fromage);
    expect(byQuestion.get('Combien de concerts ')).toMatchObject({ guildId: SERVER_B, library: SERVER_B, article: ids.jazz, citedFirst: true });
    expect(run.totals).toEqual({ cases: 3, citedFirst: 2, cited: 2, waiting: 1 });
    expect(run.waiting.map((w) => w.question)).toEqual(['Combien de TER circulent jeudi pendant la grève ?']);

    const report = feedbackReport(run);
    expect(report).toContain('totals: 3 labelled cases; right article cited first 2 (0.667), cited at all 2 (0.667)');
    expect(report).toContain("waiting for an admin's label: 1\n");
    expect(report).toContain('Combien de TER circulent jeudi');
    expect(report).toContain(`${good.id}  cited first`);
    expect(report).toContain(`${bad.id}  not cited`);
    expect(report).not.toContain('trop ancienne');

    const onlyB = await runFeedbackEval({ env, repoRoot: dir, guild: SERVER_B, depeche: HASH });
    expect(onlyB.totals).toEqual({ cases: 1, citedFirst: 1, cited: 1, waiting: 0 });
    expect(onlyB.cases[0]!.citedNow).toContain(`server:${ids.jazz}`); // server B is answered from its library merged with the shared one
  }, 60_000);
});

describe('feedback retention (QUESTION_LOG_DAYS)', () => {
  it('deletes answers older than the retention, with their questions, votes and labels', () => {
    const s = store(7);
    const old = new Date(Date.now() - 8 * DAY);
    const recent = new Date(Date.now() - 6 * DAY);
    let oldId: string;
    try {
      oldId = downVoted(s, SERVER_A, 'Une question de la semaine dernière ?', ids.volcan!, old);
      s.label(oldId, ids.volcan!, null, old);
      downVoted(s, SERVER_A, 'Une question de cette semaine ?', ids.volcan!, recent);
      const listed = s.recentDownVoted(SERVER_A, 50).map((r) => r.question);
      expect(listed).toContain('Une question de cette semaine ?');
      expect(listed).not.toContain('Une question de la semaine dernière ?');
      expect(s.questionOf(oldId)).toBeNull();
      expect(s.vote(oldId, 'member-3', 'down')).toBe('unknown');
    } finally {
      s.close();
    }
    const db = new Database(FeedbackStore.pathIn(env.EMBEDDINGS_DIR!), { readonly: true });
    try {
      expect(db.prepare('SELECT COUNT(*) AS n FROM answers WHERE question LIKE ?').get('%semaine dernière%')).toEqual({ n: 0 });
      expect(db.prepare('SELECT COUNT(*) AS n FROM votes WHERE answer_id = ?').get(oldId!)).toEqual({ n: 0 });
      expect(db.prepare('SELECT COUNT(*) AS n FROM labels WHERE answer_id = ?').get(oldId!)).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });
});
