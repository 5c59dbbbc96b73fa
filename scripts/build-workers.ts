// Bundles the Workers adapter the way wrangler does (ESM, the .wasm kept as a separate module that
// the runtime compiles), into dist/workers/, and reports the size against the Workers limit.
// `wrangler deploy` bundles from the same entry itself; this build is what the tests run in workerd.
import { readdir, stat } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const WORKER_OUT = join(ROOT, 'dist', 'workers');
/** Cloudflare's limit on a Worker's size, uncompressed, on every plan since 2026-09-04 (platform notes). */
const LIMIT_BYTES = 64 * 1024 * 1024;

/** esbuild options that bundle a Worker as wrangler does: index.mjs plus the .wasm beside it. */
export const WRANGLER_LIKE = {
  entryNames: 'index',
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  conditions: ['workerd', 'worker', 'browser', 'import'],
  mainFields: ['module', 'main'],
  loader: { '.wasm': 'copy' },
  assetNames: '[name]',
  outExtension: { '.js': '.mjs' },
} as const satisfies BuildOptions;

export async function buildWorker(): Promise<{ entry: string; files: { path: string; bytes: number; gzip: number }[] }> {
  await build({
    ...WRANGLER_LIKE,
    entryPoints: [join(ROOT, 'adapters/workers/index.ts')],
    outdir: WORKER_OUT,
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const files = [];
  for (const name of await readdir(WORKER_OUT)) {
    const path = join(WORKER_OUT, name);
    const bytes = (await stat(path)).size;
    files.push({ path, bytes, gzip: gzipSync(readFileSync(path)).length });
  }
  return { entry: join(WORKER_OUT, 'index.mjs'), files };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { files } = await buildWorker();
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MiB`;
  let total = 0;
  let totalGzip = 0;
  for (const f of files) {
    total += f.bytes;
    totalGzip += f.gzip;
    console.log(`  ${f.path.slice(ROOT.length + 1).padEnd(40)} ${mib(f.bytes).padStart(10)}  (${mib(f.gzip)} gzip)`);
  }
  console.log(`worker: ${mib(total)} (${mib(totalGzip)} gzip) — ${((100 * total) / LIMIT_BYTES).toFixed(1)}% of the ${mib(LIMIT_BYTES)} Workers size limit`);
}
