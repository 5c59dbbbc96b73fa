// The package as a user gets it: `npm run build`'s output (scripts/build-package.ts) in a scratch
// package root, used from a scratch project that depends on it as `edgeserve`: what `npm pack`
// would ship, the `edgeserve` bin serving the example repository, the exports imported by plain
// Node (embedding in a Node program and in a Lambda handler), bundled into a consumer's own Worker
// and run in workerd, and type-checked by a consumer's TypeScript with skipLibCheck off.
// (.ci/run adds the real thing: a clean clone, `npm ci --omit=dev`, `npm start`.)
import { spawn, spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSystemStore } from '../../adapters/storage/fs.ts';
import { buildPackage, promisedFiles, type PackageJson } from '../../scripts/build-package.ts';
import { WRANGLER_LIKE } from '../../scripts/build-workers.ts';
import { exampleRepository } from '../helpers.ts';
import { httpEvent } from '../lambda-events.ts';

const ROOT = resolve(import.meta.dirname, '../..');

let scratch: string;
let pkg: string; // the package root: package.json, README.md, dist/
let consumer: string; // a project with node_modules/edgeserve → pkg
let repo: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'edgeserve-package-'));
  pkg = join(scratch, 'edgeserve');
  consumer = join(scratch, 'consumer');
  await mkdir(pkg, { recursive: true });
  for (const file of ['package.json', 'README.md']) await cp(join(ROOT, file), join(pkg, file));
  // The package's dependencies, as an install would put them beside it.
  await symlink(join(ROOT, 'node_modules'), join(pkg, 'node_modules'), 'dir');
  await buildPackage(join(pkg, 'dist'), () => {});
  await mkdir(join(consumer, 'node_modules/@types'), { recursive: true });
  await symlink(pkg, join(consumer, 'node_modules/edgeserve'), 'dir');
  await symlink(join(ROOT, 'node_modules/@types/node'), join(consumer, 'node_modules/@types/node'), 'dir');
  await writeFile(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { edgeserve: '*' } }));
  repo = await exampleRepository();
}, 120_000);
afterAll(() => (scratch ? rm(scratch, { recursive: true, force: true }) : undefined));

/** Runs a consumer's ES module with plain Node; resolves with its output. */
function runConsumer(source: string, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', source], { cwd: consumer, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('npm pack', () => {
  it('ships the compiled JavaScript, its types and the bin, and nothing else', async () => {
    const npm = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: pkg, encoding: 'utf8', shell: process.platform === 'win32' });
    expect(npm.status, npm.stderr).toBe(0);
    const [packed] = JSON.parse(npm.stdout) as [{ files: { path: string }[]; unpackedSize: number }];
    const files = packed.files.map((f) => f.path);
    const unexpected = files.filter((f) => !/^(package\.json|README\.md|dist\/(functions|adapters)\/.+\.(js|d\.ts)|dist\/bin\/edgeserve\.js)$/.test(f));
    expect(unexpected).toEqual([]);
    const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as PackageJson;
    for (const promised of promisedFiles(manifest).filter((p) => p !== 'package.json')) expect(files, promised).toContain(promised);
    expect(files.some((f) => f.startsWith('dist/adapters/workers/'))).toBe(true);
    expect(packed.unpackedSize).toBeLessThan(5 * 1024 * 1024);
  }, 60_000);

  it('declares what a registry and npx need', async () => {
    const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as PackageJson & Record<string, unknown>;
    expect(manifest.private).toBeUndefined();
    expect(manifest.bin).toEqual({ edgeserve: 'dist/bin/edgeserve.js' });
    expect(manifest.engines).toEqual({ node: expect.stringMatching(/^>=/) });
    for (const [entry, target] of Object.entries(manifest.exports)) {
      if (entry === './package.json') continue;
      expect(Object.keys(target as object), entry).toEqual(['types', 'default']); // types first, as TypeScript reads conditions in order
    }
    // Every runtime import of the compiled code is a dependency, never a devDependency.
    const dependencies = Object.keys(manifest.dependencies as object);
    const imported = new Set<string>();
    for (const { key } of await new FileSystemStore(join(pkg, 'dist')).list('')) {
      if (!key.endsWith('.js')) continue;
      // The compiler's own scan: static imports, re-exports and import() with a literal.
      for (const { fileName } of ts.preProcessFile(await readFile(join(pkg, 'dist', key), 'utf8'), true, true).importedFiles) {
        if (fileName.startsWith('.') || fileName.startsWith('node:')) continue;
        imported.add(fileName.split('/').slice(0, fileName.startsWith('@') ? 2 : 1).join('/'));
      }
    }
    expect([...imported].filter((name) => !dependencies.includes(name)), 'imports outside dependencies').toEqual([]);
    expect([...imported].sort()).toEqual(expect.arrayContaining(['@aws-sdk/client-s3', 'hono', 'onnxruntime-node', 'onnxruntime-web']));
  });
});

