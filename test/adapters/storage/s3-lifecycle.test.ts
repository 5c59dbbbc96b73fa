// The model lifecycle against a real S3 server on 127.0.0.1: the conformance suite served from a
// bucket, hot updates found by lazy refresh, broken uploads that never replace a good version,
// outages, single-flight cold loads, labels moved in config, the memory budget, warmup.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeServer } from '../../../adapters/node/server.ts';
import { call, defineConformanceSuite } from '../../conformance/cases.ts';
import { CountingStore, exampleRepository, startTestServer } from '../../helpers.ts';
import { startS3, type TestS3 } from '../../s3-server.ts';

let s3: TestS3;
let repo: string;
let halfPlusTwo: Uint8Array;
beforeAll(async () => {
  s3 = await startS3();
  repo = await exampleRepository();
  await s3.upload(repo, 'repo');
  halfPlusTwo = new Uint8Array(await readFile(join(repo, 'half_plus_two/2/model.onnx')));
});
afterAll(() => s3.stop());

const fetchFrom = (server: NodeServer) => (path: string, init?: RequestInit) => fetch(server.url + path, init);
const predict = (server: NodeServer, path: string, body = '{"instances":[1.0]}') =>
  call(fetchFrom(server), 'POST', `${path}:predict`, body);

/** Polls until `check` holds (each poll is a request, which is what drives a lazy refresh). */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('served from S3', () => {
  let server: NodeServer;
  beforeAll(async () => {
    server = await startTestServer({ store: s3.store('repo') });
  });
  afterAll(() => server.close());
  defineConformanceSuite('Node server, models in S3', () => fetchFrom(server));
});

