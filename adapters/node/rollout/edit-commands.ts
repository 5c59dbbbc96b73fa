// `edgeserve push | label | canary | promote | rollback`: each changes the repository with
// conditions (writable-repository.ts), prints what it did (the config diff for edits), and resolves
// to its result for --json. Failures throw; command.ts turns them into one line and an exit status.
import { readFile } from 'node:fs/promises';
import { promoteCanary, setLabel, startCanary } from '../../../functions/config/rollout-edit.ts';
import { WARMUP_FILE } from '../../../functions/serving/warmup.ts';
import { editConfig, presentVersions, rollbackConfig, type AppliedEdit, type EditHooks } from './config-file.ts';
import { lineDiff } from './line-diff.ts';
import { MODEL_FILE, publishVersion, PublishError } from './publish-version.ts';
import { numberFlag, UsageError } from './arguments.ts';
import { UploadProgress, type ProgressTerminal } from './upload-progress.ts';
import type { WritableRepository } from './writable-repository.ts';

export interface Output {
  /** A line for people (not printed with --json). */
  say(line: string): void;
  /** Where an upload's bar is drawn (a terminal's stderr); undefined: not a terminal, no bar. */
  readonly terminal?: ProgressTerminal;
  /** The bar's clock (tests advance it); default Date.now. */
  readonly now?: () => number;
}

export async function push(file: string, repo: WritableRepository, model: string, flags: ReadonlyMap<string, string>, out: Output) {
  const version = numberFlag(flags, 'version', true);
  if (version !== undefined && version < 1) throw new UsageError(`--version ${version}: a positive integer`);
  if (!/^[A-Za-z0-9_.-]+$/.test(model)) throw new UsageError(`model name ${JSON.stringify(model)}: use letters, digits, _ . -`);
  checkModelName(model);
  const bytes = await readFile(file).catch((e: NodeJS.ErrnoException) => {
    throw new PublishError(`cannot read ${file}: ${e.code ?? e.message}`);
  });
  const files = new Map<string, Uint8Array>([[MODEL_FILE, new Uint8Array(bytes)]]);
  const warmup = flags.get('warmup');
  if (warmup !== undefined) {
    const records = await readFile(warmup).catch((e: NodeJS.ErrnoException) => {
      throw new PublishError(`cannot read --warmup ${warmup}: ${e.code ?? e.message}`);
    });
    files.set(WARMUP_FILE, new Uint8Array(records));
  }
  const bar = new UploadProgress(out.terminal, out.now);
  const published = await publishVersion(repo, model, files, { version, progress: bar.update }).finally(() => bar.end());
  out.say(`published ${model} version ${published.version} to ${repo.description} (${published.keys.length} files, ${published.bytes} bytes, model file last)`);
  return { model, version: published.version, files: published.keys, bytes: published.bytes };
}

/** A model's folder in the repository: never `.` or `..` (or more dots: a path, not a name). */
function checkModelName(model: string): void {
  if (/^\.+$/.test(model)) throw new UsageError(`model name ${JSON.stringify(model)}: not only dots (it would name a folder outside the model's)`);
}

function reportEdit(what: string, applied: AppliedEdit, out: Output) {
  if (applied.backup === undefined) {
    out.say(`${what}: the config already says so; nothing changed`);
    return { changed: false, diff: '' };
  }
  const diff = lineDiff(applied.before, applied.after);
  out.say(`${what} (previous config kept as ${applied.backup})`);
  out.say(diff);
  return { changed: true, backup: applied.backup, diff };
}

export async function label(repo: WritableRepository, model: string, assignment: string, out: Output, hooks?: EditHooks) {
  checkModelName(model);
  const m = /^([^=]+)=(\d+)$/.exec(assignment);
  if (!m) throw new UsageError(`${assignment}: expected NAME=VERSION`);
  const version = Number(m[2]);
  const applied = await editConfig(repo, async (doc) => setLabel(doc, model, m[1]!, version, await presentVersions(repo, model, doc)), hooks);
  return { model, label: m[1], version, ...reportEdit(`${model}: label ${m[1]} → version ${version}`, applied, out) };
}

export async function canary(repo: WritableRepository, model: string, flags: ReadonlyMap<string, string>, out: Output, hooks?: EditHooks) {
  checkModelName(model);
  const version = numberFlag(flags, 'version', true);
  const weight = numberFlag(flags, 'weight');
  if (version === undefined || weight === undefined) throw new UsageError('canary needs --version V and --weight W');
  const request = {
    version, weight, stickyHeader: flags.get('sticky-header')?.toLowerCase(),
    shadow: numberFlag(flags, 'shadow'), tolerance: numberFlag(flags, 'tolerance'),
  };
  const applied = await editConfig(repo, async (doc) => startCanary(doc, model, request, await presentVersions(repo, model, doc)), hooks);
  return { model, version, weight, ...reportEdit(`${model}: canary version ${version} at ${weight} %`, applied, out) };
}

export async function promote(repo: WritableRepository, model: string, out: Output, hooks?: EditHooks) {
  checkModelName(model);
  let version = 0;
  const applied = await editConfig(repo, async (doc) => void (version = promoteCanary(doc, model, await presentVersions(repo, model, doc))), hooks);
  return { model, version, ...reportEdit(`${model}: version ${version} promoted to stable, routing dropped`, applied, out) };
}

export async function rollback(repo: WritableRepository, model: string, flags: ReadonlyMap<string, string>, out: Output, hooks?: EditHooks) {
  checkModelName(model);
  const undo = flags.has('undo');
  const applied = await rollbackConfig(repo, model, hooks, undo);
  if (applied.zeroed) return { model, zeroed: true, ...reportEdit(`${model}: no config from before the canary is kept; canary weight set to 0`, applied, out) };
  const diff = lineDiff(applied.before, applied.after);
  const what = undo ? 'last change undone' : 'canary rolled back';
  out.say(`${model}: ${what}, config restored from ${applied.backup}${applied.after === '' ? ' (there was no config: removed)' : ''}`);
  out.say(diff);
  return { model, restored: applied.backup, diff };
}
