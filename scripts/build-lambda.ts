// `npm run build:lambda`: the deployable Lambda package, dist/lambda.zip. One ESM bundle of the
// handler, onnxruntime-web's WASM beside it, and onnxruntime-node for linux/x64 (native code
// cannot be bundled; other platforms' binaries are left out). Reports the size against
// Lambda's limits.
import { cp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { zipSync } from 'fflate';
import { FileSystemStore } from '../adapters/storage/fs.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const LAMBDA_DIR = join(ROOT, 'dist', 'lambda');
export const LAMBDA_ZIP = join(ROOT, 'dist', 'lambda.zip');
const ZIP_LIMIT = 50 * 1024 * 1024; // direct upload
const UNZIPPED_LIMIT = 250 * 1024 * 1024;

export async function buildLambda(): Promise<{ zipBytes: number; unzippedBytes: number }> {
  await rm(LAMBDA_DIR, { recursive: true, force: true });
  await build({
    entryPoints: [join(ROOT, 'adapters/lambda/index.ts')],
    outfile: join(LAMBDA_DIR, 'index.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['onnxruntime-node'],
    // Bundled CommonJS dependencies may call require(): give the ESM bundle one.
    banner: { js: "import { createRequire as __edgeserveRequire } from 'node:module'; const require = __edgeserveRequire(import.meta.url);" },
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  // onnxruntime-web looks for its glue and .wasm next to the module that loads it.
  for (const file of ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs']) {
    await cp(join(ROOT, 'node_modules/onnxruntime-web/dist', file), join(LAMBDA_DIR, file));
  }
  await cp(join(ROOT, 'node_modules/onnxruntime-node'), join(LAMBDA_DIR, 'node_modules/onnxruntime-node'), {
    recursive: true,
    filter: (src) => !/[/\\]bin[/\\]napi-v\d+[/\\](darwin|win32)|[/\\]bin[/\\]napi-v\d+[/\\]linux[/\\]arm64|[/\\]script[/\\]|\.map$/.test(src),
  });
  await cp(join(ROOT, 'node_modules/onnxruntime-common'), join(LAMBDA_DIR, 'node_modules/onnxruntime-common'), { recursive: true });
  await writeFile(join(LAMBDA_DIR, 'package.json'), '{ "type": "module" }\n');

  const files: Record<string, Uint8Array> = {};
  let unzippedBytes = 0;
  for (const { key } of await new FileSystemStore(LAMBDA_DIR).list('')) {
    const bytes = new Uint8Array(await readFile(join(LAMBDA_DIR, key)));
    unzippedBytes += bytes.length;
    files[key] = bytes;
  }
  const zip = zipSync(files, { level: 9 });
  await mkdir(dirname(LAMBDA_ZIP), { recursive: true });
  await writeFile(LAMBDA_ZIP, zip);
  return { zipBytes: (await stat(LAMBDA_ZIP)).size, unzippedBytes };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { zipBytes, unzippedBytes } = await buildLambda();
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  console.log(`${relative(process.cwd(), LAMBDA_ZIP)}: ${mib(zipBytes)} zipped (${((100 * zipBytes) / ZIP_LIMIT).toFixed(0)}% of Lambda's 50 MiB), ` +
    `${mib(unzippedBytes)} unzipped (${((100 * unzippedBytes) / UNZIPPED_LIMIT).toFixed(0)}% of 250 MiB)`);
}
