/**
 * `.ci/run` runs literally the test command README.md gives (the second command of its first ```sh
 * block), with a stand-in `npm` on PATH that records what it was asked to do, in a copy of the
 * repository's layout: the real install and suite are not run here.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/shared-data.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** repo/.ci/run beside shared/models/local/use-lite-en, and a fake npm logging its arguments and model variables. */
function layout(readme: string, withModel = true): { repo: string; log: string; run: () => ReturnType<typeof spawnSync> } {
  const base = mkdtempSync(join(tmpdir(), 'depeche-ci-'));
  dirs.push(base);
  const repo = join(base, 'repo');
  mkdirSync(join(repo, '.ci'), { recursive: true });
  copyFileSync(join(REPO_ROOT, '.ci/run'), join(repo, '.ci/run'));
  chmodSync(join(repo, '.ci/run'), 0o755);
  writeFileSync(join(repo, 'README.md'), readme);
  if (withModel) {
    mkdirSync(join(base, 'shared/models/local/use-lite-en/onnx'), { recursive: true });
    writeFileSync(join(base, 'shared/models/local/use-lite-en/onnx/model.onnx'), '');
  }
  const bin = join(base, 'bin');
  mkdirSync(bin);
  const log = join(base, 'npm.log');
  writeFileSync(join(bin, 'npm'), `#!/bin/sh\necho "npm $* MODEL_DIR=$MODEL_DIR EMBEDDING_MODEL=$EMBEDDING_MODEL CUDA=$ONNXRUNTIME_NODE_INSTALL_CUDA" >> '${log}'\n`);
  chmodSync(join(bin, 'npm'), 0o755);
  const env = { PATH: `${bin}:/usr/bin:/bin`, HOME: base };
  return { repo, log, run: () => spawnSync(join(repo, '.ci/run'), { cwd: base, env, encoding: 'utf8' }) };
}

describe('.ci/run', () => {
  it("runs the repository README's own test command", () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const command = readme.split('```sh\n')[1]!.split('\n')[1]!;
    expect(command).toMatch(/npm test$/);
    const { log, run } = layout(readme);
    const result = run();
    expect(result.status, String(result.stderr)).toBe(0);
    expect(String(result.stderr)).toContain(`.ci/run: ${command}`);
    // `npm ci && MODEL_DIR=../shared/models EMBEDDING_MODEL=local/use-lite-en npm test`, in that order.
    expect(readFileSync(log, 'utf8')).toBe('npm ci MODEL_DIR= EMBEDDING_MODEL= CUDA=skip\nnpm test MODEL_DIR=../shared/models EMBEDDING_MODEL=local/use-lite-en CUDA=skip\n');
  });

  it('runs whatever that line says, not a copy of it', () => {
    const { log, run } = layout('# X\n\n```sh\nnpm run ask -- "q"\nnpm ci --foo && EMBEDDING_MODEL=local/use-lite-en npm test -- --bail\n```\n');
    expect(run().status).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe('npm ci --foo MODEL_DIR= EMBEDDING_MODEL= CUDA=skip\nnpm test -- --bail MODEL_DIR= EMBEDDING_MODEL=local/use-lite-en CUDA=skip\n');
  });

  it('fails loudly, running nothing, when the README has no such command or the model is missing', () => {
    const noBlock = layout('# X\n\nnpm test\n');
    const r1 = noBlock.run();
    expect(r1.status).not.toBe(0);
    expect(String(r1.stderr)).toContain("no test command found as the second command of README.md's first ```sh block");

    const oneLine = layout('```sh\nnpm run ask -- "q"\n```\n\n```sh\nnpm test\n```\n');
    expect(oneLine.run().status).not.toBe(0);

    const noModel = layout('```sh\nnpm run ask\nnpm ci && MODEL_DIR=../shared/models EMBEDDING_MODEL=local/use-lite-en npm test\n```\n', false);
    const r3 = noModel.run();
    expect(r3.status).not.toBe(0);
    expect(String(r3.stderr)).toContain('.ci/run: offline model not found at ../shared/models/local/use-lite-en');
    for (const l of [noBlock, oneLine, noModel]) expect(() => readFileSync(l.log)).toThrow(/ENOENT/);
  });
});
