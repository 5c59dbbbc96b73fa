// The persisted listing (functions/serving/listing-cache.ts), on the fakes: a fresh instance given
// the last listing answers its first predict while its own LIST has not come back, the real
// listing follows in the background and is written back; a persisted listing naming a version
// deleted since still gets the request answered (from the real listing, after one retry); a
// corrupt, foreign or failing cache is no cache.
import { describe, expect, it, vi } from 'vitest';
import { createEdgeserve, type EdgeserveOptions } from '../../functions/app.ts';
import type { RestRequest } from '../../functions/http/exchange.ts';
import { listingFingerprint, MAX_PERSISTED_CONFIG_CHARS, MemoryListingCache, parseListing, serializeListing, type ListingCache } from '../../functions/serving/listing-cache.ts';
import type { ModelStore, ObjectInfo } from '../../functions/storage/model-store.ts';
import { silentLogger } from '../../functions/util/log.ts';
import { FakeBackend, writeFakeRepository } from '../support/fake-backend.ts';
import { MemoryStore } from '../support/memory-store.ts';

function request(method: string, pathAndQuery: string, body = ''): RestRequest {
  const bytes = new TextEncoder().encode(body);
  return { method, pathAndQuery, header: () => null, readBody: async () => bytes };
}

/** A store whose listings wait until `open()` (MemoryStore's hold() stalls reads, not listings). */
class GatedListStore implements ModelStore {
  readonly description: string;
  private gate: Promise<void>;
  open!: () => void;

  constructor(private readonly inner: MemoryStore) {
    this.description = inner.description;
    this.gate = new Promise((go) => (this.open = go));
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const listing = this.inner.list(prefix); // counted now
    await this.gate;
    return listing;
  }

  get(key: string, ifNoneMatch?: string) {
    return this.inner.get(key, ifNoneMatch);
  }
}

function fresh(store: ModelStore, listingCache: ListingCache | undefined, options: Partial<EdgeserveOptions> = {}) {
  const es = createEdgeserve({ store, backend: new FakeBackend(), logger: silentLogger, refreshIntervalMs: 0, listingCache, ...options });
  const call = async (method: string, path: string, body = '') => {
    const r = await es.handle(request(method, path, body));
    return { status: r.status, version: r.headers['x-model-version'], body: r.body ?? '' };
  };
  const predict = (path: string) => call('POST', `/v1/models/${path}:predict`, '{"instances": [1.5]}');
  return { es, call, predict };
}

/** A cache holding the store's listing as it is now (as a previous instance would have left it). */
async function persisted(store: MemoryStore): Promise<MemoryListingCache> {
  const cache = new MemoryListingCache(store.description);
  await cache.write({ objects: await store.list('') });
  cache.writes = 0;
  return cache;
}

