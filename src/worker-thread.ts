import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread from a module URL. Our sources are TypeScript run through tsx, and Node 20
 * does not pass tsx's loader hooks on to workers, so a `.ts` entry is started through a tiny
 * bootstrap that registers tsx inside the worker first.
 */
export function startWorker(entry: URL, options: WorkerOptions = {}): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  const bootstrap =
    `import(${JSON.stringify(tsxEsmApi())})` +
    `.then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
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
