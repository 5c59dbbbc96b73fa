// The Node server with real models on real HTTP: failures that must stay contained, limits,
// CORS, lazy single-flight loading, and the two inference backends agreeing.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeServer } from '../../../adapters/node/server.ts';
import { FileSystemStore } from '../../../adapters/storage/fs.ts';
import { toHalfBits } from '../../../functions/tensor/float16.ts';
import { allDtypesInputs, call } from '../../conformance/cases.ts';
import { argmax, mnistSamples } from '../../fixtures/example-models.ts';
import { CountingStore, exampleRepository, FlakyStore, scratchRepository, startTestServer } from '../../helpers.ts';

const fetchFrom = (server: NodeServer) => (path: string, init?: RequestInit) => fetch(server.url + path, init);

describe('a broken model version never takes down the others', () => {
  let server: NodeServer;
  let repo: Awaited<ReturnType<typeof scratchRepository>>;
  beforeAll(async () => {
    repo = await scratchRepository();
    await mkdir(join(repo.dir, 'garbage/1'), { recursive: true });
    await writeFile(join(repo.dir, 'garbage/1/model.onnx'), 'this is not an onnx model');
    const mnist = await readFile(join(repo.dir, 'mnist/1/model.onnx'));
    await mkdir(join(repo.dir, 'truncated/3'), { recursive: true });
    await writeFile(join(repo.dir, 'truncated/3/model.onnx'), mnist.subarray(0, mnist.length >> 1));
    await mkdir(join(repo.dir, 'empty_model/1'), { recursive: true });
    await writeFile(join(repo.dir, 'empty_model/1/README.txt'), 'the model file was never uploaded');
    server = await startTestServer({ root: repo.dir });
  });
  afterAll(async () => {
    await server.close();
    await repo.remove();
  });

  it('reports END with the load error in status and 404 on predict', async () => {
    const f = fetchFrom(server);
    for (const [model, version] of [['garbage', '1'], ['truncated', '3']] as const) {
      const status = await call(f, 'GET', `/v1/models/${model}`);
      expect(status.status).toBe(200);
      const [entry] = status.json.model_version_status;
      expect(entry).toMatchObject({ version, state: 'END', status: { error_code: 'DATA_LOSS' } });
      expect(entry.status.error_message).toContain(`Failed to load ONNX model ${model}/${version}/model.onnx`);
      expect(await call(f, 'POST', `/v1/models/${model}:predict`, '{"instances":[1.0]}')).toMatchObject({
        status: 404, json: { error: `Servable not found for request: Latest(${model})` },
      });
    }
    const missing = await call(f, 'GET', '/v1/models/empty_model');
    expect(missing.json.model_version_status[0]).toMatchObject({ state: 'END', status: { error_code: 'NOT_FOUND' } });
    expect(await call(f, 'POST', '/v1/models/half_plus_two:predict', '{"instances":[1.0]}')).toMatchObject({
      status: 200, json: { predictions: [2.5] },
    });
  });
});

