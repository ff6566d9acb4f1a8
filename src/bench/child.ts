/** Runs a benchmark part in a fresh Node process (compiled, or its source through tsx) and reads its JSON result. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { siblingModule } from '../worker-thread.ts';

export interface ChildResult<T> {
  value: T;
  /** From spawn to exit, as the parent saw it. */
  wallMs: number;
}

export function runChild<T>(script: string, args: string[], env: Record<string, string | undefined>, nodeArgs: string[] = []): Promise<ChildResult<T>> {
  const entry = fileURLToPath(siblingModule(script, import.meta.url));
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, ...loader, entry, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      if (process.env.BENCH_VERBOSE) process.stderr.write(d);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) {
        reject(new Error(`${script} exited with code ${code}:\n${err.split('\n').slice(-15).join('\n')}`));
        return;
      }
      try {
        resolve({ value: JSON.parse(last) as T, wallMs });
      } catch {
        reject(new Error(`${script} printed no JSON result:\n${out.slice(-2000)}\n${err.slice(-2000)}`));
      }
    });
  });
}
