// The container without Docker (no engine runs on this project's machines): the entrypoint's
// arguments and environment, the health check against real servers on 127.0.0.1 (ready, not
// ready, unreachable), the image's /app assembled by infra/container/bundle.mjs and started through
// its entrypoint on a repository without half_plus_two, and the Dockerfile's COPY sources against
// the build context that .dockerignore leaves.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleApp } from '../../infra/container/bundle.mjs';
import { containerCommand } from '../../infra/container/entrypoint.mjs';
import { probe, serverUrl } from '../../infra/container/healthcheck.mjs';
import { OPTIONS } from '../../functions/options/option-table.ts';
import { exampleRepository } from '../helpers.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const CONTAINER = join(ROOT, 'infra/container');

describe('the entrypoint (TF Serving image defaults, the caller winning)', () => {
  const defaults = ['--rest_api_port=8501', '--host=0.0.0.0'];

  it('with nothing set: TF Serving\'s MODEL_NAME=model, MODEL_BASE_PATH=/models, port 8501 on every address', () => {
    expect(containerCommand([], {})).toEqual({ argv: defaults, env: { MODEL_NAME: 'model', MODEL_BASE_PATH: '/models' } });
  });

  it('keeps what the caller set and fills in only the rest', () => {
    expect(containerCommand([], { MODEL_NAME: 'mnist' })).toEqual({ argv: defaults, env: { MODEL_BASE_PATH: '/models' } });
    expect(containerCommand([], { MODEL_BASE_PATH: 's3://bucket/path/' })).toEqual({ argv: defaults, env: { MODEL_NAME: 'model' } });
    expect(containerCommand([], { MODEL_NAME: 'my_model', MODEL_BASE_PATH: 's3://bucket/path/' })).toEqual({ argv: defaults, env: {} });
    // An empty variable is unset, as ${MODEL_NAME:-model} in TF Serving's shell entrypoint.
    expect(containerCommand([], { MODEL_NAME: '' }).env).toEqual({ MODEL_NAME: 'model', MODEL_BASE_PATH: '/models' });
  });

  it('sets no model defaults where the caller named a repository another way', () => {
    for (const argv of [['--model_config_file=/config/models.config'], ['--model_config_file', '/c'], ['--model_base_path=/models/x', '--model_name=x'], ['--model_base_path', 's3://b/p']]) {
      expect(containerCommand(argv, {})).toEqual({ argv: [...defaults, ...argv], env: {} });
    }
    expect(containerCommand([], { EDGESERVE_MODEL_BASE_PATH: '/models' }).env).toEqual({});
    expect(containerCommand([], { EDGESERVE_MODEL_CONFIG: 'model_config_list {}' }).env).toEqual({});
  });

  it('leaves the port and address to the caller\'s flags or variables', () => {
    expect(containerCommand(['--rest_api_port=9000'], { MODEL_NAME: 'm', MODEL_BASE_PATH: '/m' }).argv).toEqual(['--host=0.0.0.0', '--rest_api_port=9000']);
    expect(containerCommand(['--rest_api_port', '9000', '--host', '::'], { MODEL_NAME: 'm', MODEL_BASE_PATH: '/m' }).argv).toEqual(['--rest_api_port', '9000', '--host', '::']);
    expect(containerCommand([], { EDGESERVE_PORT: '9000', EDGESERVE_HOST: '10.0.0.1', MODEL_NAME: 'm', MODEL_BASE_PATH: '/m' }).argv).toEqual([]);
  });

  it('keeps `serve` first and passes other commands, --help and --version through unchanged', () => {
    expect(containerCommand(['serve', '--enable_batching'], { MODEL_NAME: 'm', MODEL_BASE_PATH: '/m' }).argv).toEqual(['serve', ...defaults, '--enable_batching']);
    for (const argv of [['index', '/models'], ['--help'], ['-h'], ['--version'], ['serve', '--help']]) {
      expect(containerCommand(argv, {})).toEqual({ argv, env: {} });
    }
  });
});

