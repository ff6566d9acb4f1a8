/**
 * A long-lived process as the Discord bot (or a benchmark) is one: Depeche instances opened one
 * after the other, each running reindexes (articles added, edited, removed) with questions in
 * between. Run as a child process by responsiveness.test.ts: it prints one line per round and
 * "done", and must exit by itself with code 0. Environment: CORPUS_DIR, EMBEDDINGS_DIR, MODEL_DIR,
 * EMBEDDING_MODEL.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Depeche } from '../../src/app/depeche.ts';
import { loadConfig } from '../../src/config.ts';
import { articleName, factQuestion, generatedArticle, uniqueFact } from './generated-corpus.ts';

const config = loadConfig();
const SESSIONS = 6;
const ROUNDS = 2;
const write = (n: number, version = 1) => writeFileSync(join(config.corpusDir, articleName(n)), generatedArticle(n, version));

for (const n of [1, 2, 3]) write(n);
for (let session = 1; session <= SESSIONS; session++) {
  const app = await Depeche.open(config);
  for (let round = 1; round <= ROUNDS; round++) {
    const n = 3 + ROUNDS * (session - 1) + round;
    write(n);
    write(1, n); // an edit
    if (round === 2) rmSync(join(config.corpusDir, articleName(2)), { force: true });
    const report = await app.reindex();
    const answer = await app.ask(factQuestion(1));
    const ok = answer.citations.some((c) => c.quote === uniqueFact(1, n));
    process.stdout.write(`session ${session} round ${round}: generation ${report.generation}, ${report.articles} articles, fact ${ok ? 'found' : 'MISSING'}\n`);
  }
  await app.close();
}
process.stdout.write('done\n');
