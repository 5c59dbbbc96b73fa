// `npm run build`: the package's built output, what `npm start`, `npx edgeserve` and users who
// embed edgeserve run (README, "Install and run in production"):
//   dist/functions, dist/adapters   the sources compiled by tsc (tsconfig.build.json): JavaScript
//                                   plus .d.ts types, one module per source file
//   dist/bin/edgeserve.js           the `edgeserve` executable (package.json's bin)
// then, unless --no-models, the example model repository in ./models when it is missing: building
// it needs the devDependencies (onnx-proto, mnist: 64 MB), which a production install leaves out,
// so a production `npm start` serves what ./models holds. dist/workers and dist/lambda (the
// deployable bundles of build:workers and build:lambda) are left alone.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFAULT_OUT, repositoryComplete, writeExampleRepository } from './build-example-models.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
/** What tsc writes (from tsconfig.build.json's include) and the bin shim: removed before each build, so no output of a deleted source survives. */
const OUTPUTS = ['functions', 'adapters', 'bin'];
export interface PackageJson {
  bin: Record<string, string>;
  exports: Record<string, string | Record<string, string>>;
  types: string;
  main: string;
}

/**
 * Compiles into `dist` (default: the repository's dist/; tests build into a scratch package whose
 * root is dist's parent and holds a copy of package.json) and checks what package.json promises.
 */
export async function buildPackage(dist = DIST, log: (line: string) => void = console.log): Promise<void> {
  for (const out of OUTPUTS) await rm(join(dist, out), { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const compiled = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', dist], { cwd: ROOT, stdio: 'inherit' });
  if (compiled.status !== 0) throw new Error(`tsc -p tsconfig.build.json failed (exit status ${compiled.status ?? compiled.signal})`);
  await rewriteDeclarationSpecifiers(dist);
  const bin = join(dist, 'bin', 'edgeserve.js');

  // The sources' executable has no #! line (tsx runs it as it is); npm links bins as files to execute.
  await mkdir(dirname(bin), { recursive: true });
  await writeFile(bin, "#!/usr/bin/env node\n// The edgeserve executable (package.json's bin): the compiled adapters/node/main.ts.\nimport '../adapters/node/main.js';\n");
  await chmod(bin, 0o755);

  // Every path package.json promises must exist, or the package installs and fails on import.
  const root = dirname(dist);
  const missing = promisedFiles(JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as PackageJson).filter((p) => !existsSync(join(root, p)));
  if (missing.length > 0) throw new Error(`package.json names files the build did not write: ${missing.join(', ')}`);
  log(`${relative(process.cwd(), dist)}: the package's JavaScript and types; bin ${relative(process.cwd(), bin)}`);
}

/** The files package.json's main, types, bin and exports name, relative to the package root. */
export function promisedFiles(pkg: PackageJson): string[] {
  const exported = Object.values(pkg.exports).flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e)));
  return [...new Set([pkg.main, pkg.types, ...Object.values(pkg.bin), ...exported].map((p) => p.replace(/^\.\//, '')))];
}

/**
 * tsc rewrites `./x.ts` to `./x.js` in the JavaScript (rewriteRelativeImportExtensions) but not in
 * the .d.ts files, where a consumer's TypeScript would look for a `.ts` file that is not shipped
 * and refuse the extension without allowImportingTsExtensions: rewrite them the same way.
 */
async function rewriteDeclarationSpecifiers(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
    const path = join(entry.parentPath, entry.name);
    const text = await readFile(path, 'utf8');
    const rewritten = text.replace(/((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]*?)\.ts(['"])/g, '$1$2.js$3');
    if (rewritten !== text) await writeFile(path, rewritten);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--no-models');
  if (unknown.length > 0) {
    console.error(`build-package.ts: unknown argument ${unknown[0]}; usage: build-package.ts [--no-models]`);
    process.exit(2);
  }
  try {
    await buildPackage();
    if (!args.includes('--no-models') && !repositoryComplete(DEFAULT_OUT)) {
      console.log(`building the example models into ${relative(process.cwd(), DEFAULT_OUT)}/ (a production install cannot: it has no onnx-proto or mnist)`);
      await writeExampleRepository(DEFAULT_OUT, (line) => console.log(`  ${line}`));
    }
  } catch (err) {
    console.error(`build-package.ts: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
