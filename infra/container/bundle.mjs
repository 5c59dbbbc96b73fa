// Assembles the image's /app from a source checkout whose node_modules holds the runtime
// dependencies. The Dockerfile's build stage runs it with esbuild installed beside it (and
// test/infra/container.test.ts runs it from the repository, without Docker):
//   node bundle.mjs OUT [ROOT]      (ROOT: the checkout, by default the one this file is in)
// OUT/index.mjs                          one ESM bundle of adapters/node/main.ts (hono, the AWS SDK… inlined)
// OUT/ort-wasm-simd-threaded.{mjs,wasm}  onnxruntime-web's WASM, found beside the bundle (--backend ort-web)
// OUT/node_modules/onnxruntime-node      native code cannot be bundled: this platform's binaries only
// OUT/node_modules/onnxruntime-common
// OUT/entrypoint.mjs, OUT/healthcheck.mjs, OUT/package.json
import { build } from 'esbuild';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

export async function bundleApp(out, root = resolve(HERE, '..', '..')) {
  await rm(out, { recursive: true, force: true });
  await build({
    entryPoints: [join(root, 'adapters/node/main.ts')],
    outfile: join(out, 'index.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    external: ['onnxruntime-node'],
    // Bundled CommonJS dependencies may call require(): give the ESM bundle one.
    banner: { js: "import { createRequire as __edgeserveRequire } from 'node:module'; const require = __edgeserveRequire(import.meta.url);" },
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const modules = join(root, 'node_modules');
  for (const file of ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs']) {
    await cp(join(modules, 'onnxruntime-web/dist', file), join(out, file));
  }
  // Binaries of other platforms are ~240 MB; the CUDA provider's libraries, when the install
  // script fetched them (ORT_CUDA), sit beside this platform's and come along.
  const ortNode = join(modules, 'onnxruntime-node');
  await cp(ortNode, join(out, 'node_modules/onnxruntime-node'), {
    recursive: true,
    filter: (src) => {
      const [top, , os, arch] = relative(ortNode, src).split(sep); // bin/napi-v6/<os>/<arch>/…
      if (top === 'script' || src.endsWith('.map')) return false;
      return top !== 'bin' || ((os === undefined || os === 'linux') && (arch === undefined || arch === process.arch));
    },
  });
  await cp(join(modules, 'onnxruntime-common'), join(out, 'node_modules/onnxruntime-common'), { recursive: true });
  for (const file of ['entrypoint.mjs', 'healthcheck.mjs']) await cp(join(root, 'infra/container', file), join(out, file));
  // Named and versioned as the package it was built from, so that `edgeserve --version` can tell.
  const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  await writeFile(join(out, 'package.json'), `${JSON.stringify({ name: 'edgeserve', version, private: true, type: 'module' })}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [out, root] = process.argv.slice(2);
  if (!out) {
    console.error('usage: node bundle.mjs OUT [ROOT]');
    process.exit(2);
  }
  await mkdir(out, { recursive: true });
  await bundleApp(resolve(out), root ? resolve(root) : undefined);
}
