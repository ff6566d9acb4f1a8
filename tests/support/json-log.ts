/**
 * The structured log lines (one JSON object per line) a child process wrote to stderr, in order;
 * other output (npm's warnings, a line cut by a crash) is skipped.
 */
export function jsonLogLines(stderr: readonly string[]): Record<string, any>[] {
  return stderr
    .join('')
    .split('\n')
    .flatMap((l) => {
      if (!l.startsWith('{')) return [];
      try {
        return [JSON.parse(l) as Record<string, any>];
      } catch {
        return [];
      }
    });
}