describe('request limits, gzip and CORS', () => {
  let server: NodeServer;
  beforeAll(async () => {
    server = await startTestServer({ maxBodyBytes: 1000, cors: true });
  });
  afterAll(() => server.close());

  it('answers 413 with a JSON error for bodies over the limit, declared or streamed', async () => {
    const big = `{"instances":[${'1.0,'.repeat(400)}1.0]}`;
    const declared = await call(fetchFrom(server), 'POST', '/v1/models/half_plus_two:predict', big);
    expect(declared).toMatchObject({ status: 413, json: { error: 'Request body is larger than the limit of 1000 bytes' } });
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const chunked = await fetch(`${server.url}/v1/models/half_plus_two:predict`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    expect(chunked.status).toBe(413);
    // A gzip bomb: tiny on the wire, over the limit once inflated.
    const bomb = gzipSync(`{"instances":[${'0.0,'.repeat(100_000)}0.0]}`);
    expect(bomb.length).toBeLessThan(1000);
    const inflated = await call(fetchFrom(server), 'POST', '/v1/models/half_plus_two:predict', bomb, { 'Content-Encoding': 'gzip' });
    expect(inflated.status).toBe(413);
    const corrupt = await call(fetchFrom(server), 'POST', '/v1/models/half_plus_two:predict', 'not gzip at all', { 'Content-Encoding': 'gzip' });
    expect(corrupt).toMatchObject({ status: 400, json: { error: 'JSON Parse error: The document is empty' } });
  });

  it('adds CORS headers when enabled and answers preflights as TF Serving does', async () => {
    const r = await fetch(`${server.url}/v1/models/half_plus_two`);
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(r.headers.get('access-control-allow-methods')).toBe('POST, GET');
    expect(r.headers.get('access-control-allow-headers')).toBe('Content-Type');
    const ok = await fetch(`${server.url}/v1/models/half_plus_two:predict`, { method: 'OPTIONS', headers: { Origin: 'https://a.b' } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('');
    expect(ok.headers.get('access-control-allow-origin')).toBe('*');
    const bad = await fetch(`${server.url}/v1/models/half_plus_two:predict`, { method: 'OPTIONS' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toBe('');
  });
});

describe('lazy loading', () => {
  it('50 concurrent cold requests share one read and one session', async () => {
    const store = new CountingStore(new FileSystemStore(await exampleRepository()));
    const server = await startTestServer({ store, preload: false });
    try {
      const f = fetchFrom(server);
      const cold = await call(f, 'GET', '/v1/models/mnist');
      expect(cold.json.model_version_status[0].state).toBe('START');
      const body = JSON.stringify({ instances: [Array.from(mnistSamples(1).images[0]!)] });
      const results = await Promise.all(Array.from({ length: 50 }, () => call(f, 'POST', '/v1/models/mnist:predict', body)));
      expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
      expect(store.gets.get('mnist/1/model.onnx')).toBe(1);
      expect((await call(f, 'GET', '/v1/models/mnist')).json.model_version_status[0].state).toBe('AVAILABLE');
    } finally {
      await server.close();
    }
  });

  it('a storage outage: loaded models keep serving, a cold load answers 503', async () => {
    const store = new FlakyStore(new FileSystemStore(await exampleRepository()));
    const logged: Record<string, unknown>[] = [];
    const logger = { log: (_l: string, event: string, fields?: Record<string, unknown>) => void (event === 'storage_unavailable' && logged.push(fields!)) };
    const server = await startTestServer({ store, preload: false, loadRetryIntervalMs: 0, logger });
    try {
      const f = fetchFrom(server);
      expect((await call(f, 'POST', '/v1/models/half_plus_two:predict', '{"instances":[1.0]}')).status).toBe(200);
      store.down = true;
      expect((await call(f, 'POST', '/v1/models/half_plus_two:predict', '{"instances":[1.0]}')).status).toBe(200);
      const cold = await call(f, 'POST', '/v1/models/two_io:predict', '{"instances":[{"a":[1.0,2.0],"b":1}]}');
      expect(cold.status).toBe(503);
      // No storage details for the client (they are in the storage_unavailable log line with the same id).
      expect(cold.json.error).toMatch(/^Model storage is unavailable \(error id [0-9a-f]{8}\)$/);
      const id = /error id ([0-9a-f]{8})/.exec(cold.json.error)![1];
      expect(logged).toContainEqual({ error_id: id, error: 'connection refused (simulated outage)' });
      store.down = false;
      // The outage was not remembered as "no such model".
      expect((await call(f, 'POST', '/v1/models/two_io:predict', '{"instances":[{"a":[1.0,2.0],"b":1}]}')).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('inference backends', () => {
  const servers: Record<string, NodeServer> = {};
  beforeAll(async () => {
    servers['ort-node'] = await startTestServer({ backendName: 'ort-node' });
    servers['ort-web'] = await startTestServer({ backendName: 'ort-web' });
  });
  afterAll(async () => {
    for (const s of Object.values(servers)) await s.close();
  });

  it('ort-node and ort-web agree on the classifier in fp32, fp16 and int8, and classify real digits', async () => {
    const { images, labels } = mnistSamples(64);
    for (const model of ['mnist', 'mnist_fp16', 'mnist_int8']) {
      const body = JSON.stringify({ instances: images.map((img) => Array.from(img)) });
      const [a, b] = await Promise.all(
        Object.values(servers).map((s) => call(fetchFrom(s), 'POST', `/v1/models/${model}:predict`, body)),
      );
      expect(a!.status, model).toBe(200);
      const scoresA = a!.json.predictions as number[][];
      const scoresB = b!.json.predictions as number[][];
      expect(scoresA).toHaveLength(64);
      const tolerance = model === 'mnist_fp16' ? 2e-3 : 1e-5;
      scoresA.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - scoresB[i]![j]!)).toBeLessThan(tolerance)));
      const correct = scoresA.filter((row, i) => argmax(row) === labels[i]).length;
      expect(correct / 64, model).toBeGreaterThan(0.85);
    }
  });

  it('every dtype round-trips through JSON, float16 as numbers', async () => {
    for (const server of Object.values(servers)) {
      const inputs = allDtypesInputs({ f16: [0.5, 65504, 1e-4], i8: [300], u64: ['@u64'], i64: ['@i64'] });
      const body = JSON.stringify({ inputs })
        .replace('["@u64"]', '[18446744073709551615]')
        .replace('["@i64"]', '[-9223372036854775808]');
      const r = await call(fetchFrom(server), 'POST', '/v1/models/all_dtypes:predict', body);
      expect(r.status).toBe(200);
      const o = r.json.outputs;
      expect(o.f32_out).toEqual([1.5]);
      expect(o.f64_out).toEqual([2.25]);
      // Written with float32 rules: each number reads back as the very same half.
      expect((o.f16_out as number[]).map(toHalfBits)).toEqual([0.5, 65504, 1e-4].map(toHalfBits));
      expect(o.f16_out[0]).toBe(0.5);
      expect(o.i8_out).toEqual([44]); // 300 truncated like TF Serving's C cast
      expect(o.i16_out).toEqual([-16]);
      expect(o.i64_out).toEqual(['-9223372036854775808']);
      expect(o.u64_out).toEqual(['18446744073709551615']);
      expect(o.b_out).toEqual([true]);
      expect(o.s_out).toEqual(['text']);
      expect(o.s_out_bytes).toEqual([{ b64: btoa('text') }]);
    }
  });

  it('a run past the deadline answers 504', async () => {
    const server = await startTestServer({ timeoutMs: 1 });
    try {
      const { images } = mnistSamples(1);
      const body = JSON.stringify({ instances: Array.from({ length: 4000 }, () => Array.from(images[0]!)) });
      const r = await call(fetchFrom(server), 'POST', '/v1/models/mnist:predict', body);
      expect(r).toMatchObject({ status: 504, json: { error: 'Deadline Exceeded' } });
    } finally {
      await server.close();
    }
  });
});
