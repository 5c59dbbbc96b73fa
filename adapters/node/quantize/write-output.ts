// Putting the result where it was asked for, so that a failure leaves nothing behind: OUT.onnx is
// written beside itself under a temporary name and renamed into place (a reader never sees half a
// model, and an error never leaves one); a pushed version goes through the rollout publisher
// (rollout/publish-version.ts, as `edgeserve push`), into a folder or s3:// repository: its number
// claimed by a manifest written with "must not exist", model file last, taken back on failure.
import { existsSync } from 'node:fs';
import { readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { WARMUP_FILE } from '../../../functions/serving/warmup.ts';
import type { StoreOptions } from '../../shared/store-from-url.ts';
import { MODEL_FILE, publishVersion, splitTarget, unpublish, type PublishOptions } from '../rollout/publish-version.ts';
import { FolderRepository, openRepository, type WritableRepository } from '../rollout/writable-repository.ts';
import { QuantizeError } from './onnx-model.ts';

export const REPORT_FILE = 'quantize-report.json';

export async function writeAtomically(path: string, bytes: Uint8Array | string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, path);
  } catch (e) {
    await rm(temporary, { force: true });
    throw new QuantizeError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export interface PushTarget {
  readonly target: string;
  readonly repo: WritableRepository;
  readonly model: string;
}

export interface Pushed {
  readonly version: number;
  /** The version's folder: a path, or s3://bucket/prefix/MODEL/N. */
  readonly folder: string;
  readonly keys: readonly string[];
}

/**
 * What can be told before quantizing (so a doomed push costs nothing and writes nothing): a folder
 * repository exists; an S3 one can be listed (bucket, endpoint and credentials work).
 */
export async function checkPushTarget(target: string, options: StoreOptions): Promise<PushTarget> {
  const parts = splitTarget(target);
  if (!parts || !/^[A-Za-z0-9_.-]+$/.test(parts.model)) throw new QuantizeError(`--push ${target}: expected REPO/MODEL (a model name of letters, digits, _ . -)`);
  const fail = (why: string) => new QuantizeError(`--push ${target}: ${why}`);
  let repo: WritableRepository;
  try {
    repo = openRepository(parts.repository, options);
  } catch (e) {
    throw fail((e as Error).message);
  }
  if (repo instanceof FolderRepository) {
    if (!existsSync(parts.repository)) throw fail(`the repository folder ${parts.repository} does not exist`);
  } else {
    await repo.list(`${parts.model}/`).catch((e: Error) => {
      throw fail(`cannot list ${repo.description}: ${e.message.split('\n')[0]}`);
    });
  }
  return { target, repo, model: parts.model };
}

/** Refuses OUT when it is IN by another path (writing it would replace the model being read). */
export async function checkOutput(output: string, input: string): Promise<void> {
  const real = (p: string) => realpath(p).catch(() => undefined);
  const [out, source] = await Promise.all([real(output), real(input)]);
  if (out !== undefined && out === source) throw new QuantizeError(`OUT ${output} is IN ${input}: give another output file`);
}

/**
 * Publishes `model` as the next version of the target's model, with the report, the source
 * version's warmup records when it has some, and a manifest (sha256 and size of each file, by the
 * publisher) that the loader verifies before serving.
 */
export async function pushVersion(to: PushTarget, model: Uint8Array, report: object, sourceModel: string, options: Pick<PublishOptions, 'progress'> = {}): Promise<Pushed> {
  try {
    const files = new Map<string, Uint8Array>();
    files.set(REPORT_FILE, new TextEncoder().encode(JSON.stringify(report, null, 2) + '\n'));
    const warmup = join(dirname(sourceModel), WARMUP_FILE);
    // Read, not copied: the manifest must name the bytes the version holds, so the loader
    // verifies the warmup records as it does the model.
    if (existsSync(warmup)) files.set(WARMUP_FILE, new Uint8Array(await readFile(warmup)));
    files.set(MODEL_FILE, model);
    const published = await publishVersion(to.repo, to.model, files, options);
    const folder = to.repo instanceof FolderRepository ? join(to.target, String(published.version)) : `${to.target}/${published.version}`;
    return { version: published.version, folder, keys: published.keys };
  } catch (e) {
    throw new QuantizeError(`--push ${to.target}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Takes a pushed version back (writing OUT failed after it: exit status 1 promises nothing written). */
export function takeBack(to: PushTarget, pushed: Pushed): Promise<void> {
  return unpublish(to.repo, pushed.keys);
}