describe('the health check\'s address', () => {
  it('follows the server\'s command line, then its variables, then 127.0.0.1:8501', () => {
    expect(serverUrl({})).toBe('http://127.0.0.1:8501');
    expect(serverUrl({ EDGESERVE_PORT: '9000' })).toBe('http://127.0.0.1:9000');
    expect(serverUrl({ EDGESERVE_PORT: '9000' }, ['node', '/app/entrypoint.mjs', '--rest_api_port=9100'])).toBe('http://127.0.0.1:9100');
    expect(serverUrl({}, ['node', '/app/entrypoint.mjs', '--rest_api_port', '9100', '--rest_api_port', '9200'])).toBe('http://127.0.0.1:9200');
    expect(serverUrl({ EDGESERVE_HOST: '0.0.0.0' })).toBe('http://127.0.0.1:8501');
    expect(serverUrl({}, ['--host', '::'])).toBe('http://127.0.0.1:8501');
    expect(serverUrl({ EDGESERVE_HOST: '10.1.2.3' })).toBe('http://10.1.2.3:8501');
    expect(serverUrl({ EDGESERVE_HOST: 'fd00::1' })).toBe('http://[fd00::1]:8501');
  });
});

/** A repository with models but no half_plus_two (the old health check's hard-wired model). */
async function repositoryWithout(dir: string, extra: Record<string, string> = {}): Promise<string> {
  const repo = await exampleRepository();
  for (const model of ['mnist', 'two_io']) await cp(join(repo, model), join(dir, model), { recursive: true });
  for (const [path, text] of Object.entries(extra)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

interface Running { url: string; stdout: () => string; stop: () => Promise<number | null> }

/** Starts the assembled /app through its entrypoint, as the image's ENTRYPOINT does. */
function startApp(app: string, argv: string[], env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, [join(app, 'entrypoint.mjs'), ...argv], { cwd: app, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((done) => child.on('close', done));
  return new Promise((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`no server_listening within 30 s:\n${out}`)), 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.includes('"server_listening"'));
      if (!line) return;
      clearTimeout(timer);
      ready({ url: (JSON.parse(line) as { url: string }).url, stdout: () => out, stop: () => (child.kill('SIGTERM'), exited) });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => void (out += chunk));
    void exited.then((code) => fail(new Error(`exited ${code} before listening:\n${out}`)));
  });
}

/** The variables the Dockerfile's final stage sets (its ENV lines). */
async function imageEnv(): Promise<Record<string, string>> {
  const dockerfile = (await readFile(join(CONTAINER, 'Dockerfile'), 'utf8')).replace(/\\\n/g, ' ');
  const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const env: Record<string, string> = {};
  for (const line of finalStage.split('\n').filter((l) => l.startsWith('ENV '))) {
    for (const [, name, value] of line.slice(4).matchAll(/(\w+)=(\S+)/g)) env[name!] = value!;
  }
  return env;
}

