/** Another live process holding the reindex lock through the real lock module (store/lock.ts). */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './workspace.ts';

const require = createRequire(import.meta.url);
const TSX = pathToFileURL(join(REPO_ROOT, 'node_modules/tsx', require('tsx/package.json').exports['.'] as string)).href;
const LOCK_MODULE = pathToFileURL(join(REPO_ROOT, 'src/store/lock.ts')).href;

/** Starts a process that takes the lock at `lockPath` and keeps it until killed; resolves once it holds it. */
export async function holdLock(lockPath: string): Promise<ChildProcess> {
  const code = `const { FileLock } = await import(${JSON.stringify(LOCK_MODULE)}); FileLock.acquire(${JSON.stringify(lockPath)}); process.stdout.write('held\\n'); setInterval(() => {}, 1 << 30);`;
  const child = spawn(process.execPath, ['--import', TSX, '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += String(d)));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => String(d).includes('held') && resolve());
    child.once('exit', (code) => reject(new Error(`lock holder exited (${code}): ${stderr}`)));
  });
  return child;
}

export function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}
