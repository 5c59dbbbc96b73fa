// The Workers listing cache (adapters/workers/listing-cache.ts) run in Node over a Map-based fake of
// the Cache API: what is tested here is the entry (its key, its max-age, that a second "isolate"
// reads what the first wrote, that anything unreadable is no entry), not workerd's cache itself.
import { describe, expect, it } from 'vitest';
import type { CacheLike } from '../../../adapters/workers/edge-cache.ts';
import { CacheApiListingCache, LISTING_MAX_AGE_SECONDS, workersListingCache } from '../../../adapters/workers/listing-cache.ts';
import { createEdgeserve } from '../../../functions/app.ts';
import type { ModelStore, ObjectInfo } from '../../../functions/storage/model-store.ts';
import { silentLogger } from '../../../functions/util/log.ts';
import { FakeBackend, writeFakeRepository } from '../../support/fake-backend.ts';
import { MemoryStore } from '../../support/memory-store.ts';

class MapCache implements CacheLike {
  readonly entries = new Map<string, Response>();
  failing = false;
  async match(key: Request) {
    if (this.failing) throw new Error('cache unavailable');
    return this.entries.get(key.url)?.clone();
  }
  async put(key: Request, response: Response) {
    if (this.failing) throw new Error('cache unavailable');
    this.entries.set(key.url, response);
  }
}

const objects: ObjectInfo[] = [{ key: 'm/1/model.onnx', etag: '"e1"', size: 120 }];
const listing = { objects };

describe('Workers listing cache', () => {
  it('one isolate writes, another reads; keyed by the store, with an hour\'s max-age', async () => {
    const cache = new MapCache();
    await new CacheApiListingCache(cache, 'r2://models/prefix').write(listing);
    const [[url, response]] = [...cache.entries];
    expect(url).toBe(`https://edgeserve-listing.internal/${encodeURIComponent('r2://models/prefix')}`);
    expect(response!.headers.get('cache-control')).toBe(`max-age=${LISTING_MAX_AGE_SECONDS}`);
    expect(await new CacheApiListingCache(cache, 'r2://models/prefix').read()).toEqual(listing);
    expect(await new CacheApiListingCache(cache, 'r2://models/other').read()).toBeUndefined();
  });

  it('a corrupt entry, or a cache that fails, reads as none', async () => {
    const cache = new MapCache();
    const entry = new CacheApiListingCache(cache, 'r2://models');
    cache.entries.set(entry.url, new Response('{"format":"edgeserve-listing/2","store":"r2://models","objects":[{"key":1}]}'));
    expect(await entry.read()).toBeUndefined();
    cache.entries.set(entry.url, new Response('\u00ff\u0000 not json'));
    expect(await entry.read()).toBeUndefined();
    cache.failing = true;
    expect(await entry.read()).toBeUndefined();
    await expect(entry.write(listing)).rejects.toThrow('cache unavailable');
  });

  it('a fresh isolate serves its first predict from the entry the first isolate left', async () => {
    const cache = new MapCache();
    const store = new MemoryStore('r2://models');
    writeFakeRepository(store, { m: { 1: {} } });
    const isolate = (s: ModelStore) => createEdgeserve({ store: s, backend: new FakeBackend(), logger: silentLogger, listingCache: new CacheApiListingCache(cache, s.description) });
    const predict = (es: ReturnType<typeof isolate>) =>
      es.app.fetch(new Request('https://worker.example/v1/models/m:predict', { method: 'POST', body: '{"instances": [1.5]}' }));
    const first = isolate(store);
    expect((await predict(first)).status).toBe(200);
    await Promise.all(await first.manager.refresh()); // its listing's write is done
    expect(cache.entries.size).toBe(1);
    // The second isolate's LIST never comes back: only the persisted listing can answer.
    const unlisted: ModelStore = { description: store.description, list: () => new Promise(() => {}), get: (k, e) => store.get(k, e) };
    const second = isolate(unlisted);
    expect((await predict(second)).status).toBe(200);
  });

  it('outside workerd (no caches.default) there is none', () => {
    expect(workersListingCache('r2://models')).toBeUndefined();
  });
});