/** The health check script as Docker runs it; resolves with its exit status and output. */
function healthcheck(script: string, args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, [script, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 10_000 });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('the image\'s /app (bundle.mjs) started through its entrypoint', () => {
  let scratch: string;
  let app: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'edgeserve-container-'));
    app = join(scratch, 'app');
    await bundleApp(app, ROOT);
  }, 120_000);
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it('holds the bundle, the health check, the entrypoint and this platform\'s onnxruntime-node only', async () => {
    for (const file of ['index.mjs', 'entrypoint.mjs', 'healthcheck.mjs', 'package.json', 'ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs', 'node_modules/onnxruntime-common/package.json']) {
      expect(existsSync(join(app, file)), file).toBe(true);
    }
    const bin = join(app, 'node_modules/onnxruntime-node/bin/napi-v6');
    expect(existsSync(join(bin, `linux/${process.arch}`))).toBe(true);
    expect(existsSync(join(bin, 'darwin')) || existsSync(join(bin, 'win32'))).toBe(false);
    const version = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')).version;
    expect(JSON.parse(await readFile(join(app, 'package.json'), 'utf8'))).toEqual({ name: 'edgeserve', version, private: true, type: 'module' });
    // So the image can say which edgeserve it is (before: "version unknown").
    const run = spawnSync(process.execPath, [join(app, 'entrypoint.mjs'), '--version'], { cwd: app, encoding: 'utf8', timeout: 10_000 });
    expect(run.stdout).toContain(`edgeserve ${version}`);
  });

  it('serves a repository without half_plus_two; the health check passes once it is ready', async () => {
    const repo = await repositoryWithout(join(scratch, 'repo'));
    // The image's own variables (providers webgpu,cuda,cpu: none but the CPU starts here), the caller's on top.
    const server = await startApp(app, ['--rest_api_port=0', '--host', '127.0.0.1'], { ...(await imageEnv()), EDGESERVE_MODEL_BASE_PATH: repo });
    try {
      let check = healthcheck(join(app, 'healthcheck.mjs'), [server.url]);
      for (let i = 0; check.code !== 0 && i < 50; i++) {
        await new Promise((r) => setTimeout(r, 200));
        check = healthcheck(join(app, 'healthcheck.mjs'), [server.url]);
      }
      expect(check).toMatchObject({ code: 0 });
      expect(check.output).toMatch(/^ready: /);
      expect(check.output).toContain('mnist');
      // Without a URL: the port from EDGESERVE_PORT, as in a container whose variables set it.
      expect(healthcheck(join(app, 'healthcheck.mjs'), [], { EDGESERVE_PORT: new URL(server.url).port }).code).toBe(0);
      const live = await fetch(`${server.url}/edgeserve/live`);
      expect(live.status).toBe(200);
      const res = await fetch(`${server.url}/v1/models/two_io:predict`, { method: 'POST', body: '{"instances": [{"a": [1.0, 2.0], "b": 3}]}' });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ predictions: [{ sum: 6 }] });
      const metrics = await fetch(`${server.url}/monitoring/prometheus/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain(':tensorflow:serving:request_count');
      expect(server.stdout()).toMatch(/"event":"version_loaded"[^\n]*"model":"mnist"/);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, 60_000);

  // TF Serving's image form: only MODEL_NAME and MODEL_BASE_PATH (issue 12's single-model mode,
  // from the command line's side; run once the option table reads those variables).
  const singleModelMode = (OPTIONS as readonly { env?: string }[]).some((o) => o.env === 'MODEL_NAME');
  it.skipIf(!singleModelMode)('serves ${MODEL_BASE_PATH}/${MODEL_NAME} given only TF Serving\'s variables', async () => {
    const base = await repositoryWithout(join(scratch, 'tfs-base'));
    const server = await startApp(app, ['--rest_api_port=0', '--host=127.0.0.1'], { ...(await imageEnv()), MODEL_NAME: 'two_io', MODEL_BASE_PATH: base });
    try {
      const res = await fetch(`${server.url}/v1/models/two_io:predict`, { method: 'POST', body: '{"instances": [{"a": [1.0, 2.0], "b": 3}]}' });
      expect(res.status).toBe(200);
      expect((await fetch(`${server.url}/v1/models/mnist`)).status).toBe(404); // one model, not the folder's others
      expect(healthcheck(join(app, 'healthcheck.mjs'), [server.url]).code).toBe(0);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, 60_000);

  it('the health check fails while a model the config names has no AVAILABLE version', async () => {
    const repo = await repositoryWithout(join(scratch, 'repo-broken'), { 'broken/1/model.onnx': 'not an onnx model' });
    const config = join(scratch, 'models.config');
    await writeFile(config, `model_config_list {\n  config { name: 'mnist' base_path: 'mnist' model_platform: 'onnx' }\n  config { name: 'broken' base_path: 'broken' model_platform: 'onnx' }\n}\n`);
    const server = await startApp(app, ['--rest_api_port=0', '--host=127.0.0.1', '--model_base_path', repo, '--model_config_file', config, '--max_num_load_retries', '0'], { EDGESERVE_EXECUTION_PROVIDERS: 'cpu' });
    try {
      let check = healthcheck(join(app, 'healthcheck.mjs'), [server.url]);
      for (let i = 0; !check.output.includes('broken') || !check.output.includes('END'); i++) {
        if (i > 50) break;
        await new Promise((r) => setTimeout(r, 200));
        check = healthcheck(join(app, 'healthcheck.mjs'), [server.url]);
      }
      expect(check.code).toBe(1);
      expect(check.output).toMatch(/^not ready \(HTTP 503\): /);
      expect(check.output).toContain('"broken": [ "1:END" ]');
      // Liveness is not readiness: the process is up.
      expect((await fetch(`${server.url}/edgeserve/live`)).status).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, 60_000);

  it('the health check fails when nothing listens', async () => {
    const port = await new Promise<number>((done) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => done(port));
      });
    });
    const check = healthcheck(join(CONTAINER, 'healthcheck.mjs'), [`http://127.0.0.1:${port}`]);
    expect(check.code).toBe(1);
    expect(check.output).toMatch(/^unreachable: http:\/\/127\.0\.0\.1:\d+\/edgeserve\/ready: .*ECONNREFUSED/);
    expect(await probe(`http://127.0.0.1:${port}`)).toMatchObject({ code: 1 });
  });
});

