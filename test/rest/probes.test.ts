// The container's probes: liveness always, readiness once every model serves a version.
import { describe, expect, it } from 'vitest';
import { createEdgeserve } from '../../functions/app.ts';
import { parseRepositoryConfig } from '../../functions/config/model-config.ts';
import type { RestRequest } from '../../functions/http/exchange.ts';
import { silentLogger } from '../../functions/util/log.ts';
import { FakeBackend, writeFakeRepository } from '../support/fake-backend.ts';
import { MemoryStore } from '../support/memory-store.ts';

const get = (pathAndQuery: string): RestRequest => ({ method: 'GET', pathAndQuery, header: () => null, readBody: async () => new Uint8Array() });

describe('probes', () => {
  it('ready only once every configured model has an AVAILABLE version; live all along', async () => {
    const store = new MemoryStore();
    writeFakeRepository(store, { a: { 1: {} }, b: { 1: { behaviour: 'corrupt' } } });
    const config = parseRepositoryConfig('{"models": [{"name": "a"}, {"name": "b"}]}', 'c.json');
    const es = createEdgeserve({ store, backend: new FakeBackend(), logger: silentLogger, config });
    expect((await es.handle(get('/edgeserve/live'))).status).toBe(200);
    expect((await es.handle(get('/edgeserve/ready'))).status).toBe(503); // not even listed yet
    await es.warmup();
    const r = await es.handle(get('/edgeserve/ready'));
    expect(r.status).toBe(503); // b never loads
    expect(JSON.parse(r.body!)).toEqual({ ready: false, models: { a: ['1:AVAILABLE'], b: ['1:END'] } });
    writeFakeRepository(store, { b: { 2: {} } });
    await es.warmup();
    expect((await es.handle(get('/edgeserve/ready'))).status).toBe(200);
  });

  it('without a config, ready after the first warm-up even when one folder holds a broken model', async () => {
    const store = new MemoryStore();
    writeFakeRepository(store, { a: { 1: {} }, broken: { 1: { behaviour: 'corrupt' } } });
    const es = createEdgeserve({ store, backend: new FakeBackend(), logger: silentLogger });
    expect((await es.handle(get('/edgeserve/ready'))).status).toBe(503);
    await es.warmup();
    expect((await es.handle(get('/edgeserve/ready'))).status).toBe(200);
  });
});
