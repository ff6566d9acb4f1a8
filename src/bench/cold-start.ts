/**
 * Child process of the benchmark: what `npm run ask` does in a fresh process (open the index, check it
 * is fresh, answer one question), with the time of each step since the process started and the
 * memory it ends with. Prints one JSON object on stdout. Configuration comes from the environment.
 */
const atStart = performance.now();
const { Depeche } = await import('../app/depeche.ts');
const { loadConfig } = await import('../config.ts');
const atImports = performance.now();

const question = process.argv[2] ?? 'Combien de brevets Microsoft a-t-il vendus à Xiaomi ?';
const config = loadConfig();
const app = await Depeche.open(config, { preloadModel: true }); // as `npm run ask` does
const atOpen = performance.now();
const stale = app.needsReindex();
const atCheck = performance.now();
if (stale) throw new Error('the index is stale: cold start must not reindex');
const { answer, timings } = await app.askTimed(question);
const atAnswer = performance.now();
const memory = process.memoryUsage();
process.stdout.write(
  `${JSON.stringify({
    // performance.now() counts from the start of the process (Node's time origin).
    moduleStartMs: atStart,
    importsMs: atImports - atStart,
    openMs: atOpen - atImports,
    freshnessCheckMs: atCheck - atOpen,
    firstAskMs: atAnswer - atCheck,
    firstAskEmbedMs: timings.embedMs,
    firstAskSearchMs: timings.searchMs,
    firstAskComposeMs: timings.composeMs,
    readyMs: atAnswer,
    found: answer.found,
    rssMiB: memory.rss / 1024 / 1024,
    heapUsedMiB: memory.heapUsed / 1024 / 1024,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  })}\n`,
);
await app.close();
