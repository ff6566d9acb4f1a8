/**
 * Preload for command-line tests (`--import`): announces on stderr every model thread the process
 * starts (workers running engine-worker), so a test can count model loads. Other workers are not
 * counted: esbuild, under the tsx loader this preload needs, starts one of its own for synchronous
 * transforms whenever its cache misses (a fresh clone), which says nothing about the model.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';

export const WORKER_STARTED = '[test] model thread started';

const require = createRequire(import.meta.url);
const threads = require('node:worker_threads') as typeof import('node:worker_threads');
const Original = threads.Worker;

class CountingWorker extends Original {
  constructor(...args: ConstructorParameters<typeof Original>) {
    super(...args);
    if (String(args[0]).includes('engine-worker')) process.stderr.write(`${WORKER_STARTED}\n`);
  }
}

threads.Worker = CountingWorker;
syncBuiltinESMExports();
