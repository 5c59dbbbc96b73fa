// The Worker inside workerd, models in R2: the same conformance suite as every adapter, plus the
// scheduled warm-up, hot updates through R2, the edge cache, and a cold load shared by requests.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ocrInput, ocrRecognizer } from '../../../bench/large-models.ts';
import { pythonColumnar } from '../../../bench/stats.ts';
import { call, defineConformanceSuite } from '../../conformance/cases.ts';
import { exampleRepository } from '../../helpers.ts';
import { startWorker, type TestWorker } from '../../workers-runtime.ts';

let worker: TestWorker;
beforeAll(async () => {
  worker = await startWorker({ EDGESERVE_CACHE_MODELS: 'half_plus_two' });
  await worker.scheduled(); // deployed with its cron: versions are warm, as the suite expects
}, 120_000);
afterAll(() => worker?.dispose());

defineConformanceSuite('Cloudflare Worker in workerd, models in R2', () => (path, init) => worker.fetch(path, init));

describe('Worker lifecycle', () => {
  it('the cron warm-up loads models before any request', async () => {
    const fresh = await startWorker({ EDGESERVE_WARMUP_MODELS: 'mnist' });
    try {
      const before = await call(fresh.fetch, 'GET', '/v1/models/mnist');
      expect(before.json.model_version_status[0].state).toBe('START');
      await fresh.scheduled();
      const after = await call(fresh.fetch, 'GET', '/v1/models/mnist');
      expect(after.json.model_version_status[0].state).toBe('AVAILABLE');
      expect((await call(fresh.fetch, 'GET', '/v1/models/mnist_int8')).json.model_version_status[0].state).toBe('START');
    } finally {
      await fresh.dispose();
    }
  }, 60_000);

  it('concurrent cold requests share one load; a new version put into R2 is served after refresh', async () => {
    const fresh = await startWorker({ EDGESERVE_POLL_SECONDS: '1' });
    try {
      const body = JSON.stringify({ instances: [Array(784).fill(0.25)] });
      const cold = await Promise.all(Array.from({ length: 10 }, () => call(fresh.fetch, 'POST', '/v1/models/mnist:predict', body)));
      expect(cold.map((r) => r.status)).toEqual(Array(10).fill(200));
      const scores = cold.map((r) => JSON.stringify(r.json.predictions));
      expect(new Set(scores).size).toBe(1);
      const bytes = new Uint8Array(await readFile(join(await exampleRepository(), 'mnist/1/model.onnx')));
      await fresh.put('mnist/2/model.onnx', bytes);
      const deadline = Date.now() + 10_000;
      let version: string | null = null;
      while (Date.now() < deadline && version !== '2') {
        await new Promise((r) => setTimeout(r, 200));
        version = (await call(fresh.fetch, 'POST', '/v1/models/mnist:predict', body)).headers.get('x-model-version');
      }
      expect(version).toBe('2');
    } finally {
      await fresh.dispose();
    }
  }, 60_000);

  it('answers identical predictions from the edge cache, keyed by version, when enabled for the model', async () => {
    const body = '{"instances": [1.0, 2.0, 3.0]}';
    const first = await call(worker.fetch, 'POST', '/v1/models/half_plus_two:predict', body);
    expect(first.headers.get('x-edgeserve-cache')).toBe('miss');
    let second = first;
    for (let i = 0; i < 20 && second.headers.get('x-edgeserve-cache') !== 'hit'; i++) {
      await new Promise((r) => setTimeout(r, 50)); // the put runs in waitUntil
      second = await call(worker.fetch, 'POST', '/v1/models/half_plus_two:predict', body);
    }
    expect(second.headers.get('x-edgeserve-cache')).toBe('hit');
    expect(second.text).toBe(first.text);
    expect(second.headers.get('x-model-version')).toBe('2');
    const other = await call(worker.fetch, 'POST', '/v1/models/half_plus_two:predict', '{"instances": [4.0]}');
    expect(other.headers.get('x-edgeserve-cache')).toBe('miss');
    const notCached = await call(worker.fetch, 'POST', '/v1/models/two_io:predict', '{"instances":[{"a":[1.0,2.0],"b":1}]}');
    expect(notCached.headers.get('x-edgeserve-cache')).toBeNull();
  });

  it("answers an OCR recogniser's 2×40×6625 float32 output (16.1 MiB in TF Serving's format) with the default limits", async () => {
    // The answer is over 16 MiB: the Workers default of --max_response_bytes must take it.
    const fresh = await startWorker({}, { upload: false });
    try {
      await fresh.put('ocr_recognizer/1/model.onnx', new Uint8Array(ocrRecognizer())); // a copy: miniflare takes whole buffers only
      const { data, dims } = ocrInput(2);
      const res = await fresh.fetch('/v1/models/ocr_recognizer:predict', { method: 'POST', body: pythonColumnar(data, dims) });
      const text = await res.text();
      expect(res.status).toBe(200);
      expect(text.length).toBeGreaterThan(16 * 1024 * 1024);
      const outputs = (JSON.parse(text) as { outputs: number[][][] }).outputs;
      expect([outputs.length, outputs[0]!.length, outputs[0]![0]!.length]).toEqual([2, 40, 6625]);
      expect(outputs[1]![39]!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3); // a softmax row
    } finally {
      await fresh.dispose();
    }
  }, 60_000);

  it('holds the memory budget: the least recently used model unloads and reloads on demand', async () => {
    const repo = await exampleRepository();
    const size = async (m: string) => (await readFile(join(repo, m, '1/model.onnx'))).length;
    // What onnxruntime-web holds for a model, as the budget counts it: 4× the file (or the heap's growth, when larger).
    const budget = 4 * ((await size('mnist')) + (await size('mnist_int8'))) + 1000;
    const fresh = await startWorker({ EDGESERVE_MEMORY_BUDGET_BYTES: String(budget) });
    const state = async (m: string) => (await call(fresh.fetch, 'GET', `/v1/models/${m}`)).json.model_version_status[0].state;
    try {
      const body = JSON.stringify({ instances: [Array(784).fill(0.5)] });
      for (const m of ['mnist', 'mnist_int8', 'mnist_fp16']) {
        expect((await call(fresh.fetch, 'POST', `/v1/models/${m}:predict`, body)).status).toBe(200);
      }
      expect(await state('mnist')).toBe('START'); // evicted: least recently used
      expect(await state('mnist_int8')).toBe('AVAILABLE');
      expect(await state('mnist_fp16')).toBe('AVAILABLE');
      expect((await call(fresh.fetch, 'POST', '/v1/models/mnist:predict', body)).status).toBe(200);
      expect(await state('mnist')).toBe('AVAILABLE');
      expect(await state('mnist_int8')).toBe('START');
    } finally {
      await fresh.dispose();
    }
  }, 60_000);
});

