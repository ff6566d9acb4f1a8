import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A module beside `base` (an `import.meta.url`), named as in the sources (`./engine-worker.ts`):
 * the compiled `.js` when `base` runs from dist/, the `.ts` source under tsx (tests, development).
 * tsc rewrites import paths, not strings like this one.
 */
export function siblingModule(sourceName: string, base: string): URL {
  return new URL(base.endsWith('.ts') ? sourceName : sourceName.replace(/\.ts$/, '.js'), base);
}

/**
 * Starts a worker thread from a module URL, through a one-line bootstrap that imports it. A `.ts`
 * source (tests, development) needs tsx registered inside the worker first, as Node 20 does not
 * pass tsx's loader hooks on to workers; compiled `.js` is imported as is. Started this way, a
 * worker runs its entry and nothing else in either case: the process's `--import` preloads (a
 * test's instrumentation, tsx) stay in the main thread.
 */
export function startWorker(entry: URL, options: WorkerOptions = {}): Worker {
  const load = `import(${JSON.stringify(entry.href)})`;
  const bootstrap = entry.pathname.endsWith('.ts') ? `import(${JSON.stringify(tsxEsmApi())}).then((tsx) => { tsx.register(); return ${load}; })` : load;
  return new Worker(bootstrap, { execArgv: withoutPreloads(process.execArgv), ...options, eval: true });
}

/**
 * The process's Node options less its preloads: a worker inherits `--import`/`--require`/`--loader`
 * otherwise, and would run a test's instrumentation or tsx a second time inside the model thread.
 */
function withoutPreloads(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    if (/^--(import|require|loader|experimental-loader)$/.test(arg) || arg === '-r') {
      i++; // and its value
      continue;
    }
    if (/^--(import|require|loader|experimental-loader)=/.test(arg)) continue;
    out.push(arg);
  }
  return out;
}

let cachedApi: string | undefined;

/** The file URL of tsx's ESM API, read from its package exports so it does not depend on the cwd. */
function tsxEsmApi(): string {
  if (cachedApi) return cachedApi;
  const pkgPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as {
    exports: Record<string, { import?: { default?: string } }>;
  };
  const rel = pkg.exports['./esm/api']?.import?.default;
  if (!rel) throw new Error('tsx does not export ./esm/api: cannot start TypeScript workers');
  cachedApi = pathToFileURL(join(dirname(pkgPath), rel)).href;
  return cachedApi;
}
