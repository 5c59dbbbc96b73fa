// The edgeserve command line, parsed without side effects: argv and the environment in, a
// command out. Flags are the option table's (TF Serving's names where it has one); a flag beats
// its variable, which beats the default. A hand parser over the table rather than node:util's
// parseArgs: parseArgs cannot take `--flag=false` for a boolean while also allowing a bare `--flag`.
import { OptionError } from '../../functions/options/parse-value.ts';
import type { OptionSpec } from '../../functions/options/option-spec.ts';
import type { OptionValues } from '../../functions/options/option-table.ts';
import { optionsFor, resolveOptions, type EnvRecord } from '../../functions/options/read-options.ts';
import { usageText } from './usage.ts';

export type Command =
  | { readonly kind: 'serve'; readonly values: OptionValues }
  | { readonly kind: 'index'; readonly dir: string }
  | { readonly kind: 'help'; readonly text: string }
  /** A usage error: one line naming the flag, variable or command, for exit status 2. */
  | { readonly kind: 'error'; readonly message: string; readonly exitCode: 2 };

const usageError = (message: string): Command => ({ kind: 'error', message, exitCode: 2 });

/** `argv` is what follows the program name (process.argv.slice(2)). */
export function parseCommandLine(argv: readonly string[], env: EnvRecord): Command {
  const until = argv.indexOf('--');
  const options = until < 0 ? argv : argv.slice(0, until);
  if (options.includes('-h') || options.includes('--help')) return { kind: 'help', text: usageText() };

  const byFlag = new Map<string, OptionSpec>(optionsFor('node').flatMap((o) => (o.flag === undefined ? [] : [[o.flag, o] as const])));
  const flags = new Map<string, string>();
  const positionals: string[] = [];
  for (let i = 0; i < options.length; i++) {
    const arg = options[i]!;
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const written = eq < 0 ? arg : arg.slice(0, eq);
    const option = written.startsWith('--') ? byFlag.get(written.slice(2)) : undefined;
    if (option === undefined) return usageError(`unknown flag ${written}`);
    if (eq >= 0) {
      const value = arg.slice(eq + 1);
      if (value === '') return usageError(`${written} needs a value`);
      flags.set(option.key, value);
    } else if (option.type === 'boolean') {
      flags.set(option.key, 'true');
    } else {
      // Only another flag is refused as a value: `--rest_api_port -1` reaches the integer check.
      const value = options[i + 1];
      if (value === undefined || value.startsWith('--')) return usageError(`${written} needs a value`);
      flags.set(option.key, value);
      i++;
    }
  }

  if (until >= 0) positionals.push(...argv.slice(until + 1)); // after `--`, everything is a positional
  if (positionals[0] === 'index') {
    if (positionals.length === 1) return usageError('index needs a folder');
    if (positionals.length > 2) return usageError(`unknown command ${positionals.join(' ')}`);
    return { kind: 'index', dir: positionals[1]! };
  }
  if (!(positionals.length === 0 || (positionals.length === 1 && positionals[0] === 'serve'))) {
    return usageError(`unknown command ${positionals.join(' ')}`);
  }
  let values: OptionValues;
  try {
    values = resolveOptions('node', env, flags);
  } catch (e) {
    if (e instanceof OptionError) return usageError(e.message);
    throw e;
  }
  if (values.batchingParametersFile !== undefined && !values.enableBatching) {
    // TF Serving's own message for this combination.
    return usageError('server_options.batching_parameters_file is set without setting server_options.enable_batching to true.');
  }
  return { kind: 'serve', values };
}
