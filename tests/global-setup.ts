/**
 * Vitest globalSetup: the run stops at once, with one message, when `../shared` (model, seed
 * articles, datasets) is not where the tests look, instead of failing deep inside one test.
 */
import { missingSharedData } from './support/shared-data.ts';

/** The message for what is missing, or null when nothing is. */
export function sharedDataProblem(env: Record<string, string | undefined> = process.env, root?: string): string | null {
  const missing = missingSharedData(env, root);
  if (!missing.length) return null;
  return `The tests need data from outside the repository (README: npm test). Missing:\n  - ${missing.join('\n  - ')}`;
}

export default function setup(): void {
  const problem = sharedDataProblem();
  if (problem) throw new Error(problem);
}
