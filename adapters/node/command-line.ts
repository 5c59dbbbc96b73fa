// The edgeserve command line, parsed without side effects: argv and the environment in, a
// command out. Flags are the option table's (TF Serving's names where it has one); a flag beats
// its variable, which beats the default. Every other flag of TF Serving's tensorflow_model_server
// is accepted too, its value checked, with a warning saying why it does not apply
// (functions/options/tf-serving-flags.ts). A hand parser over the table rather than node:util's
// parseArgs: parseArgs cannot take `--flag=false` for a boolean while also allowing a bare `--flag`.
import { modelSource, type Notice } from '../../functions/options/model-source.ts';
import { OptionError, parseValue } from '../../functions/options/parse-value.ts';
import type { OptionSpec } from '../../functions/options/option-spec.ts';
import { RENAMED_FLAGS, type OptionValues } from '../../functions/options/option-table.ts';
import { optionsFor, resolveOptions, type EnvRecord } from '../../functions/options/read-options.ts';
import { IGNORED_TF_FLAGS } from '../../functions/options/tf-serving-flags.ts';
import { threadCounts } from '../shared/ort-backends.ts';
import { usageText } from './usage.ts';
import { ROLLOUT_COMMANDS, type RolloutCommand } from './rollout/arguments.ts';

export type Command =
  /** `notices`: warnings to log as the server starts (flags accepted without effect, variables not read). */
  | { readonly kind: 'serve'; readonly values: OptionValues; readonly notices: readonly Notice[] }
  | { readonly kind: 'index'; readonly dir: string }
  /** `edgeserve quantize …`: its arguments, parsed by the quantizer (adapters/node/quantize/). */
  | { readonly kind: 'quantize'; readonly args: readonly string[] }
  /** `edgeserve validate | push | label | canary | promote | rollback | status …` (adapters/node/rollout/). */
  | { readonly kind: 'rollout'; readonly command: RolloutCommand; readonly args: readonly string[] }
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'version' }
  /** A usage error: one line naming the flag, variable or command, for exit status 2. */
  | { readonly kind: 'error'; readonly message: string; readonly exitCode: 2 };

const usageError = (message: string): Command => ({ kind: 'error', message, exitCode: 2 });

/** A boolean flag may take its value as the next argument too, when that is plainly a boolean. */
const BOOLEAN_WORDS = new Set(['true', 'false']);

/** The flags of the command line: the table's Node options, and TF Serving's ignored ones as pseudo-options. */
function flagTable(): Map<string, OptionSpec & { readonly ignored?: string }> {
  const byFlag = new Map<string, OptionSpec & { readonly ignored?: string }>();
  for (const o of optionsFor('node')) if (o.flag !== undefined) byFlag.set(o.flag, o);
  for (const [flag, f] of IGNORED_TF_FLAGS) {
    byFlag.set(flag, { key: `tf:${flag}`, flag, type: f.type, platforms: ['node'], help: f.note, section: 'Server', ignored: f.note });
  }
  byFlag.set('version', { key: 'version', flag: 'version', type: 'boolean', platforms: ['node'], help: '', section: 'Server' });
  return byFlag;
}

/** `argv` is what follows the program name (process.argv.slice(2)). */
export function parseCommandLine(argv: readonly string[], env: EnvRecord): Command {
  // A build-time tool with flags of its own (its --help too): none of the server's options apply.
  if (argv[0] === 'quantize') return { kind: 'quantize', args: argv.slice(1) };
  // The rollout tools likewise: their own flags and --help (adapters/node/rollout/arguments.ts).
  if ((ROLLOUT_COMMANDS as readonly string[]).includes(argv[0] ?? '')) return { kind: 'rollout', command: argv[0] as RolloutCommand, args: argv.slice(1) };
  const until = argv.indexOf('--');
  const options = until < 0 ? argv : argv.slice(0, until);
  if (options.includes('-h') || options.includes('--help')) return { kind: 'help', text: usageText() };

  const byFlag = flagTable();
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
    const name = written.startsWith('--') ? written.slice(2) : undefined;
    const renamed = RENAMED_FLAGS.find((r) => r.flag === name);
    if (renamed) return usageError(`${written} was renamed --${renamed.now}`);
    const option = name === undefined ? undefined : byFlag.get(name);
    if (option === undefined) return usageError(`unknown flag ${written}`);
    if (eq >= 0) {
      const value = arg.slice(eq + 1);
      if (value === '') return usageError(`${written} needs a value`);
      flags.set(option.key, value);
    } else if (option.type === 'boolean') {
      const next = options[i + 1];
      if (next !== undefined && BOOLEAN_WORDS.has(next)) {
        flags.set(option.key, next);
        i++;
      } else flags.set(option.key, 'true');
    } else {
      // Only another flag is refused as a value: `--rest_api_port -1` reaches the integer check.
      const value = options[i + 1];
      if (value === undefined || value.startsWith('--')) return usageError(`${written} needs a value`);
      flags.set(option.key, value);
      i++;
    }
  }

  const notices: Notice[] = [];
  try {
    for (const [key, raw] of flags) {
      const option = [...byFlag.values()].find((o) => o.key === key)!;
      if (option.ignored === undefined && key !== 'version') continue;
      const value = parseValue(option, `--${option.flag}`, raw); // a bad value is an error even where it would change nothing
      if (key === 'version' && value === true) return { kind: 'version' };
      if (option.ignored !== undefined) notices.push({ event: 'flag_ignored', fields: { flag: `--${option.flag}`, reason: option.ignored } });
    }
  } catch (e) {
    if (e instanceof OptionError) return usageError(e.message);
    throw e;
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
    threadCounts(values); // TF Serving's refusal of all three thread flags at once
    modelSource(values); // --model_name without a folder
  } catch (e) {
    if (e instanceof OptionError) return usageError(e.message);
    throw e;
  }
  if (values.batchingParametersFile !== undefined && !values.enableBatching) {
    // TF Serving's own message for this combination.
    return usageError('server_options.batching_parameters_file is set without setting server_options.enable_batching to true.');
  }
  return { kind: 'serve', values, notices };
}
