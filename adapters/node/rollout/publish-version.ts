// Publishing one version of a model into a repository (folder or S3) in the order the server
// expects: a manifest.json (sha256 and size of every file, which the loader verifies) claims the
// version number first, with "must not exist" (two pushes never share a number, and nothing is
// overwritten); the other files follow; model.onnx comes last, as the server lists a version only
// once its model file is there. A failure removes what was written. `edgeserve push` and
// `edgeserve quantize --push` both publish through here.
import { createHash } from 'node:crypto';
import { MANIFEST_FILE } from '../../../functions/serving/integrity.ts';
import { ConflictError, type WritableRepository } from './writable-repository.ts';

export const MODEL_FILE = 'model.onnx';

export class PublishError extends Error {}

export interface Published {
  readonly version: number;
  /** Keys written, model file last. */
  readonly keys: readonly string[];
  readonly bytes: number;
}

export interface PublishOptions {
  /** This version number, or refuse; undefined: the next one after the highest present. */
  readonly version?: number;
  /** As each file is written (several times within a large one): bytes written so far, of the total. */
  readonly progress?: (written: number, total: number, file: string) => void;
}

export function manifestFor(files: ReadonlyMap<string, Uint8Array>): Uint8Array {
  const entries = [...files].map(([name, bytes]) => [name, { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length }]);
  return new TextEncoder().encode(JSON.stringify({ files: Object.fromEntries(entries) }, null, 2) + '\n');
}

/** `files`: paths inside the version folder (model.onnx among them) → bytes. */
export async function publishVersion(repo: WritableRepository, model: string, files: ReadonlyMap<string, Uint8Array>, options: PublishOptions = {}): Promise<Published> {
  if (!files.has(MODEL_FILE)) throw new PublishError(`a version needs its ${MODEL_FILE}`);
  const manifest = manifestFor(files);
  const total = manifest.length + [...files.values()].reduce((n, b) => n + b.length, 0);
  const taken = async () => {
    const versions = new Set<number>();
    for (const { key } of await repo.list(`${model}/`)) {
      const m = /^[^/]+\/(\d+)\//.exec(key);
      if (m) versions.add(Number(m[1]));
    }
    return versions;
  };
  let version = options.version ?? Math.max(0, ...(await taken())) + 1;
  for (let attempt = 0; ; attempt++) {
    if ((await taken()).has(version)) {
      if (options.version !== undefined) throw new PublishError(`version ${version} of ${model} already exists in ${repo.description}: push never overwrites (give another --version, or none for the next)`);
    } else {
      try {
        await repo.write(`${model}/${version}/${MANIFEST_FILE}`, manifest, { ifNoneMatch: '*' });
        break;
      } catch (e) {
        if (!(e instanceof ConflictError)) throw e;
        if (options.version !== undefined) throw new PublishError(`version ${version} of ${model} was just published by someone else: push never overwrites`);
      }
    }
    if (attempt === 10) throw new PublishError(`the versions of ${model} kept changing while publishing`);
    version++;
  }
  const keys = [`${model}/${version}/${MANIFEST_FILE}`];
  let written = manifest.length;
  options.progress?.(written, total, MANIFEST_FILE);
  try {
    const order = [...files.keys()].filter((f) => f !== MODEL_FILE).concat(MODEL_FILE);
    for (const file of order) {
      const key = `${model}/${version}/${file}`;
      const before = written;
      const within = options.progress && ((n: number) => options.progress!(before + n, total, file));
      await repo.write(key, files.get(file)!, file === MODEL_FILE ? { ifNoneMatch: '*' } : undefined, within);
      keys.push(key);
      written += files.get(file)!.length;
      options.progress?.(written, total, file);
    }
  } catch (e) {
    await unpublish(repo, keys);
    throw e;
  }
  return { version, keys, bytes: total };
}

/** Takes back a published version (a caller's later step failed): model file first, so the server never lists a version without its manifest. */
export async function unpublish(repo: WritableRepository, keys: readonly string[]): Promise<void> {
  for (const key of [...keys].reverse()) await repo.remove(key).catch(() => {});
}

/** `REPO/MODEL` (a folder or s3://bucket/prefix, then the model's name) → its two parts; undefined if there is no model part. */
export function splitTarget(target: string): { readonly repository: string; readonly model: string } | undefined {
  const trimmed = target.replace(/\/+$/, '');
  const slash = trimmed.lastIndexOf('/');
  if (slash <= 0 || /^[a-z0-9]+:\/*$/i.test(trimmed.slice(0, slash))) return undefined; // s3://MODEL names no bucket
  return { repository: trimmed.slice(0, slash), model: trimmed.slice(slash + 1) };
}
