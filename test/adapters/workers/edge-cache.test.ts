// The Workers edge cache's logic, run in Node with a Map for the Cache API and fake models (the
// whole Worker with the real Cache API is tested in workerd: worker.test.ts). What matters here is
// what a hit costs: on a fresh isolate it must answer without starting a session, and bodies are
// read only within the handler's limit.
import { describe, expect, it, vi } from 'vitest';
import { cachedPredict, type CacheLike } from '../../../adapters/workers/edge-cache.ts';
import { createEdgeserve } from '../../../functions/app.ts';
import { MemoryListingCache } from '../../../functions/serving/listing-cache.ts';
import { silentLogger } from '../../../functions/util/log.ts';
import { FakeBackend, writeFakeRepository } from '../../support/fake-backend.ts';
import { MemoryStore } from '../../support/memory-store.ts';

class MapCache implements CacheLike {
  readonly entries = new Map<string, Response>();
  async match(key: Request) {
    return this.entries.get(key.url)?.clone();
  }
  async put(key: Request, response: Response) {
    this.entries.set(key.url, response);
  }
}

const store = new MemoryStore();
writeFakeRepository(store, { echo: { 1: {} } });
const ctx = { waitUntil: (p: Promise<unknown>) => void p.catch(() => {}) };

function isolate(maxBodyBytes = 1 << 20) {
  const backend = new FakeBackend();
  const edgeserve = createEdgeserve({ store, backend, logger: silentLogger, maxBodyBytes });
  const next = async (request: Request) => edgeserve.app.fetch(request);
  return { backend, edgeserve, next };
}

const predict = (body: string, headers: Record<string, string> = {}) =>
  new Request('https://worker.example/v1/models/echo:predict', { method: 'POST', body, headers: { 'content-length': String(body.length), ...headers } });

describe('edge cache', () => {
  it('answers a hit on a fresh isolate without loading the model', async () => {
    const cache = new MapCache();
    const first = isolate();
    const miss = await cachedPredict(predict('{"instances": [1.5]}'), first.edgeserve, cache, new Set(['echo']), ctx, first.next);
    expect(miss.headers.get('x-edgeserve-cache')).toBe('miss');
    const answer = await miss.text();
    await new Promise((r) => setTimeout(r, 10)); // the put rides on waitUntil
    expect(cache.entries.size).toBe(1);

    const fresh = isolate();
    const hit = await cachedPredict(predict('{"instances": [1.5]}'), fresh.edgeserve, cache, new Set(['echo']), ctx, fresh.next);
    expect(hit.headers.get('x-edgeserve-cache')).toBe('hit');
    expect(await hit.text()).toBe(answer);
    expect(fresh.backend.sessionsCreated).toBe(0);
  });

  it('a hit on a fresh isolate with a persisted listing lists nothing before its answer; the real listing follows it', async () => {
    const cache = new MapCache();
    const own = new MemoryStore();
    writeFakeRepository(own, { echo: { 1: {} } });
    const listingCache = new MemoryListingCache(own.description);
    const isolateWithListing = () => {
      const edgeserve = createEdgeserve({ store: own, backend: new FakeBackend(), logger: silentLogger, listingCache });
      return { edgeserve, next: async (request: Request) => edgeserve.app.fetch(request) };
    };
    const waited: Promise<unknown>[] = [];
    const tracked = { waitUntil: (p: Promise<unknown>) => void waited.push(p.catch(() => {})) };
    const first = isolateWithListing();
    await (await cachedPredict(predict('{"instances": [1.5]}'), first.edgeserve, cache, new Set(['echo']), tracked, first.next)).text();
    await Promise.all(waited.splice(0)); // the answer's put and the listing's write
    expect(listingCache.writes).toBe(1);

    const lists = own.lists;
    const fresh = isolateWithListing();
    const hit = await cachedPredict(predict('{"instances": [1.5]}'), fresh.edgeserve, cache, new Set(['echo']), tracked, fresh.next);
    expect(hit.headers.get('x-edgeserve-cache')).toBe('hit');
    expect(own.lists).toBe(lists); // answered from the persisted listing and the cache alone
    await Promise.all(waited.splice(0));
    await vi.waitFor(() => expect(own.lists).toBe(lists + 1)); // then the real listing
  });

  it('reads bodies under the handler\'s limit, framed or streamed; past it, the answer is the handler\'s 413', async () => {
    const cache = new MapCache();
    const { edgeserve, next } = isolate(1000);
    const streamed = (body: string) =>
      new Request('https://worker.example/v1/models/echo:predict', { method: 'POST', body: new Blob([body]).stream(), duplex: 'half' } as RequestInit);
    const small = '{"instances": [2.5]}';
    expect((await cachedPredict(streamed(small), edgeserve, cache, new Set(['echo']), ctx, next)).headers.get('x-edgeserve-cache')).toBe('miss');
    const big = `{"instances": [${'1.0,'.repeat(400)}1.0]}`;
    for (const request of [predict(big), streamed(big)]) {
      const refused = await cachedPredict(request, edgeserve, cache, new Set(['echo']), ctx, next);
      expect(refused.status).toBe(413);
      expect(await refused.json()).toEqual({ error: 'Request body is larger than the limit of 1000 bytes' });
    }
    await new Promise((r) => setTimeout(r, 10));
    expect(cache.entries.size).toBe(1);
  });

  it('keys nothing by a version that no longer serves: a retired version is left to the handler', async () => {
    const own = new MemoryStore();
    writeFakeRepository(own, { echo: { 1: {} } });
    const edgeserve = createEdgeserve({ store: own, backend: new FakeBackend(), logger: silentLogger, refreshIntervalMs: 1 });
    const latest = { kind: 'latest' } as const;
    const one = { kind: 'version', version: 1 } as const;
    expect(await edgeserve.manager.expectedVersion('echo', one)).toBe(1);
    writeFakeRepository(own, { echo: { 2: {} } });
    own.remove('echo/1/model.onnx');
    await edgeserve.manager.refresh();
    expect(await edgeserve.manager.expectedVersion('echo', latest)).toBe(2);
    expect(await edgeserve.manager.expectedVersion('echo', one)).toBeUndefined();
    expect(await edgeserve.manager.expectedVersion('echo', { kind: 'version', version: 7 })).toBeUndefined();
  });
});
