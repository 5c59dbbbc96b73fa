// ServableHandles and what they guarantee, on the fakes (test/support): a version swap under
// batched traffic fails nothing, the memory budget never evicts a version a request holds, an
// unload waits for the last handle, shadows run under the deadline, routing stats go with their
// arms, and a version past 2^53 keeps its digits.
import { describe, expect, it } from 'vitest';
import { createEdgeserve, type EdgeserveOptions } from '../../functions/app.ts';
import type { RestRequest } from '../../functions/http/exchange.ts';
import { silentLogger } from '../../functions/util/log.ts';
import { FakeBackend, fakeModel, writeFakeRepository } from '../support/fake-backend.ts';
import { MemoryStore } from '../support/memory-store.ts';

function request(method: string, pathAndQuery: string, body = '', headers: Record<string, string> = {}): RestRequest {
  const bytes = new TextEncoder().encode(body);
  return { method, pathAndQuery, header: (n) => headers[n] ?? null, readBody: async () => bytes };
}

function setup(store: MemoryStore, backend: FakeBackend, options: Partial<EdgeserveOptions> = {}) {
  const es = createEdgeserve({ store, backend, logger: silentLogger, refreshIntervalMs: 0, ...options });
  const predict = async (model: string, x: number, headers: Record<string, string> = {}) => {
    const r = await es.handle(request('POST', `/v1/models/${model}:predict`, `{"instances": [${x}]}`, headers));
    return { status: r.status, version: r.headers['x-model-version'], arm: r.headers['x-edgeserve-arm'], body: r.body ?? '' };
  };
  return { es, predict };
}

const batching = { max_batch_size: 64, batch_timeout_micros: 20_000, max_enqueued_batches: 100, num_batch_threads: 1 };

