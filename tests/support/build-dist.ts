/**
 * Vitest global setup. Child processes the tests start — the command line (support/cli.ts) and
 * `npm start` / `npm run register` — run the compiled dist/, as users do. So that no test runs a
 * stale dist/, this compiles the current sources first whenever any of them is newer than the last
 * build (type errors do not stop it: `tsc --noEmit` is the type check).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { REPO_ROOT } from './workspace.ts';

const STAMP = join(REPO_ROOT, 'dist/.tsbuildinfo');
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json'].map((p) => join(REPO_ROOT, p));

export default function buildDist(): void {
  if (existsSync(STAMP) && newestMtime(INPUTS) <= statSync(STAMP).mtimeMs) return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--noCheck'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`building dist/ for the tests failed:\n${build.stdout}${build.stderr}`);
}

function newestMtime(paths: string[]): number {
  let newest = 0;
  for (const path of paths) {
    const stat = statSync(path);
    newest = Math.max(newest, stat.mtimeMs);
    if (stat.isDirectory()) newest = Math.max(newest, newestMtime(readdirSync(path).map((name) => join(path, name))));
  }
  return newest;
}