describe('the edgeserve bin', () => {
  it('serves the example repository until SIGTERM', async () => {
    const child = spawn(join(pkg, 'dist/bin/edgeserve.js'), ['--model_base_path', repo, '--rest_api_port', '0'], { cwd: consumer, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stderr.on('data', (c: Buffer) => void (out += c));
    const exited = new Promise<number | null>((done) => child.on('close', done));
    const url = await new Promise<string>((done, fail) => {
      child.stdout.on('data', (c: Buffer) => {
        out += c;
        const line = out.split('\n').find((l) => l.includes('"server_listening"'));
        if (line) done((JSON.parse(line) as { url: string }).url);
      });
      void exited.then((code) => fail(new Error(`exited ${code}:\n${out}`)));
    });
    try {
      expect((await fetch(`${url}/edgeserve/ready`)).status).toBe(200);
      const res = await fetch(`${url}/v1/models/half_plus_two:predict`, { method: 'POST', body: '{"instances": [1.0, 2.0, 5.0]}' });
      expect(await res.json()).toEqual({ predictions: [2.5, 3.0, 4.5] });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 60_000);

  it('prints its help and exits 0', () => {
    const run = spawnSync(join(pkg, 'dist/bin/edgeserve.js'), ['--help'], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('--model_base_path');
  });
});

describe('embedding the package', () => {
  it('in a Node program: createEdgeserve (edgeserve) over a store and backend from edgeserve/node', () => {
    const run = runConsumer(`
      import { createEdgeserve } from 'edgeserve';
      import { createNodeBackend, storeFromUrl, startNodeServer, main } from 'edgeserve/node';
      import pkg from 'edgeserve/package.json' with { type: 'json' };
      const edgeserve = createEdgeserve({ store: storeFromUrl(process.env.REPO), backend: await createNodeBackend('ort-node') });
      const res = await edgeserve.app.fetch(new Request('http://localhost/v1/models/half_plus_two:predict', { method: 'POST', body: '{"instances": [1.0]}' }));
      console.log(JSON.stringify({ status: res.status, body: await res.json(), name: pkg.name, fns: [typeof startNodeServer, typeof main] }));
    `, { REPO: repo });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toEqual({ status: 200, body: { predictions: [2.5] }, name: 'edgeserve', fns: ['function', 'function'] });
  }, 60_000);

  it('in a Lambda function: edgeserve/lambda\'s handler answers an API Gateway event', async () => {
    const event = await httpEvent('apigw-v2', '/v1/models/half_plus_two:predict', { method: 'POST', body: '{"instances": [5.0]}' });
    const run = runConsumer(`
      import { handler } from 'edgeserve/lambda';
      const result = await handler(JSON.parse(process.env.EVENT), { functionName: 'consumer', awsRequestId: 'r1', getRemainingTimeInMillis: () => 30000 });
      console.log(JSON.stringify(result));
    `, { EVENT: JSON.stringify(event), EDGESERVE_MODEL_BASE_PATH: repo, EDGESERVE_LOG_REQUESTS: '0' });
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ predictions: [4.5] });
  }, 60_000);

  it('in a Worker of one\'s own: edgeserve/workers bundled as wrangler does and run in workerd', async () => {
    await writeFile(join(consumer, 'worker.js'), "// A user's Worker: edgeserve is its fetch and scheduled handlers.\nexport { default } from 'edgeserve/workers';\n");
    const out = join(scratch, 'worker-dist');
    await build({ ...WRANGLER_LIKE, entryPoints: [join(consumer, 'worker.js')], outdir: out, logLevel: 'warning' });
    const mf = new Miniflare({
      modules: [{ type: 'ESModule', path: join(out, 'index.mjs') }, { type: 'CompiledWasm', path: join(out, 'ort-wasm-simd-threaded.wasm') }],
      modulesRoot: out,
      compatibilityDate: '2026-04-01',
      r2Buckets: ['MODELS'],
      bindings: { EDGESERVE_LOG_REQUESTS: '0' },
      handleStructuredLogs: () => {},
    });
    try {
      const bucket = (await mf.getR2Bucket('MODELS')) as unknown as { put(key: string, value: Uint8Array): Promise<unknown> };
      for (const key of ['half_plus_two/1/model.onnx', 'half_plus_two/2/model.onnx', 'models.config.json']) {
        await bucket.put(key, new Uint8Array(await readFile(join(repo, key))));
      }
      const res = await mf.dispatchFetch('http://edgeserve.test/v1/models/half_plus_two:predict', { method: 'POST', body: '{"instances": [2.0]}' });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ predictions: [3.0] });
    } finally {
      await mf.dispose();
    }
  }, 120_000);

  it('type-checks in a consumer\'s TypeScript (NodeNext, strict, skipLibCheck off)', async () => {
    await writeFile(join(consumer, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'], lib: ['ES2023', 'DOM'] },
      include: ['use.ts'],
    }));
    await writeFile(join(consumer, 'use.ts'), `
      import { createEdgeserve, type Edgeserve, type EdgeserveOptions } from 'edgeserve';
      import { startNodeServer, createNodeBackend, storeFromUrl, type NodeServer } from 'edgeserve/node';
      import worker, { type Env } from 'edgeserve/workers';
      import { handler } from 'edgeserve/lambda';
      export async function serve(options: Omit<EdgeserveOptions, 'backend' | 'store'>): Promise<Edgeserve> {
        return createEdgeserve({ ...options, store: storeFromUrl('models'), backend: await createNodeBackend('ort-node') });
      }
      export const entries: [typeof startNodeServer, typeof worker, typeof handler] = [startNodeServer, worker, handler];
      export type Types = [NodeServer, Env];
      // @ts-expect-error: the types are real, not any
      export const wrong: Edgeserve = 1;
    `);
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', consumer], { cwd: consumer, encoding: 'utf8', timeout: 60_000 });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 60_000);
});
