// The values of one platform's options, from its sources in precedence order: a flag (Node's
// command line) beats the environment, which beats the table's default for that platform.
import { defaultOf, isTextDefault, type OptionSpec, type Platform, type Value } from './option-spec.ts';
import { OPTIONS, RENAMED_VARIABLES, type OptionValues } from './option-table.ts';
import { OptionError, parseValue } from './parse-value.ts';

/**
 * An environment: process.env, Workers' env (whose bindings are objects, and whose JSON vars may
 * be numbers or booleans), Lambda's environment. Only the table's names are read.
 */
export type EnvRecord = Readonly<Record<string, unknown>>;

/** The table's options that mean something on this platform. */
export function optionsFor(platform: Platform): readonly OptionSpec[] {
  return (OPTIONS as readonly OptionSpec[]).filter((o) => o.platforms.includes(platform));
}

/** A variable's text: unset and empty are the same (wrangler.toml writes `NAME = ""` to leave one unset). */
function envText(env: EnvRecord, name: string): string | undefined {
  const v = env[name];
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/**
 * Resolves every option of `platform`. `flags` holds the raw text of the flags given, by option
 * key (a bare boolean flag as "true"). Throws OptionError naming the flag or variable on a bad value.
 */
export function resolveOptions(platform: Platform, env: EnvRecord, flags: ReadonlyMap<string, string> = new Map()): OptionValues {
  for (const renamed of RENAMED_VARIABLES) {
    if (renamed.platforms.includes(platform) && envText(env, renamed.env) !== undefined) {
      throw new OptionError(`${renamed.env} was renamed ${renamed.now}`);
    }
  }
  const values: Record<string, Value> = {};
  for (const option of optionsFor(platform)) {
    const flag = option.flag === undefined ? undefined : flags.get(option.key);
    const fromEnv = option.env === undefined ? undefined : envText(env, option.env);
    if (flag !== undefined && flag !== '') values[option.key] = parseValue(option, `--${option.flag}`, flag);
    else if (fromEnv !== undefined) values[option.key] = parseValue(option, option.env!, fromEnv);
    else {
      const d = defaultOf(option, platform);
      if (d !== undefined && !isTextDefault(d)) values[option.key] = d;
    }
  }
  return values as OptionValues;
}

/** Workers and Lambda: configured by their environment alone. */
export function readEnvOptions(env: EnvRecord, platform: Platform): OptionValues {
  return resolveOptions(platform, env);
}