describe('servable handles', () => {
  it('batched traffic across a version swap: zero failed requests', async () => {
    const store = new MemoryStore();
    writeFakeRepository(store, { m: { 1: {} } });
    store.put('models.config.json', JSON.stringify({ models: [{ name: 'm', batching_parameters: batching }] }));
    const backend = new FakeBackend({ runDelayMs: 2 });
    const { es, predict } = setup(store, backend);
    await es.warmup();
    const results: Promise<Awaited<ReturnType<typeof predict>>>[] = [];
    for (let i = 0; i < 40; i++) results.push(predict('m', i)); // all queued in one 20 ms batch
    writeFakeRepository(store, { m: { 2: {} } });
    await Promise.all(await es.manager.refresh()); // 2 loads, becomes AVAILABLE, 1 unloads while its batch waits
    for (let i = 0; i < 40; i++) results.push(predict('m', i));
    const done = await Promise.all(results);
    expect(done.filter((r) => r.status !== 200)).toEqual([]);
    expect(new Set(done.map((r) => r.version))).toEqual(new Set(['1', '2']));
    await new Promise((r) => setTimeout(r, 10));
    expect((await es.manager.status('m')).map((s) => `${s.version}:${s.state}`)).toEqual(['2:AVAILABLE', '1:END']);
    expect(backend.sessionsLive).toBe(1);
  });

  it('a memory budget holding 2 of 10 models, 8 clients round-robin: every request served', async () => {
    const store = new MemoryStore();
    const models = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`m${i}`, { 1: {} }]));
    writeFakeRepository(store, models);
    const size = fakeModel().byteLength;
    const backend = new FakeBackend({ runDelayMs: 1 });
    const { es, predict } = setup(store, backend, { memoryBudgetBytes: Math.floor(size * 2.5) });
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async (_, client) => {
        for (let i = 0; i < 25; i++) statuses.push((await predict(`m${(client + i) % 10}`, i)).status);
      }),
    );
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(statuses).toHaveLength(200);
    expect(es.manager.residentBytes()).toBeLessThanOrEqual(Math.floor(size * 2.5));
  });

  it('an unload waits until the last handle is released', async () => {
    const store = new MemoryStore();
    writeFakeRepository(store, { m: { 1: {} } });
    const backend = new FakeBackend();
    const { es } = setup(store, backend);
    const handle = await es.manager.acquire('m', { kind: 'latest' });
    writeFakeRepository(store, { m: { 2: {} } });
    await Promise.all(await es.manager.refresh());
    await new Promise((r) => setTimeout(r, 10));
    expect((await es.manager.status('m')).map((s) => `${s.version}:${s.state}`)).toEqual(['2:AVAILABLE', '1:UNLOADING']);
    expect(backend.sessionsLive).toBe(2);
    const out = await handle.servable.run(new Map([['x', { dtype: 'float32', dims: [1], data: new Float32Array([7]) }]]));
    expect(Array.from(out.get('y')!.data as Float32Array)).toEqual([7]);
    handle.release();
    handle.release(); // idempotent
    await new Promise((r) => setTimeout(r, 10));
    expect((await es.manager.status('m')).map((s) => `${s.version}:${s.state}`)).toEqual(['2:AVAILABLE', '1:END']);
    expect(backend.sessionsLive).toBe(1);
  });

  it('a shadow whose run hangs is cut off by the deadline and counted as a disagreement', async () => {
    const store = new MemoryStore();
    writeFakeRepository(store, { m: { 1: {}, 2: { behaviour: 'hang' } } });
    const routing = {
      arms: [{ name: 'stable', version: 1, weight: 100 }, { name: 'canary', version: 2, weight: 0 }],
      shadow: { arm: 'canary', sample: 1 },
    };
    store.put('models.config.json', JSON.stringify({ models: [{ name: 'm', model_version_policy: { all: {} }, routing }] }));
    const backend = new FakeBackend();
    const { es, predict } = setup(store, backend, { timeoutMs: 50, routingAdmin: true });
    await es.warmup();
    expect(await predict('m', 1)).toMatchObject({ status: 200, version: '1', arm: 'stable' });
    await new Promise((r) => setTimeout(r, 150));
    const report = JSON.parse((await es.handle(request('GET', '/edgeserve/routing'))).body!);
    expect(report.m.arms.find((a: { name: string }) => a.name === 'canary').shadow).toMatchObject({ compared: 1, agreed: 0 });
    backend.resume();
  });

  it('routing stats go when routing is removed from the config, and with an arm that left it', async () => {
    const store = new MemoryStore();
    writeFakeRepository(store, { m: { 1: {}, 2: {} } });
    const config = (arms: object[]) => JSON.stringify({ models: [{ name: 'm', model_version_policy: { all: {} }, ...(arms.length ? { routing: { arms } } : {}) }] });
    store.put('models.config.json', config([{ name: 'a', version: 1, weight: 50 }, { name: 'b', version: 2, weight: 50 }]));
    const { es, predict } = setup(store, new FakeBackend(), { routingAdmin: true, metricsPath: '/metrics' });
    const routingReport = async () => JSON.parse((await es.handle(request('GET', '/edgeserve/routing'))).body!);
    for (let i = 0; i < 10; i++) await predict('m', i);
    expect((await routingReport()).m.arms.map((a: { name: string }) => a.name)).toEqual(['a', 'b']);
    store.put('models.config.json', config([{ name: 'a', version: 1, weight: 100 }]));
    await es.manager.refresh();
    expect((await routingReport()).m.arms.map((a: { name: string }) => a.name)).toEqual(['a']);
    store.put('models.config.json', config([]));
    await es.manager.refresh();
    expect(await routingReport()).toEqual({});
    expect((await es.handle(request('GET', '/metrics'))).body).not.toContain(':edgeserve:router');
  });

  it('a version past 2^53 in a URL keeps its digits', async () => {
    const store = new MemoryStore();
    writeFakeRepository(store, { m: { 1: {} } });
    const { es } = setup(store, new FakeBackend());
    const status = await es.handle(request('GET', '/v1/models/m/versions/9007199254740993'));
    expect(status.status).toBe(404);
    expect(JSON.parse(status.body!)).toEqual({ error: 'Could not find version 9007199254740993 of model m' });
    const predicted = await es.handle(request('POST', '/v1/models/m/versions/9007199254740993:predict', '{"instances": [1]}'));
    expect(JSON.parse(predicted.body!)).toEqual({ error: 'Servable not found for request: Specific(m, 9007199254740993)' });
  });
});
