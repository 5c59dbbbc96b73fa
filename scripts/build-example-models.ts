// Writes the example model repository in TF Serving's layout: <out>/<model>/<version>/model.onnx,
// plus models.config.json. Usage:
//   tsx scripts/build-example-models.ts [--out DIR] [--if-missing]
// --if-missing runs before every `npm start` / `npm test`: when every file is already there it
// returns after a few stat calls, without importing (or running) the training code.

import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Default output: `models/` at the repository root, wherever the script is run from. */
export const DEFAULT_OUT = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'models');

const MODEL_FILES = [
  'half_plus_two/1/model.onnx',
  'half_plus_two/2/model.onnx',
  'two_io/1/model.onnx',
  'all_dtypes/1/model.onnx',
  'mnist/1/model.onnx',
  'mnist_fp16/1/model.onnx',
  'mnist_int8/1/model.onnx',
] as const;
const CONFIG_FILE = 'models.config.json';
const CONFIG = { models: [{ name: 'half_plus_two', version_labels: { stable: 2 } }] };

export function repositoryComplete(outDir: string): boolean {
  return [...MODEL_FILES, CONFIG_FILE].every((f) => existsSync(join(outDir, f)));
}

export interface WrittenModel { path: string; bytes: number }

/** Build every example model and write the repository under `outDir`; returns what was written. */
export async function writeExampleRepository(
  outDir: string,
  log: (line: string) => void = () => {},
): Promise<WrittenModel[]> {
  // Imported lazily: this pulls in the MNIST digits and trains the classifier (a few seconds).
  const m = await import('../test/fixtures/example-models.ts');
  const written: WrittenModel[] = [];
  const put = async (file: string, bytes: Uint8Array, note = '') => {
    const path = join(outDir, file);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
    written.push({ path, bytes: bytes.length });
    log(`${file.padEnd(28)} ${String(bytes.length).padStart(7)} bytes${note}`);
  };

  const halfPlusTwo = m.halfPlusTwo();
  await put('half_plus_two/1/model.onnx', halfPlusTwo);
  await put('half_plus_two/2/model.onnx', halfPlusTwo);
  await put('two_io/1/model.onnx', m.twoIo());
  await put('all_dtypes/1/model.onnx', m.allDtypes());
  const t = m.trainMnist();
  const acc = ` (trained in ${(t.trainMs / 1000).toFixed(1)} s, fp32 test accuracy ${(100 * t.testAccuracy).toFixed(1)}% on ${t.testCount} digits)`;
  await put('mnist/1/model.onnx', m.mnistClassifier('fp32'), acc);
  await put('mnist_fp16/1/model.onnx', m.mnistClassifier('fp16'));
  await put('mnist_int8/1/model.onnx', m.mnistClassifier('int8'));
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, CONFIG_FILE), JSON.stringify(CONFIG) + '\n');
  return written;
}

async function main(argv: string[]): Promise<void> {
  let out = DEFAULT_OUT;
  let ifMissing = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--if-missing') ifMissing = true;
    else if (arg === '--out' && argv[i + 1]) out = resolve(argv[++i]!);
    else if (arg.startsWith('--out=')) out = resolve(arg.slice('--out='.length));
    else throw new Error(`unknown argument ${arg}; usage: build-example-models.ts [--out DIR] [--if-missing]`);
  }
  if (ifMissing && repositoryComplete(out)) return;
  console.error(`building example models in ${relative(process.cwd(), out) || '.'}`);
  await writeExampleRepository(out, (line) => console.error(`  ${line}`));
}

// Run only when executed directly, so tests can import writeExampleRepository.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
