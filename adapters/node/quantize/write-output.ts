// Putting the result where it was asked for, so that a failure leaves nothing behind: OUT.onnx is
// written beside itself under a temporary name and renamed into place (a reader never sees half a
// model, and an error never leaves one); a pushed version is staged in a hidden folder of the model
// (listings ignore folders that are not version numbers), its number claimed by creating the
// version folder (mkdir fails on one that exists, so two pushes never take the same number nor
// replace what is there), and the complete staging folder renamed over that empty claim.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, realpath, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MANIFEST_FILE } from '../../../functions/serving/integrity.ts';
import { WARMUP_FILE } from '../../../functions/serving/warmup.ts';
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

export interface Pushed { readonly version: number; readonly folder: string }

/**
 * Publishes `model` as the next version of `REPO/MODEL` (a folder repository in TF Serving's
 * layout), with the report, the source version's warmup records when it has some, and a
 * manifest (sha256 and size of each file) that the loader verifies before serving.
 */
/** What can be told before quantizing (so a doomed push costs nothing and writes nothing): the repository exists. */
export function checkPushTarget(target: string): void {
  const repo = dirname(target);
  if (!existsSync(repo)) throw new QuantizeError(`--push ${target}: the repository folder ${repo} does not exist`);
}

/** Refuses OUT when it is IN by another path (writing it would replace the model being read). */
export async function checkOutput(output: string, input: string): Promise<void> {
  const real = (p: string) => realpath(p).catch(() => undefined);
  const [out, source] = await Promise.all([real(output), real(input)]);
  if (out !== undefined && out === source) throw new QuantizeError(`OUT ${output} is IN ${input}: give another output file`);
}

export async function pushVersion(target: string, model: Uint8Array, report: object, sourceModel: string): Promise<Pushed> {
  const modelDir = target;
  checkPushTarget(target);
  // A model folder this push makes is removed again if the push fails (rmdir: only while empty,
  // so a version another push put there meanwhile is never removed with it).
  const madeModelDir = !existsSync(modelDir);
  await mkdir(modelDir, { recursive: true });
  const staging = join(modelDir, `.quantize-${process.pid}-${Date.now()}`);
  let claimed: string | undefined;
  try {
    const files = new Map<string, Uint8Array>();
    const reportBytes = new TextEncoder().encode(JSON.stringify(report, null, 2) + '\n');
    files.set(REPORT_FILE, reportBytes);
    await mkdir(staging);
    await writeFile(join(staging, REPORT_FILE), reportBytes);
    const warmup = join(dirname(sourceModel), WARMUP_FILE);
    if (existsSync(warmup)) {
      // Read, not copied: the manifest must name the bytes the version holds, so the loader
      // verifies the warmup records as it does the model.
      const records = new Uint8Array(await readFile(warmup));
      await mkdir(join(staging, dirname(WARMUP_FILE)));
      await writeFile(join(staging, WARMUP_FILE), records);
      files.set(WARMUP_FILE, records);
    }
    files.set('model.onnx', model);
    const manifest = { files: Object.fromEntries([...files].map(([name, bytes]) => [name, { sha256: sha256(bytes), size: bytes.length }])) };
    await writeFile(join(staging, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
    await writeFile(join(staging, 'model.onnx'), model);
    // Claim the number with a non-recursive mkdir: it fails on anything already there (another
    // push's folder, an empty folder, a file), so only a folder this push made is replaced.
    let next = 0;
    for (let attempt = 0; attempt < 10 && claimed === undefined; attempt++) {
      next = Math.max(next + 1, (await latestVersion(modelDir)) + 1); // past a taken name, never back
      const folder = join(modelDir, String(next));
      try {
        await mkdir(folder);
        claimed = folder;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
    if (claimed === undefined) throw new Error('the version numbers kept changing under it');
    // The complete version appears at once: the staging folder replaces the (empty) claim.
    await rename(staging, claimed);
    return { version: Number(basename(claimed)), folder: claimed };
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    if (claimed) await rmdir(claimed).catch(() => undefined);
    if (madeModelDir) await rmdir(modelDir).catch(() => undefined);
    if (e instanceof QuantizeError) throw e;
    throw new QuantizeError(`--push ${target}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

async function latestVersion(modelDir: string): Promise<number> {
  const entries = await readdir(modelDir, { withFileTypes: true });
  return Math.max(0, ...entries.filter((e) => e.isDirectory() && /^\d+$/.test(e.name)).map((e) => Number(e.name)));
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