describe('persisted listing', () => {
  it('a fresh instance answers its first predict from the persisted listing while its LIST has not returned; the real one follows and is written back', async () => {
    const memory = new MemoryStore();
    writeFakeRepository(memory, { m: { 1: {} } });
    const cache = await persisted(memory);
    writeFakeRepository(memory, { n: { 1: {} } }); // added after the listing was persisted
    const store = new GatedListStore(memory);
    const { es, predict } = fresh(store, cache);

    const first = await predict('m');
    expect(first).toMatchObject({ status: 200, version: '1' });
    expect(first.body).toContain('1.5');
    expect(memory.lists).toBe(2); // the persisted one's, and the real one started at once (still waiting)
    expect(es.manager.knows('n')).toBe(false);
    expect(cache.writes).toBe(0);

    store.open();
    await vi.waitFor(() => expect(cache.writes).toBe(1));
    expect((await cache.read())!.objects.map((o) => o.key)).toEqual(['m/1/model.onnx', 'n/1/model.onnx']);
    expect(await predict('n')).toMatchObject({ status: 200, version: '1' });
    expect(memory.lists).toBe(2); // refreshIntervalMs 0: nothing more once the real listing is in
  });

  it('the config file persisted with the listing serves the first request: no GET of it, its labels applied, while the LIST has not returned', async () => {
    const memory = new MemoryStore();
    writeFakeRepository(memory, { m: { 1: {}, 2: {} } });
    memory.put('models.config.json', JSON.stringify({ models: [{ name: 'm', model_version_policy: { all: {} }, version_labels: { stable: 1 } }] }));
    const cache = new MemoryListingCache(memory.description);
    const seeded = fresh(memory, cache);
    expect(await seeded.predict('m')).toMatchObject({ status: 200, version: '2' });
    await vi.waitFor(() => expect(cache.writes).toBe(1));
    expect((await cache.read())!.config).toMatchObject({ key: 'models.config.json', text: expect.stringContaining('"stable":1') });

    const gets = memory.getsOf('models.config.json');
    const store = new GatedListStore(memory);
    const { predict } = fresh(store, cache);
    expect(await predict('m/labels/stable')).toMatchObject({ status: 200, version: '1' });
    expect(memory.getsOf('models.config.json')).toBe(gets);
    store.open();
  });

  it('a config file changed since it was persisted is read and applied once the real listing names its new ETag', async () => {
    const memory = new MemoryStore();
    writeFakeRepository(memory, { m: { 1: {}, 2: {} } });
    const config = (stable: number) => JSON.stringify({ models: [{ name: 'm', model_version_policy: { all: {} }, version_labels: { stable } }] });
    memory.put('models.config.json', config(1));
    const cache = new MemoryListingCache(memory.description);
    const seeded = fresh(memory, cache);
    expect(await seeded.predict('m/labels/stable')).toMatchObject({ status: 200, version: '1' });
    await vi.waitFor(() => expect(cache.writes).toBe(1));

    memory.put('models.config.json', config(2));
    const { es, predict } = fresh(memory, cache);
    expect(await predict('m/labels/stable')).toMatchObject({ status: 200, version: '1' }); // the persisted config, for now
    await Promise.all(await es.manager.refresh());
    expect(await predict('m/labels/stable')).toMatchObject({ status: 200, version: '2' });
    await vi.waitFor(() => expect(cache.writes).toBe(2));
    expect((await cache.read())!.config!.text).toBe(config(2));
  });

  it('a persisted config whose ETag is not the one its listing names is not used: the file is read from storage', async () => {
    const memory = new MemoryStore();
    writeFakeRepository(memory, { m: { 1: {}, 2: {} } });
    memory.put('models.config.json', JSON.stringify({ models: [{ name: 'm', model_version_policy: { specific: { versions: [1] } } }] }));
    const cache = new MemoryListingCache(memory.description);
    await cache.write({ objects: await memory.list(''), config: { key: 'models.config.json', etag: '"other"', text: '{"models": []}' } });
    const { predict } = fresh(memory, cache);
    expect(await predict('m')).toMatchObject({ status: 200, version: '1' });
    expect(memory.getsOf('models.config.json')).toBe(1);
  });

  it('a model added since the listing was persisted is found on its first request (after the real listing)', async () => {
    const memory = new MemoryStore();
    writeFakeRepository(memory, { m: { 1: {} } });
    const cache = await persisted(memory);
    writeFakeRepository(memory, { n: { 1: {} } });
    const { predict, call } = fresh(memory, cache);
    expect(await predict('n')).toMatchObject({ status: 200, version: '1' });
    const status = await call('GET', '/v1/models/n');
    expect(status.status).toBe(200);
  });

  it('a persisted listing naming a version deleted and replaced since: the first request is answered by the new version', async () => {
    const memory = new MemoryStore();
    writeFakeRepository(memory, { m: { 1: {} } });
    const cache = await persisted(memory);
    memory.remove('m/1/model.onnx');
    writeFakeRepository(memory, { m: { 2: {} } });
    const store = new GatedListStore(memory);
    const { es, predict } = fresh(store, cache);

    let answered = false;
    const pending = predict('m').finally(() => (answered = true));
    await vi.waitFor(() => expect(memory.getsOf('m/1/model.onnx')).toBe(1)); // the persisted listing's version: gone
    await new Promise((r) => setTimeout(r, 0));
    expect(answered).toBe(false); // waiting for the real listing, not answered "not found"
    store.open();
    const first = await pending;
    expect(first).toMatchObject({ status: 200, version: '2' });
    expect(first.body).toContain('1.5');
    expect((await es.manager.status('m')).map((s) => `${s.version}:${s.state}`)).toEqual(['2:AVAILABLE', '1:END']);
    expect(es.manager.readiness()).toBeDefined();
    await vi.waitFor(() => expect(cache.writes).toBe(1));
    expect((await cache.read())!.objects.map((o) => o.key)).toEqual(['m/2/model.onnx']);
  });

  it('a request for the deleted version itself is answered from the real listing: 404, not a storage error', async () => {
    const memory = new MemoryStore();
    writeFakeRepository(memory, { m: { 1: {} } });
    const cache = await persisted(memory);
    memory.remove('m/1/model.onnx');
    writeFakeRepository(memory, { m: { 2: {} } });
    const { predict } = fresh(memory, cache);
    const gone = await predict('m/versions/1');
    expect(gone.status).toBe(404);
    expect(await predict('m/versions/2')).toMatchObject({ status: 200, version: '2' });
  });

  it('the scheduled warm-up of a fresh instance loads what the real listing names', async () => {
    const memory = new MemoryStore();
    writeFakeRepository(memory, { m: { 1: {} } });
    const cache = await persisted(memory);
    writeFakeRepository(memory, { m: { 2: {} } });
    const { es } = fresh(memory, cache);
    const statuses = await es.warmup();
    expect(statuses.get('m')!.map((s) => `${s.version}:${s.state}`)).toEqual(['2:AVAILABLE', '1:END']);
    expect(memory.getsOf('m/1/model.onnx')).toBe(0); // the persisted listing's latest was never loaded
  });

  it('a listing unchanged since it was persisted is not written again', async () => {
    const memory = new MemoryStore();
    writeFakeRepository(memory, { m: { 1: {} } });
    const cache = await persisted(memory);
    const { es, predict } = fresh(memory, cache);
    expect(await predict('m')).toMatchObject({ status: 200, version: '1' });
    await Promise.all(await es.manager.refresh());
    expect(memory.lists).toBeGreaterThanOrEqual(2);
    expect(cache.writes).toBe(0);
  });

  it('without an entry the first listing is the real one, and it is written to the cache', async () => {
    const memory = new MemoryStore();
    writeFakeRepository(memory, { m: { 1: {} } });
    const cache = new MemoryListingCache(memory.description);
    const { predict } = fresh(memory, cache);
    expect(await predict('m')).toMatchObject({ status: 200, version: '1' });
    expect(memory.lists).toBe(1);
    await vi.waitFor(() => expect(cache.writes).toBe(1));
    expect((await cache.read())!.objects.map((o) => o.key)).toEqual(['m/1/model.onnx']);
  });

  it('a corrupt entry is ignored: the first listing is the real one, and it replaces the entry', async () => {
    const memory = new MemoryStore();
    writeFakeRepository(memory, { m: { 1: {} } });
    const cache = new MemoryListingCache(memory.description);
    cache.text = '{"format":"edgeserve-listing/2","store":"memory://test","objects":[{"key":"m/1/model.onnx"'; // cut short
    const store = new GatedListStore(memory);
    const { predict } = fresh(store, cache);
    const first = predict('m');
    await vi.waitFor(() => expect(memory.lists).toBe(1));
    store.open(); // the request waits for the real listing
    expect(await first).toMatchObject({ status: 200, version: '1' });
    await vi.waitFor(() => expect(cache.writes).toBe(1));
    expect((await cache.read())!.objects).toHaveLength(1);
  });

  it('a cache whose read and write fail is no cache', async () => {
    const memory = new MemoryStore();
    writeFakeRepository(memory, { m: { 1: {} } });
    const failing: ListingCache = { read: () => Promise.reject(new Error('no')), write: () => Promise.reject(new Error('no')) };
    const events: string[] = [];
    const { predict } = fresh(memory, failing, { logger: { log: (_l, event) => void events.push(event) } });
    expect(await predict('m')).toMatchObject({ status: 200, version: '1' });
    await vi.waitFor(() => expect(events).toContain('listing_cache_write_failed'));
  });

  it('the real listing failing leaves the persisted one serving, and is tried again', async () => {
    const memory = new MemoryStore();
    writeFakeRepository(memory, { m: { 1: {} } });
    const cache = await persisted(memory);
    let now = 0;
    const store: ModelStore = { description: memory.description, list: () => Promise.reject(new Error('LIST refused')), get: (k, e) => memory.get(k, e) };
    const { es, predict } = fresh(store, cache, { now: () => now });
    expect(await predict('m')).toMatchObject({ status: 200, version: '1' });
    await Promise.all(await es.manager.refresh()); // the real listing fails: kept, still provisional
    expect(await predict('m')).toMatchObject({ status: 200, version: '1' });
    now += 1000;
    expect(await predict('m')).toMatchObject({ status: 200, version: '1' });
  });
});

