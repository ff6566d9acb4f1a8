/**
 * The one way settings are read from the environment: each reader names its variable, applies the
 * default when it is unset or blank, and throws a ConfigError `VAR: reason` for a bad value. Entry
 * points load their settings once with these and pass them down; nothing reads process.env later.
 */

/** A bad setting: `variable` names it, the message says why. Never carries a secret's value. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`${variable}: ${reason}`);
    this.name = 'ConfigError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

/** A Discord id (snowflake). */
const SNOWFLAKE = /^\d{17,20}$/;
const HTTP_URL = /^https?:\/\/\S+$/;

export interface SettingsReader {
  /** Trimmed; undefined when unset or blank. */
  str(name: string): string | undefined;
  /** As written, spaces kept (e.g. model prefixes such as `query: `); undefined when unset. */
  raw(name: string): string | undefined;
  /** A number within [min, max]. */
  num(name: string, fallback: number, min: number, max: number): number;
  /** A whole number within [min, max]. */
  int(name: string, fallback: number, min: number, max: number): number;
  /** true/false, 1/0, yes/no, on/off. */
  bool(name: string, fallback: boolean): boolean;
  /** An http(s) URL; `example` is shown in the message when it is not one. */
  httpUrl(name: string, example?: string): string | null;
  /** A Discord id; `what` says which (`Discord id`, `Discord channel id`). */
  snowflake(name: string, what?: string): string | null;
  /** Comma-separated values, trimmed, blanks dropped. */
  list(name: string): string[];
  /** Comma-separated Discord ids; `what` says which (`role ids`). */
  snowflakes(name: string, what: string): string[];
}

export function settingsReader(env: Env): SettingsReader {
  const str = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const list = (name: string): string[] =>
    (str(name) ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '');
  const num = (name: string, fallback: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max) throw new ConfigError(name, `must be a number between ${min} and ${max}, got "${raw}"`);
    return value;
  };
  return {
    str,
    raw: (name) => env[name],
    num,
    int(name, fallback, min, max) {
      const raw = str(name);
      if (raw === undefined) return fallback;
      const value = Number(raw);
      if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(name, `must be a whole number between ${min} and ${max}, got "${raw}"`);
      return value;
    },
    bool(name, fallback) {
      const raw = str(name)?.toLowerCase();
      if (raw === undefined) return fallback;
      if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
      if (['0', 'false', 'no', 'off'].includes(raw)) return false;
      throw new ConfigError(name, `must be true or false, got "${str(name)}"`);
    },
    httpUrl(name, example) {
      const value = str(name);
      if (value === undefined) return null;
      if (!HTTP_URL.test(value)) throw new ConfigError(name, `must be an http(s) URL${example ? ` such as ${example}` : ''}, got "${value}"`);
      return value;
    },
    snowflake(name, what = 'Discord id') {
      const value = str(name);
      if (value === undefined) return null;
      if (!SNOWFLAKE.test(value)) throw new ConfigError(name, `must be a ${what} (17 to 20 digits), got "${value}"`);
      return value;
    },
    list,
    snowflakes(name, what) {
      const ids = list(name);
      const bad = ids.find((id) => !SNOWFLAKE.test(id));
      if (bad !== undefined) throw new ConfigError(name, `must be ${what} separated by commas, got "${bad}"`);
      return ids;
    },
  };
}