describe('hot updates from a bucket', () => {
  it('a new version is served after the refresh interval, with no failed request during the swap', async () => {
    await s3.upload(join(repo, 'half_plus_two'), 'hot/half_plus_two');
    const server = await startTestServer({ store: s3.store('hot'), refreshIntervalMs: 100 });
    try {
      expect((await predict(server, '/v1/models/half_plus_two')).headers.get('x-model-version')).toBe('2');
      await s3.put('hot/half_plus_two/3/model.onnx', halfPlusTwo);
      const statuses: number[] = [];
      await eventually(async () => {
        const r = await predict(server, '/v1/models/half_plus_two');
        statuses.push(r.status);
        return r.headers.get('x-model-version') === '3';
      }, 'version 3');
      expect(statuses.every((s) => s === 200)).toBe(true);
      // Version 2 unloads once 3 is AVAILABLE (latest policy, one version).
      await eventually(async () => {
        const status = (await call(fetchFrom(server), 'GET', '/v1/models/half_plus_two')).json.model_version_status;
        return status.find((v: { version: string }) => v.version === '2')?.state === 'END';
      }, 'version 2 to unload');
      expect((await predict(server, '/v1/models/half_plus_two/versions/2')).status).toBe(404);

      // A corrupt upload of version 4: reported, never served; 3 keeps serving.
      await s3.put('hot/half_plus_two/4/model.onnx', 'not a model');
      await eventually(async () => {
        const status = (await call(fetchFrom(server), 'GET', '/v1/models/half_plus_two')).json.model_version_status;
        return status[0].version === '4' && status[0].state === 'END';
      }, 'version 4 to fail');
      const status = (await call(fetchFrom(server), 'GET', '/v1/models/half_plus_two')).json.model_version_status;
      expect(status[0].status.error_code).toBe('DATA_LOSS');
      expect(status.find((v: { version: string }) => v.version === '3').state).toBe('AVAILABLE');
      expect((await predict(server, '/v1/models/half_plus_two')).headers.get('x-model-version')).toBe('3');

      // Re-uploading good bytes (a new ETag) retries at once, and 4 takes over.
      await s3.put('hot/half_plus_two/4/model.onnx', halfPlusTwo);
      await eventually(async () => (await predict(server, '/v1/models/half_plus_two')).headers.get('x-model-version') === '4', 'fixed version 4');

      // Removing every version unloads them all (TF Serving: nothing aspired, nothing loaded).
      for (const v of [2, 3, 4]) await s3.remove(`hot/half_plus_two/${v}/model.onnx`);
      await s3.remove('hot/half_plus_two/1/model.onnx');
      await eventually(async () => (await predict(server, '/v1/models/half_plus_two')).status === 404, 'all versions gone');
    } finally {
      await server.close();
    }
  });

  it('a truncated upload fails its manifest check and is never served', async () => {
    const prefix = 'manifest';
    await s3.put(`${prefix}/half_plus_two/1/model.onnx`, halfPlusTwo);
    const sha256 = createHash('sha256').update(halfPlusTwo).digest('hex');
    await s3.put(`${prefix}/half_plus_two/2/manifest.json`, JSON.stringify({ files: { 'model.onnx': { sha256, size: halfPlusTwo.length } } }));
    await s3.put(`${prefix}/half_plus_two/2/model.onnx`, halfPlusTwo.subarray(0, halfPlusTwo.length - 10));
    const server = await startTestServer({ store: s3.store(prefix), config: { models: [{ name: 'half_plus_two', basePath: 'half_plus_two', versionPolicy: { kind: 'all' }, versionLabels: new Map() }] } });
    try {
      const status = (await call(fetchFrom(server), 'GET', '/v1/models/half_plus_two')).json.model_version_status;
      expect(status[0]).toMatchObject({ version: '2', state: 'END', status: { error_code: 'DATA_LOSS' } });
      expect(status[0].status.error_message).toBe(
        `half_plus_two/2/model.onnx has ${halfPlusTwo.length - 10} bytes, manifest.json says ${halfPlusTwo.length}`,
      );
      expect((await predict(server, '/v1/models/half_plus_two')).headers.get('x-model-version')).toBe('1');
    } finally {
      await server.close();
    }
  });

  it('a label moved in the bucket config is followed after refresh; a bad config keeps the last good one', async () => {
    const prefix = 'labels';
    await s3.upload(join(repo, 'half_plus_two'), `${prefix}/half_plus_two`);
    const config = (stable: number) =>
      JSON.stringify({ models: [{ name: 'half_plus_two', model_version_policy: { all: {} }, version_labels: { stable } }] });
    await s3.put(`${prefix}/models.config.json`, config(1));
    const server = await startTestServer({ store: s3.store(prefix), refreshIntervalMs: 100 });
    try {
      expect((await predict(server, '/v1/models/half_plus_two/labels/stable')).headers.get('x-model-version')).toBe('1');
      await s3.put(`${prefix}/models.config.json`, config(2));
      await eventually(async () => (await predict(server, '/v1/models/half_plus_two/labels/stable')).headers.get('x-model-version') === '2', 'label to move');
      await s3.put(`${prefix}/models.config.json`, '{"models": [{"name": 7}]}');
      await new Promise((r) => setTimeout(r, 250));
      await predict(server, '/v1/models/half_plus_two'); // triggers the refresh that reads the bad config
      await new Promise((r) => setTimeout(r, 100));
      expect((await predict(server, '/v1/models/half_plus_two/labels/stable')).headers.get('x-model-version')).toBe('2');
    } finally {
      await server.close();
    }
  });
});

