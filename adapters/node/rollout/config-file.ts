// Reading and changing a repository's models.config.json the safe way: read it with its ETag,
// apply the edit, keep the previous bytes as the next numbered backup beside it
// (models.config.json.1, .2, …; an empty backup means "there was no config"), then write the new
// config on the condition that it is still what was read. A concurrent change makes the write
// fail (ConflictError) and takes the backup back out; nothing else is changed. `rollback` writes the
// backup from before the current canary back, byte for byte, under the same condition, and removes
// it and the newer ones; `rollback --undo` does so with the newest backup alone.
import { CONFIG_FILES } from '../../../functions/config/model-config.ts';
import { checkDocument, EditRefused, hasCanary, zeroCanary, type ConfigDocument } from '../../../functions/config/rollout-edit.ts';
import { ConflictError, type WritableRepository } from './writable-repository.ts';

export const CONFIG_KEY = 'models.config.json';
const BACKUP = /^models\.config\.json\.(\d+)$/;

export interface AppliedEdit {
  readonly before: string;
  readonly after: string;
  /** The key of the backup holding `before` (undefined when nothing changed). */
  readonly backup?: string;
}

export interface EditHooks {
  /** Called after the config is read and edited, before anything is written (tests make two edits overlap here). */
  readonly beforeWrite?: () => Promise<void>;
  /** Called by a folder's write of the config once its compare passed, before its rename (tests race two commits here). */
  readonly afterCheck?: () => Promise<void>;
}

/** The versions of a model present in the repository (a version counts once its model.onnx is there). */
export async function presentVersions(repo: WritableRepository, model: string, doc?: ConfigDocument): Promise<Set<number>> {
  const entry = doc?.models?.find((m) => m.name === model);
  const base = typeof entry?.base_path === 'string' ? entry.base_path : model;
  if (/^(\/|[a-z][a-z0-9+.-]*:\/\/)/i.test(base)) throw new EditRefused(`${model}'s versions live outside the repository (base_path ${base}): edit its config by hand`);
  const folder = base.replace(/\/+$/, '');
  const versions = new Set<number>();
  for (const { key } of await repo.list(`${folder}/`)) {
    const m = new RegExp(`^${escape(folder)}/(\\d+)/model\\.onnx$`).exec(key);
    if (m) versions.add(Number(m[1]));
  }
  return versions;
}

async function readConfig(repo: WritableRepository): Promise<{ text: string; etag?: string }> {
  const json = await repo.read(CONFIG_KEY);
  if (json) return { text: new TextDecoder().decode(json.bytes), etag: json.etag };
  if (await repo.read(CONFIG_FILES[1])) throw new EditRefused(`${repo.description} has a text-format ${CONFIG_FILES[1]}: only ${CONFIG_KEY} is edited; convert it first`);
  return { text: '' };
}