describe('listing cache entries', () => {
  const objects: ObjectInfo[] = [
    { key: 'm/1/model.onnx', etag: '"a"', size: 184 },
    { key: 'models.config.json', etag: '"b"', size: 0 },
  ];

  it('round-trip', () => {
    expect(parseListing(serializeListing({ objects }, 's3://b/p'), 's3://b/p')).toEqual({ objects });
    expect(parseListing(serializeListing({ objects: [] }, 's3://b/p'), 's3://b/p')).toEqual({ objects: [] });
    const config = { key: 'models.config.json', etag: '"b"', text: '{"models": []}' };
    expect(parseListing(serializeListing({ objects, config }, 's3://b/p'), 's3://b/p')).toEqual({ objects, config });
  });

  it('a config file past the size limit is left out of the entry (read from storage instead)', () => {
    const config = { key: 'models.config.json', etag: '"b"', text: ' '.repeat(MAX_PERSISTED_CONFIG_CHARS + 1) };
    expect(parseListing(serializeListing({ objects, config }, 's3://b/p'), 's3://b/p')).toEqual({ objects });
  });

  it('another store\'s entry, another format, and malformed entries read as undefined', () => {
    const text = serializeListing({ objects, config: { key: 'models.config.json', etag: '"b"', text: '{}' } }, 's3://b/p');
    expect(parseListing(text, 's3://b/other')).toBeUndefined();
    const entry = JSON.parse(text) as Record<string, unknown>;
    const variants: unknown[] = [
      { ...entry, format: 'edgeserve-listing/1' },
      { ...entry, config: { key: 'models.config.json', etag: '"b"' } },
      { ...entry, config: 'models.config.json' },
      { ...entry, objects: 'm/1/model.onnx' },
      { ...entry, objects: [{ key: 'm/1/model.onnx', etag: '"a"', size: -1 }] },
      { ...entry, objects: [{ key: 'm/1/model.onnx', etag: '"a"', size: '184' }] },
      { ...entry, objects: [{ key: '', etag: '"a"', size: 1 }] },
      { ...entry, objects: [{ key: 'x', size: 1 }] },
      { ...entry, objects: [null] },
      null,
      [],
      42,
    ];
    for (const v of variants) expect(parseListing(JSON.stringify(v), 's3://b/p')).toBeUndefined();
    for (const t of ['', 'not json', text.slice(0, -2), '\u0000']) expect(parseListing(t, 's3://b/p')).toBeUndefined();
  });

  it('the fingerprint changes with any key, ETag or size', () => {
    const base = listingFingerprint(objects);
    expect(listingFingerprint([...objects])).toBe(base);
    expect(listingFingerprint([{ ...objects[0]!, etag: '"c"' }, objects[1]!])).not.toBe(base);
    expect(listingFingerprint([{ ...objects[0]!, size: 185 }, objects[1]!])).not.toBe(base);
    expect(listingFingerprint(objects.slice(1))).not.toBe(base);
  });
});