describe('storage faults', () => {
  it('unreachable: loaded models keep serving, a cold load answers 503', async () => {
    const own = await startS3();
    await own.upload(repo, 'repo');
    const server = await startTestServer({ store: own.store('repo', 1000), preload: false, refreshIntervalMs: 50 });
    try {
      expect((await predict(server, '/v1/models/half_plus_two')).status).toBe(200);
      await own.stop();
      await new Promise((r) => setTimeout(r, 100));
      for (let i = 0; i < 3; i++) expect((await predict(server, '/v1/models/half_plus_two')).status).toBe(200);
      const cold = await predict(server, '/v1/models/two_io', '{"instances":[{"a":[1.0,2.0],"b":1}]}');
      expect(cold.status).toBe(503);
      expect(cold.json.error).toMatch(/^Model storage is unavailable \(error id [0-9a-f]{8}\)$/); // no bucket or key for the client
    } finally {
      await server.close();
    }
  });

  it('slow: a store that never answers times out into 503, and the process stays healthy', async () => {
    // A TCP server that accepts and never replies: the slowest possible S3.
    const sockets: import('node:net').Socket[] = [];
    const silent: Server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as import('node:net').AddressInfo;
    const { S3Store } = await import('../../../adapters/storage/s3.ts');
    const store = new S3Store({
      bucket: 'models', timeoutMs: 300,
      client: { endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 },
    });
    const server = await startTestServer({ store, preload: false });
    try {
      const started = Date.now();
      const r = await predict(server, '/v1/models/half_plus_two');
      expect(r.status).toBe(503);
      expect(r.json.error).toMatch(/^Model storage is unavailable \(error id [0-9a-f]{8}\)$/);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await server.close();
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });
});

describe('loading', () => {
  it('50 concurrent cold requests: one GET of the model object, one session', async () => {
    const store = new CountingStore(s3.store('repo'));
    const server = await startTestServer({ store, preload: false });
    try {
      const results = await Promise.all(Array.from({ length: 50 }, () => predict(server, '/v1/models/half_plus_two')));
      expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
      expect(store.gets.get('half_plus_two/2/model.onnx')).toBe(1);
      expect(store.lists).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('an unchanged bucket costs one listing per refresh interval, whatever the traffic', async () => {
    const store = new CountingStore(s3.store('repo'));
    const server = await startTestServer({ store, preload: false, refreshIntervalMs: 200 });
    try {
      await predict(server, '/v1/models/half_plus_two');
      const before = store.requests;
      const started = Date.now();
      while (Date.now() - started < 1000) await predict(server, '/v1/models/half_plus_two');
      const intervals = Math.ceil((Date.now() - started) / 200) + 1;
      const spent = store.requests - before;
      expect(store.gets.get('models.config.json')).toBe(1); // read once, then known unchanged by ETag
      expect(spent).toBeGreaterThan(0);
      expect(spent).toBeLessThanOrEqual(intervals);
    } finally {
      await server.close();
    }
  });

  it('the memory budget unloads the least recently used version, which reloads on demand', async () => {
    const sizes = Object.fromEntries(
      await Promise.all(['mnist', 'mnist_fp16', 'mnist_int8'].map(async (m) => [m, (await readFile(join(repo, m, '1/model.onnx'))).length] as const)),
    );
    const budget = sizes.mnist! + sizes.mnist_int8! + 1000; // two fit, three do not
    const server = await startTestServer({ store: s3.store('repo'), preload: false, memoryBudgetBytes: budget });
    const image = JSON.stringify({ instances: [Array(784).fill(0.5)] });
    const state = async (m: string) => (await call(fetchFrom(server), 'GET', `/v1/models/${m}`)).json.model_version_status[0].state;
    try {
      for (const m of ['mnist', 'mnist_int8', 'mnist_fp16']) {
        expect((await predict(server, `/v1/models/${m}`, image)).status).toBe(200);
        expect(server.manager.residentBytes()).toBeLessThanOrEqual(budget);
      }
      await eventually(async () => (await state('mnist')) === 'START', 'mnist to be evicted');
      expect(await state('mnist_int8')).toBe('AVAILABLE');
      expect((await predict(server, '/v1/models/mnist', image)).status).toBe(200);
      expect(await state('mnist')).toBe('AVAILABLE');
      expect(server.manager.residentBytes()).toBeLessThanOrEqual(budget);
      // A model larger than the whole budget is refused with RESOURCE_EXHAUSTED, and nothing else is lost.
      const tiny = await startTestServer({ store: s3.store('repo'), preload: false, memoryBudgetBytes: 1000 });
      try {
        expect((await predict(tiny, '/v1/models/half_plus_two')).status).toBe(200);
        const big = await call(fetchFrom(tiny), 'GET', '/v1/models/mnist');
        expect(big.json.model_version_status[0].state).toBe('START');
        await predict(tiny, '/v1/models/mnist', image);
        const after = (await call(fetchFrom(tiny), 'GET', '/v1/models/mnist')).json.model_version_status[0];
        expect(after).toMatchObject({ state: 'END', status: { error_code: 'RESOURCE_EXHAUSTED' } });
        expect((await predict(tiny, '/v1/models/half_plus_two')).status).toBe(200);
      } finally {
        await tiny.close();
      }
    } finally {
      await server.close();
    }
  });

  it('warmup records run before a version is AVAILABLE; a failing one fails the load', async () => {
    const prefix = 'warm';
    await s3.put(`${prefix}/half_plus_two/1/model.onnx`, halfPlusTwo);
    await s3.put(`${prefix}/half_plus_two/1/assets.extra/warmup.json`, '{"instances": [1.0, 2.0]}\n{"inputs": [3.0]}\n');
    await s3.put(`${prefix}/two_io/1/model.onnx`, new Uint8Array(await readFile(join(repo, 'two_io/1/model.onnx'))));
    await s3.put(`${prefix}/two_io/1/assets.extra/warmup.json`, '[{"instances": [{"a": [1.0, 2.0], "b": 1.5}]}]');
    const store = new CountingStore(s3.store(prefix));
    const server = await startTestServer({ store, preload: false });
    try {
      // The scheduled entry: nothing requested yet, both models warmed (or failed) by warmup().
      const result = await server.warmup();
      expect(result.get('half_plus_two')).toEqual([{ version: 1, state: 'AVAILABLE', errorCode: 'OK', errorMessage: '' }]);
      const twoIo = result.get('two_io')![0]!;
      expect(twoIo).toMatchObject({ state: 'END', errorCode: 'INVALID_ARGUMENT' });
      expect(twoIo.errorMessage).toMatch(/^Warmup record 0 from two_io\/1\/assets\.extra\/warmup\.json failed: Failed to process element: 0 key: b/);
      expect(store.gets.get('half_plus_two/1/assets.extra/warmup.json')).toBe(1);
      const gets = store.gets.get('half_plus_two/1/model.onnx');
      expect((await predict(server, '/v1/models/half_plus_two')).status).toBe(200);
      expect(store.gets.get('half_plus_two/1/model.onnx')).toBe(gets); // already warm: no load on request
    } finally {
      await server.close();
    }
  });
});

describe('S3 over fetch (the store Workers use)', () => {
  it('lists, reads conditionally, and reports outages', async () => {
    const { S3FetchStore } = await import('../../../functions/storage/s3-fetch.ts');
    const options = { bucket: 'models', prefix: 'repo', endpoint: s3.endpoint, forcePathStyle: true, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
    const store = new S3FetchStore(options);
    const sdk = s3.store('repo');
    const byKey = (xs: { key: string }[]) => [...xs].sort((a, b) => a.key.localeCompare(b.key));
    expect(byKey(await store.list('half_plus_two/'))).toEqual(byKey(await sdk.list('half_plus_two/')));
    const got = await store.get('half_plus_two/2/model.onnx');
    if (got === undefined || typeof got === 'symbol') throw new Error('expected the object');
    expect(got.bytes).toEqual(halfPlusTwo);
    const { NOT_MODIFIED } = await import('../../../functions/storage/model-store.ts');
    expect(await store.get('half_plus_two/2/model.onnx', got.etag)).toBe(NOT_MODIFIED);
    expect(await store.get('half_plus_two/9/model.onnx')).toBeUndefined();
    // The listing carries what a HEAD would: the object's ETag and size, without its bytes.
    expect((await store.list('half_plus_two/2/')).find((o) => o.key === 'half_plus_two/2/model.onnx')).toEqual({ key: 'half_plus_two/2/model.onnx', etag: got.etag, size: halfPlusTwo.length });
    expect('head' in store).toBe(false); // the port has no head: nothing in serving used it
    const down = new S3FetchStore({ ...options, endpoint: 'http://127.0.0.1:9' });
    await expect(down.list('')).rejects.toThrow(/^Cannot list \/ in s3:\/\/models\/repo\/: /);
  });
});