function parseDocument(text: string): ConfigDocument {
  if (text.trim() === '') return { models: [] };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new EditRefused(`${CONFIG_KEY} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new EditRefused(`${CONFIG_KEY} must be a JSON object`);
  return doc as ConfigDocument;
}

const conflict = (repo: WritableRepository) =>
  new ConflictError(`${CONFIG_KEY} in ${repo.description} was changed by someone else while this edit was made; nothing was changed: run the command again`);

export async function editConfig(
  repo: WritableRepository,
  edit: (doc: ConfigDocument) => Promise<void> | void,
  hooks: EditHooks = {},
): Promise<AppliedEdit> {
  const current = await readConfig(repo);
  const doc = parseDocument(current.text);
  await edit(doc);
  checkDocument(doc, CONFIG_KEY);
  const after = JSON.stringify(doc, null, 2) + '\n';
  if (after === current.text) return { before: current.text, after };
  await hooks.beforeWrite?.();
  const backup = await writeBackup(repo, current.text);
  try {
    await repo.write(CONFIG_KEY, new TextEncoder().encode(after), current.etag === undefined ? { ifNoneMatch: '*' } : { ifMatch: current.etag, afterCheck: hooks.afterCheck });
  } catch (e) {
    await repo.remove(backup).catch(() => {});
    throw e instanceof ConflictError ? conflict(repo) : e;
  }
  return { before: current.text, after, backup };
}

/**
 * `rollback`: the config as it was before `model`'s current canary started, byte for byte: the
 * newest backup without a canary for it (the one the first `canary` edit of this rollout took),
 * written back, and it and the newer backups removed. Without such a backup (the canary was
 * configured by hand), the canary's weight is set to 0 instead. `undo`: the newest backup, whatever
 * the last edit was (one step; repeated, they walk back).
 */
export async function rollbackConfig(repo: WritableRepository, model: string, hooks: EditHooks = {}, undo = false): Promise<AppliedEdit & { zeroed?: boolean }> {
  const backups = await listBackups(repo);
  const current = await readConfig(repo);
  let target = backups.length - 1;
  let saved: { bytes: Uint8Array } | undefined;
  if (undo) {
    if (target < 0) throw new EditRefused(`${repo.description} has no backup of ${CONFIG_KEY} to roll back to`);
    saved = await repo.read(backups[target]!.key);
    if (!saved) throw conflict(repo);
  } else {
    if (!hasCanary(parseDocument(current.text), model)) throw new EditRefused(`${model} has no canary to roll back (to undo the last change: rollback --undo)`);
    for (; target >= 0; target--) {
      saved = await repo.read(backups[target]!.key);
      if (!saved) throw conflict(repo);
      if (!hasCanary(parseDocument(new TextDecoder().decode(saved.bytes)), model)) break;
    }
    if (target < 0) return { ...(await editConfig(repo, (doc) => zeroCanary(doc, model), hooks)), zeroed: true };
  }
  const key = backups[target]!.key;
  const restored = new TextDecoder().decode(saved!.bytes);
  const others = (text: string) => {
    const d = parseDocument(text);
    return JSON.stringify({ ...d, models: (d.models ?? []).filter((m) => m.name !== model) });
  };
  if (others(restored) !== others(current.text)) {
    throw new EditRefused(`${CONFIG_KEY} has changed for other models since ${key} was kept: roll those back first, or restore ${key} by hand`);
  }
  await hooks.beforeWrite?.();
  try {
    if (restored === '') {
      // There was no config before the first edit: restoring it is removing the file.
      const still = await readConfig(repo);
      if (still.etag !== current.etag) throw new ConflictError('');
      await repo.remove(CONFIG_KEY);
    } else {
      await repo.write(CONFIG_KEY, saved!.bytes, current.etag === undefined ? { ifNoneMatch: '*' } : { ifMatch: current.etag, afterCheck: hooks.afterCheck });
    }
  } catch (e) {
    throw e instanceof ConflictError ? conflict(repo) : e;
  }
  // Newest first: an interruption leaves the older backups, still a walk back in order.
  for (let k = backups.length - 1; k >= target; k--) await repo.remove(backups[k]!.key);
  return { before: current.text, after: restored, backup: key };
}

async function listBackups(repo: WritableRepository): Promise<{ key: string; n: number }[]> {
  const found = (await repo.list(`${CONFIG_KEY}.`)).flatMap(({ key }) => {
    const m = BACKUP.exec(key);
    return m ? [{ key, n: Number(m[1]) }] : [];
  });
  return found.sort((a, b) => a.n - b.n);
}

/** The next numbered backup, created only if that number is free (two edits never share one). */
async function writeBackup(repo: WritableRepository, text: string): Promise<string> {
  const backups = await listBackups(repo);
  let n = (backups[backups.length - 1]?.n ?? 0) + 1;
  for (let attempt = 0; ; attempt++, n++) {
    const key = `${CONFIG_KEY}.${n}`;
    try {
      await repo.write(key, new TextEncoder().encode(text), { ifNoneMatch: '*' });
      return key;
    } catch (e) {
      if (!(e instanceof ConflictError) || attempt === 5) throw e instanceof ConflictError ? conflict(repo) : e;
    }
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
