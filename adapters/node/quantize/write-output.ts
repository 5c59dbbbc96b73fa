// Putting the result where it was asked for, so that a failure leaves nothing behind: OUT.onnx is
// written beside itself under a temporary name and renamed into place (a reader never sees half a
// model, and an error never leaves one); a pushed version is staged in a hidden folder of the model
// (listings ignore folders that are not version numbers) and renamed to its version number once
// complete, model file last inside it.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
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
export async function pushVersion(target: string, model: Uint8Array, report: object, sourceModel: string): Promise<Pushed> {
  const modelDir = target;
  const repo = dirname(target);
  if (!existsSync(repo)) throw new QuantizeError(`--push ${target}: the repository folder ${repo} does not exist`);
  await mkdir(modelDir, { recursive: true });
  const staging = join(modelDir, `.quantize-${process.pid}-${Date.now()}`);
  try {
    const files = new Map<string, Uint8Array>();
    const reportBytes = new TextEncoder().encode(JSON.stringify(report, null, 2) + '\n');
    files.set(REPORT_FILE, reportBytes);
    await mkdir(staging);
    await writeFile(join(staging, REPORT_FILE), reportBytes);
    const warmup = join(dirname(sourceModel), WARMUP_FILE);
    if (existsSync(warmup)) {
      await mkdir(join(staging, dirname(WARMUP_FILE)));
      await copyFile(warmup, join(staging, WARMUP_FILE));
    }
    files.set('model.onnx', model);
    const manifest = { files: Object.fromEntries([...files].map(([name, bytes]) => [name, { sha256: sha256(bytes), size: bytes.length }])) };
    await writeFile(join(staging, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
    await writeFile(join(staging, 'model.onnx'), model);
    // Another push may take the same number meanwhile: rename fails on a folder that exists, so try the next.
    for (let attempt = 0; attempt < 10; attempt++) {
      const version = (await latestVersion(modelDir)) + 1;
      const folder = join(modelDir, String(version));
      try {
        await rename(staging, folder);
        return { version, folder };
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw e;
      }
    }
    throw new Error('the version numbers kept changing under it');
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
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
