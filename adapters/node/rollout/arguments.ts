// The rollout subcommands' command lines: positionals and --flags (`--flag value`, `--flag=value`;
// --json, --watch, --undo and --help take none), each command's usage, and its usage errors (exit 2).
export const ROLLOUT_COMMANDS = ['validate', 'push', 'label', 'canary', 'promote', 'rollback', 'status'] as const;
export type RolloutCommand = (typeof ROLLOUT_COMMANDS)[number];

const REPO = 'REPO is a folder or s3://bucket/prefix (S3, R2, MinIO: S3_ENDPOINT, AWS_REGION, S3_FORCE_PATH_STYLE and the AWS credentials as for serve)';

export const USAGE: Record<RolloutCommand, { readonly line: string; readonly flags: readonly string[]; readonly positionals: number; readonly text: string }> = {
  validate: { line: 'validate REPO [--model M] [--backend ort-node|ort-web] [--json]', flags: ['model', 'backend'], positionals: 1,
    text: 'Lists REPO as the server would, loads every aspired version (manifests checked, warmup replayed) and prints a table. Exit 1 if any fails.' },
  push: { line: 'push FILE.onnx REPO/MODEL [--version N] [--warmup FILE] [--json]', flags: ['version', 'warmup'], positionals: 2,
    text: 'Publishes FILE.onnx as the next version of MODEL (or N), with manifest.json (sha256, size) and warmup records; model file last; never overwrites.' },
  label: { line: 'label REPO MODEL NAME=VERSION [--json]', flags: [], positionals: 3,
    text: 'Points a version label at a version present in REPO (models.config.json, conditional write, numbered backup).' },
  canary: { line: 'canary REPO MODEL --version V --weight W [--sticky-header H] [--shadow RATE] [--tolerance T] [--json]',
    flags: ['version', 'weight', 'sticky-header', 'shadow', 'tolerance'], positionals: 2,
    text: 'Routes W % of MODEL\'s traffic to version V (label canary) and the rest to the stable label; --shadow runs a share of stable requests on the canary too.' },
  promote: { line: 'promote REPO MODEL [--json]', flags: [], positionals: 2,
    text: 'The canary becomes stable: the stable label moves to its version, the canary label and the routing are dropped.' },
  rollback: { line: 'rollback REPO MODEL [--undo] [--json]', flags: [], positionals: 2,
    text: 'Ends MODEL\'s canary: restores the config as it was before the canary started (the backup its first canary edit kept), byte for byte; without one, sets the canary weight to 0. --undo: restores the config as it was before the last edit (its newest backup) instead.' },
  status: { line: 'status URL [--key KEY] [--watch [--interval S] [--count N]] [--json]', flags: ['key', 'interval', 'count'], positionals: 1,
    text: 'Asks a running server\'s operator API (admin key from --key or EDGESERVE_ADMIN_KEY) and prints models, versions, labels and arms. --watch redraws every S seconds (default 2) until Ctrl-C, or N times.' },
};

export function usageOf(command: RolloutCommand): string {
  const u = USAGE[command];
  return [`Usage: edgeserve ${u.line}`, '', u.text, '', REPO, 'Exit status: 0 done, 1 failed (one line on stderr), 2 usage error. --json: the result as JSON on stdout.'].join('\n');
}

export type Parsed =
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'run'; readonly positionals: readonly string[]; readonly flags: ReadonlyMap<string, string>; readonly json: boolean; readonly watch: boolean };

export function parseRolloutArguments(command: RolloutCommand, argv: readonly string[]): Parsed {
  const { flags: known, positionals: wanted } = USAGE[command];
  const positionals: string[] = [];
  const flags = new Map<string, string>();
  let json = false;
  let watch = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') return { kind: 'help' };
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (name === 'json' && eq < 0) json = true;
    else if (name === 'watch' && eq < 0 && command === 'status') watch = true;
    else if (name === 'undo' && eq < 0 && command === 'rollback') flags.set('undo', 'true');
    else if (known.includes(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) return { kind: 'error', message: `--${name} needs a value` };
      flags.set(name, value);
    } else return { kind: 'error', message: `unknown flag --${name}` };
  }
  if (positionals.length !== wanted) return { kind: 'error', message: `expected ${USAGE[command].line}` };
  return { kind: 'run', positionals, flags, json, watch };
}

/** A flag's number, or a usage error naming it. */
export function numberFlag(flags: ReadonlyMap<string, string>, name: string, integer = false): number | undefined {
  const raw = flags.get(name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || (integer && !Number.isSafeInteger(n))) throw new UsageError(`--${name} ${raw}: ${integer ? 'an integer' : 'a number'}`);
  return n;
}

export class UsageError extends Error {}

/** A command that could not do what was asked (exit 1, its message the one line). */
export class CommandFailed extends Error {}
