import { ConfigError } from './read.ts';

/**
 * What every entry point prints for a bad setting: one line, `depeche: configuration error: VAR:
 * reason`, no stack trace. A ConfigError never holds a secret's value, so the line is safe to show.
 * Returns false (and prints nothing) for any other error, which the caller reports its own way.
 */
export function reportConfigError(error: unknown, stream: { write(text: string): unknown }): error is ConfigError {
  if (!(error instanceof ConfigError)) return false;
  stream.write(`depeche: configuration error: ${error.message}\n`);
  return true;
}
