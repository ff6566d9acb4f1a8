/** Runs the real command line in a child process: compiled, as `npm run ask` does (dist/ is built by tests/support/build-dist.ts). */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './workspace.ts';

const require = createRequire(import.meta.url);
/** tsx's loader by absolute URL (for TypeScript preloads): the child runs in a temp folder, where a bare `tsx` would not resolve. */
const TSX = pathToFileURL(join(REPO_ROOT, 'node_modules/tsx', require('tsx/package.json').exports['.'] as string)).href;
const MAIN = join(REPO_ROOT, 'dist/cli/main.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface CliRun {
  child: ChildProcess;
  result: Promise<CliResult>;
  /** Resolves when stderr matches (or rejects when the process ends first). */
  waitForStderr(pattern: RegExp): Promise<void>;
}

export interface CliOptions {
  env: Record<string, string>;
  cwd: string;
  input?: string;
  /** Extra bootstrap modules (--import) loaded before the command line. */
  preload?: string[];
}

const running = new Set<ChildProcess>();

/** Kills whatever a test left running (a failed assertion between start and end). */
export function killStrayChildren(): void {
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  running.clear();
}

export function startCli(args: string[], options: CliOptions): CliRun {
  const started = performance.now();
  // A clean environment: only what the command line needs, never the developer's own settings.
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? options.cwd, ...options.env };
  // tsx only when a preload is TypeScript: the command line itself must run without it.
  const preload = options.preload ?? [];
  const loader = preload.some((p) => p.endsWith('.ts')) ? [TSX] : [];
  const imports = [...loader, ...preload.map((p) => pathToFileURL(p).href)].flatMap((m) => ['--import', m]);
  const child = spawn(process.execPath, [...imports, MAIN, ...args], { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(child);
  let stdout = '';
  let stderr = '';
  const watchers: { pattern: RegExp; resolve: () => void; reject: (e: Error) => void }[] = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const w of watchers.splice(0)) {
      if (w.pattern.test(stderr)) w.resolve();
      else watchers.push(w);
    }
  });
  if (options.input !== undefined) child.stdin!.end(options.input);
  else child.stdin!.end();
  const result = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      running.delete(child);
      for (const w of watchers.splice(0)) w.reject(new Error(`process ended (${code ?? signal}) before stderr matched ${w.pattern}:\n${stderr}`));
      resolve({ code, signal, stdout, stderr, ms: Math.round(performance.now() - started) });
    });
  });
  return {
    child,
    result,
    waitForStderr: (pattern) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(stderr)) resolve();
        else if (child.exitCode !== null || child.signalCode !== null) reject(new Error(`process already ended:\n${stderr}`));
        else watchers.push({ pattern, resolve, reject });
      }),
  };
}

export function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  return startCli(args, options).result;
}

/** Parses the report line `reindex` prints on stdout. */
export function parseReport(stdout: string): { articles: number; passages: number; embedded: number } {
  const m = /(\d+) articles \(.*\), (\d+) passages, (\d+) embedded/.exec(stdout);
  if (!m) throw new Error(`no reindex report in:\n${stdout}`);
  return { articles: Number(m[1]), passages: Number(m[2]), embedded: Number(m[3]) };
}
