/**
 * Preload for command-line tests (`--import`): announces on stderr every worker thread the process
 * starts, so a test can count model loads (the model lives in the one model thread of a process).
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';

export const WORKER_STARTED = '[test] worker thread started';

const require = createRequire(import.meta.url);
const threads = require('node:worker_threads') as typeof import('node:worker_threads');
// Patched once per process even if this module is evaluated twice (a loader may load it as ESM and
// CJS): a second patch would wrap the first and announce one thread twice.
const PATCHED = Symbol.for('depeche.test.count-workers');
const registry = globalThis as typeof globalThis & { [PATCHED]?: true };

if (threads.isMainThread && !registry[PATCHED]) {
  registry[PATCHED] = true;
  const Original = threads.Worker;
  class CountingWorker extends Original {
    constructor(...args: ConstructorParameters<typeof Original>) {
      super(...args);
      process.stderr.write(`${WORKER_STARTED}\n`);
    }
  }
  threads.Worker = CountingWorker;
  syncBuiltinESMExports();
}