describe('Worker with models in an S3 bucket elsewhere', () => {
  it('serves from S3 over signed fetch', async () => {
    const { startS3 } = await import('../../s3-server.ts');
    const s3 = await startS3();
    await s3.upload(await exampleRepository(), 'repo');
    const fresh = await startWorker(
      { EDGESERVE_MODEL_BASE_PATH: 's3://models/repo', S3_ENDPOINT: s3.endpoint, S3_FORCE_PATH_STYLE: '1', AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' },
      { upload: false, bindR2: false },
    );
    try {
      const r = await call(fresh.fetch, 'POST', '/v1/models/half_plus_two/labels/stable:predict', '{"instances":[1.0]}');
      expect(r).toMatchObject({ status: 200, json: { predictions: [2.5] } });
    } finally {
      await fresh.dispose();
      await s3.stop();
    }
  }, 60_000);
});

describe('Worker request logs', () => {
  it('prints one JSON line per request, without the payload', async () => {
    const messages: string[] = [];
    const fresh = await startWorker({}, { onLog: (m) => void messages.push(m) });
    try {
      await call(fresh.fetch, 'POST', '/v1/models/half_plus_two:predict', '{"instances": [7.123456]}');
      await call(fresh.fetch, 'POST', '/v1/models/nope:predict', '{"instances": [1.0]}');
      await new Promise((r) => setTimeout(r, 200)); // logs arrive asynchronously
      const records = messages.flatMap((m) => m.split('\n')).filter((l) => l.includes('"event":"request"')).map((l) => JSON.parse(l.slice(l.indexOf('{'))) as Record<string, unknown>);
      expect(records.map((r) => [r.model, r.status, r.http_status])).toEqual([['half_plus_two', 'OK', 200], ['nope', 'NOT_FOUND', 404]]);
      expect(records[0]).toMatchObject({ cold_start: true, version: 2 });
      expect(messages.join('\n')).not.toContain('7.123456'); // 6 decimals: no timestamp (…:57.254Z) can contain it
    } finally {
      await fresh.dispose();
    }
  }, 60_000);
});

describe('Worker authentication', () => {
  it('with EDGESERVE_AUTH_CONFIG, workerd answers 401 without a key, 403 outside its models, 200 with it; the edge cache too', async () => {
    const auth = { api_keys: [{ name: 'web', key: 'worker-key-0123456789', scopes: ['predict'], models: ['half_plus_two'] }] };
    const fresh = await startWorker({ EDGESERVE_AUTH_CONFIG: JSON.stringify(auth), EDGESERVE_CACHE_MODELS: 'half_plus_two' });
    try {
      const body = '{"instances": [1.0]}';
      const none = await call(fresh.fetch, 'POST', '/v1/models/half_plus_two:predict', body);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="edgeserve"');
      const key = { authorization: 'Bearer worker-key-0123456789' };
      expect((await call(fresh.fetch, 'POST', '/v1/models/half_plus_two:predict', body, key)).status).toBe(200);
      const cached = await call(fresh.fetch, 'POST', '/v1/models/half_plus_two:predict', body, key);
      expect(cached.status).toBe(200);
      // A cached answer is not served to a caller without the key.
      expect((await call(fresh.fetch, 'POST', '/v1/models/half_plus_two:predict', body)).status).toBe(401);
      expect((await call(fresh.fetch, 'POST', '/v1/models/mnist:predict', '{"instances": [[0]]}', key)).status).toBe(403);
    } finally {
      await fresh.dispose();
    }
  }, 60_000);
});

describe('Worker memory budget', () => {
  it('counts what onnxruntime-web holds for a model (its WASM memory, 4× the file at least), not the file', async () => {
    const fileBytes = (await readFile(join(await exampleRepository(), 'mnist/1/model.onnx'))).byteLength;
    const messages: string[] = [];
    const fresh = await startWorker({}, { onLog: (m) => void messages.push(m) });
    try {
      const body = JSON.stringify({ instances: [Array(784).fill(0.25)] });
      expect((await call(fresh.fetch, 'POST', '/v1/models/mnist:predict', body)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 200)); // logs arrive asynchronously
      const loaded = messages.flatMap((m) => m.split('\n')).filter((l) => l.includes('"event":"version_loaded"'))
        .map((l) => JSON.parse(l.slice(l.indexOf('{'))) as { model: string; bytes: number });
      // mnist fits in the heap ort starts with, so the estimate is what is counted.
      expect(loaded.find((r) => r.model === 'mnist')!.bytes).toBe(4 * fileBytes);
    } finally {
      await fresh.dispose();
    }
  }, 60_000);

  it("refuses a model whose estimated WASM memory cannot fit, naming the sizes, and keeps serving", async () => {
    const fileBytes = (await readFile(join(await exampleRepository(), 'mnist/1/model.onnx'))).byteLength;
    const fresh = await startWorker({ EDGESERVE_MEMORY_BUDGET_BYTES: String(2 * fileBytes) });
    try {
      const body = JSON.stringify({ instances: [Array(784).fill(0.25)] });
      const refused = await call(fresh.fetch, 'POST', '/v1/models/mnist:predict', body);
      expect(refused.status).toBe(429);
      expect(refused.json.error).toBe(
        `Version 1 of model mnist needs ${4 * fileBytes} bytes (onnxruntime-web's WASM memory, estimated at 4× the file: its file is ${fileBytes} bytes), more than the memory budget of ${2 * fileBytes} bytes`,
      );
      expect((await call(fresh.fetch, 'POST', '/v1/models/half_plus_two:predict', '{"instances": [1.0]}')).status).toBe(200);
    } finally {
      await fresh.dispose();
    }
  }, 60_000);
});
