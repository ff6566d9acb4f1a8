/**
 * Preload for command-line tests (`--import`): announces on stderr every worker thread the process
 * starts, so a test can count model loads (the model lives in the one model thread of a process).
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';

export const WORKER_STARTED = '[test] worker thread started';

const require = createRequire(import.meta.url);
const threads = require('node:worker_threads') as typeof import('node:worker_threads');
const Original = threads.Worker;

class CountingWorker extends Original {
  constructor(...args: ConstructorParameters<typeof Original>) {
    super(...args);
    // Where it was started from, so a test that counts an extra thread says which.
    process.stderr.write(`${WORKER_STARTED}\n${new Error('started at').stack?.split('\n').slice(1, 6).join('\n')}\n`);
  }
}

threads.Worker = CountingWorker;
syncBuiltinESMExports();
