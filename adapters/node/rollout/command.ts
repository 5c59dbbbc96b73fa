// `edgeserve validate | push | label | canary | promote | rollback | status`: parse, open the
// repository as `serve` would (a folder or s3://, with the same S3 settings from the environment),
// run, print (a table or diff; --json: the result as JSON), resolve to the exit status: 0 done,
// 1 failed (one line on stderr, never a stack), 2 usage error. Loaded only for these commands.
import { OptionError } from '../../../functions/options/parse-value.ts';
import { resolveOptions, type EnvRecord } from '../../../functions/options/read-options.ts';
import { EditRefused } from '../../../functions/config/rollout-edit.ts';
import { storeOptionsFrom } from '../../shared/store-from-url.ts';
import { CommandFailed, numberFlag, parseRolloutArguments, usageOf, UsageError, type RolloutCommand } from './arguments.ts';
import type { EditHooks } from './config-file.ts';
import { canary, label, promote, push, rollback, type Output } from './edit-commands.ts';
import { PublishError, splitTarget } from './publish-version.ts';
import { fetchView, StatusError, statusText } from './status.ts';
import type { ProgressTerminal } from './upload-progress.ts';
import { validate } from './validate.ts';
import { ConflictError, openRepository } from './writable-repository.ts';

export interface RolloutRun {
  /** Called between an edit's read and its write (tests make two edits overlap). */
  readonly hooks?: EditHooks;
  /** Whether stderr is a terminal (progress bars); default: process.stderr.isTTY. */
  readonly isTTY?: boolean;
  /** Where the bar goes on a terminal, and its clock; default: process.stderr, Date.now. */
  readonly terminal?: ProgressTerminal;
  readonly now?: () => number;
  /** Where lines go; default: the console's stdout and stderr. */
  readonly print?: { out(line: string): void; err(line: string): void };
}

export async function rolloutCommand(command: RolloutCommand, argv: readonly string[], env: EnvRecord, run: RolloutRun = {}): Promise<number> {
  const print = run.print ?? { out: (line: string) => console.log(line), err: (line: string) => console.error(line) };
  const parsed = parseRolloutArguments(command, argv);
  if (parsed.kind === 'help') {
    print.out(usageOf(command));
    return 0;
  }
  // A failure is one line on stderr; with --json also {"ok": false, "error"} on stdout, for scripts.
  const wantsJson = parsed.kind === 'run' ? parsed.json : argv.includes('--json');
  const fail = (status: number, message: string, line = message) => {
    print.err(`edgeserve ${command}: ${line}`);
    if (wantsJson) print.out(JSON.stringify({ ok: false, error: message }));
    return status;
  };
  const usage = (message: string) => fail(2, message, `${message} (edgeserve ${command} --help)`);
  if (parsed.kind === 'error') return usage(parsed.message);
  const { positionals: p, flags, json } = parsed;
  const out: Output = {
    say: (line) => void (json || print.out(line)),
    ...((run.isTTY ?? process.stderr.isTTY) && !json ? { terminal: run.terminal ?? process.stderr } : {}),
    now: run.now,
  };
  try {
    const storeOptions = () => storeOptionsFrom(resolveOptions('node', env, new Map()));
    let result: unknown;
    let ok = true;
    switch (command) {
      case 'validate': {
        const r = await validate(p[0]!, flags, storeOptions(), out);
        ok = r.ok;
        result = r;
        break;
      }
      case 'push': {
        const target = splitTarget(p[1]!);
        if (!target) return usage(`${p[1]}: expected REPO/MODEL`);
        result = await push(p[0]!, openRepository(target.repository, storeOptions()), target.model, flags, out);
        break;
      }
      case 'label':
        result = await label(openRepository(p[0]!, storeOptions()), p[1]!, p[2]!, out, run.hooks);
        break;
      case 'canary':
        result = await canary(openRepository(p[0]!, storeOptions()), p[1]!, flags, out, run.hooks);
        break;
      case 'promote':
        result = await promote(openRepository(p[0]!, storeOptions()), p[1]!, out, run.hooks);
        break;
      case 'rollback':
        result = await rollback(openRepository(p[0]!, storeOptions()), p[1]!, flags, out, run.hooks);
        break;
      case 'status':
        return await status(p[0]!, flags, parsed.watch, json, env, print.out);
    }
    if (json) print.out(JSON.stringify(result, null, 2));
    return ok ? 0 : 1;
  } catch (e) {
    if (e instanceof UsageError || e instanceof OptionError) return usage(e.message);
    const known = e instanceof ConflictError || e instanceof EditRefused || e instanceof PublishError || e instanceof StatusError || e instanceof CommandFailed;
    const message = known ? (e as Error).message : `unexpected error: ${e instanceof Error ? e.message : String(e)}`;
    return fail(1, message.split('\n')[0]!);
  }
}

async function status(url: string, flags: ReadonlyMap<string, string>, watch: boolean, json: boolean, env: EnvRecord, say: (line: string) => void): Promise<number> {
  const fromEnv = env.EDGESERVE_ADMIN_KEY;
  const key = flags.get('key') ?? (typeof fromEnv === 'string' && fromEnv !== '' ? fromEnv : undefined);
  const interval = Number(flags.get('interval') ?? 2);
  if (!(interval > 0)) throw new UsageError(`--interval ${flags.get('interval')}: seconds, more than 0`);
  const count = numberFlag(flags, 'count', true);
  if (count !== undefined && count < 1) throw new UsageError(`--count ${count}: a positive integer`);
  const show = async () => {
    const view = await fetchView(url, key);
    return json ? JSON.stringify(view, null, 2) : statusText(view);
  };
  if (!watch) {
    say(await show());
    return 0;
  }
  // Until interrupted (or --count redraws): clear the terminal, draw, wait. Ctrl-C ends the wait at
  // once, and the command exits 0: stopping a watch is its normal end.
  let stopped = false;
  let wake = () => {};
  const stop = () => {
    stopped = true;
    wake();
  };
  process.once('SIGINT', stop);
  try {
    for (let drawn = 0; !stopped; ) {
      const text = await show();
      say(json ? text : `\x1b[2J\x1b[H${text}`);
      if (count !== undefined && ++drawn >= count) break;
      await new Promise<void>((r) => {
        const timer = setTimeout(r, interval * 1000);
        wake = () => { clearTimeout(timer); r(); };
      });
    }
  } finally {
    process.off('SIGINT', stop);
  }
  return 0;
}