/** .dockerignore's patterns as regular expressions over context-relative paths (Docker's syntax, the subset used). */
function dockerignore(text: string): (path: string) => boolean {
  const patterns = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  expect(patterns.filter((p) => p.startsWith('!')), 'no exceptions: this matcher does not implement them').toEqual([]);
  const res = patterns.map((p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\//g, '\0').replace(/\*/g, '[^/]*').replace(/\0/g, '(.*/)?')}(/.*)?$`));
  return (path) => res.some((re) => re.test(path));
}

describe('the Dockerfile and its build context', () => {
  it('COPYs only paths that exist and that .dockerignore keeps; ignores what is built or local', async () => {
    const dockerfile = await readFile(join(CONTAINER, 'Dockerfile'), 'utf8');
    const ignored = dockerignore(await readFile(join(ROOT, '.dockerignore'), 'utf8'));
    const copies = dockerfile.split('\n').filter((l) => /^COPY\s/.test(l) && !l.includes('--from='));
    expect(copies.length).toBeGreaterThan(3);
    for (const line of copies) {
      const sources = line.split(/\s+/).slice(1, -1).filter((w) => !w.startsWith('--'));
      for (const source of sources) {
        expect(existsSync(join(ROOT, source)), `${source} exists`).toBe(true);
        expect(ignored(source), `${source} is in the build context`).toBe(false);
      }
    }
    for (const path of ['node_modules', 'node_modules/hono/package.json', 'adapters/node/node_modules', 'models', 'models/mnist/1/model.onnx', 'dist', 'dist/lambda.zip', '.wrangler/state/v3/r2/x', '.ric', '.git', '.git/HEAD', 'test/helpers.ts']) {
      expect(ignored(path), path).toBe(true);
    }
    for (const path of ['package.json', 'package-lock.json', '.npmrc', 'functions/app.ts', 'adapters/node/main.ts', 'infra/container/bundle.mjs']) {
      expect(ignored(path), path).toBe(false);
    }
  });

  it('builds with the runtime dependencies and esbuild only, runs as a numeric non-root user, checks /edgeserve/ready', async () => {
    const dockerfile = await readFile(join(CONTAINER, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).not.toMatch(/npm ci(?! --omit=dev)/);
    expect(dockerfile).toMatch(/npm install --prefix \/tools[^\n]*\n?[^\n]*"esbuild@/);
    expect(dockerfile).toMatch(/^USER 1000:1000$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*"node", "\/app\/healthcheck\.mjs"\]$/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "\/app\/entrypoint\.mjs"\]$/m);
    expect(dockerfile).not.toContain('EDGESERVE_HEALTH_MODEL');
    // The esbuild version the build stage asks for is the lockfile's.
    const lock = JSON.parse(await readFile(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
    expect(lock.packages['node_modules/esbuild']?.version).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
