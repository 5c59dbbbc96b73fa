// The Source's TF Serving semantics, on the fakes: a config given up front serves exactly its
// models; an absolute base_path is read from its own place (not rewritten into the repository);
// a polled config is re-read on every refresh; the warnings a lost user needs.
import { describe, expect, it } from 'vitest';
import { createEdgeserve } from '../../functions/app.ts';
import { parseRepositoryConfig, type RepositoryConfig } from '../../functions/config/model-config.ts';
import type { RestRequest } from '../../functions/http/exchange.ts';
import { FakeBackend, fakeModel, writeFakeRepository } from '../support/fake-backend.ts';
import { MemoryStore } from '../support/memory-store.ts';

const get = (pathAndQuery: string): RestRequest => ({ method: 'GET', pathAndQuery, header: () => null, readBody: async () => new Uint8Array() });

function setup(config?: RepositoryConfig | (() => RepositoryConfig)) {
  const repository = new MemoryStore('memory://repository');
  const elsewhere = new MemoryStore('memory://elsewhere');
  const events: [string, Record<string, unknown> | undefined][] = [];
  const es = createEdgeserve({
    store: repository, backend: new FakeBackend(), refreshIntervalMs: 0, config,
    logger: { log: (_l, event, fields) => void events.push([event, fields]) },
    openStore: (location) => {
      if (location !== 'mem://elsewhere/b') throw new Error(`no store at ${location}`);
      return elsewhere;
    },
  });
  const status = async (model: string) => (await es.handle(get(`/v1/models/${model}`))).status;
  return { es, repository, elsewhere, events, status, logged: (e: string) => events.filter(([n]) => n === e).map(([, f]) => f) };
}

describe('source', () => {
  it('a config given up front serves exactly its models; without one, every folder is a model', async () => {
    const given = setup(parseRepositoryConfig('model_config_list { config { name: "a" base_path: "a" } }', 'models.config'));
    writeFakeRepository(given.repository, { a: { 1: {} }, other: { 1: {} } });
    expect(await given.status('a')).toBe(200);
    expect(await given.status('other')).toBe(404);
    expect(given.logged('repository_mode')[0]!.serving).toMatch(/^exactly the models of the given config/);

    const folders = setup();
    writeFakeRepository(folders.repository, { a: { 1: {} }, other: { 1: {} } });
    expect(await folders.status('other')).toBe(200);
    expect(folders.logged('repository_mode')[0]!.serving).toMatch(/^every top-level folder/);
  });

  it('an absolute base_path is read from its own place, not from the repository', async () => {
    const t = setup(parseRepositoryConfig("model_config_list { config { name: 'b' base_path: 'mem://elsewhere/b' } }", 'models.config'));
    writeFakeRepository(t.repository, { b: { 9: {} } }); // a folder of the same name in the repository is not it
    t.elsewhere.put('3/model.onnx', fakeModel());
    await t.es.warmup();
    const body = JSON.parse((await t.es.handle(get('/v1/models/b'))).body!);
    expect(body.model_version_status.map((v: { version: string; state: string }) => `${v.version}:${v.state}`)).toEqual(['3:AVAILABLE']);
    expect(t.repository.lists).toBe(0); // every model has its own place: the repository is never listed
    expect(t.elsewhere.getsOf('3/model.onnx')).toBe(1);
  });

  it('a model whose place cannot be opened is logged and has no versions; the others serve', async () => {
    const t = setup(parseRepositoryConfig('{"models": [{"name": "a"}, {"name": "c", "base_path": "mem://nowhere/c"}]}', 'c.json'));
    writeFakeRepository(t.repository, { a: { 1: {} } });
    expect(await t.status('a')).toBe(200);
    expect(await t.status('c')).toBe(404);
    expect(t.logged('model_listing_failed')[0]).toMatchObject({ model: 'c', base_path: 'mem://nowhere/c', error: 'no store at mem://nowhere/c' });
  });

  it('a polled config is read again on every refresh', async () => {
    let text = 'model_config_list { config { name: "a" base_path: "a" } }';
    const t = setup(() => parseRepositoryConfig(text, 'models.config'));
    writeFakeRepository(t.repository, { a: { 1: {} }, b: { 1: {} } });
    expect(await t.status('b')).toBe(404);
    text = 'model_config_list { config { name: "a" base_path: "a" } config { name: "b" base_path: "b" } }';
    await Promise.all(await t.es.manager.refresh());
    expect(await t.status('b')).toBe(200);
  });

  it('warns about an empty repository, a model folder given as the repository, and a model with no versions', async () => {
    const empty = setup();
    await empty.es.manager.refresh();
    expect(empty.logged('repository_empty')).toHaveLength(1);

    const modelFolder = setup();
    modelFolder.repository.put('1/model.onnx', fakeModel()); // half_plus_two/ passed as the root
    await modelFolder.es.manager.refresh();
    expect(modelFolder.logged('repository_is_a_model_folder')[0]!.hint).toContain('--model_name');

    const noVersions = setup(parseRepositoryConfig('{"models": [{"name": "ghost"}]}', 'c.json'));
    await noVersions.es.manager.refresh();
    await noVersions.es.manager.refresh(); // said once, not on every refresh
    expect(noVersions.logged('model_has_no_versions')).toEqual([{ model: 'ghost', base_path: 'ghost' }]);
  });
});

describe('source outages', () => {
  it('a cold instance whose storage is down lists once per backoff, not once per request', async () => {
    let now = 1_000_000;
    const repository = new MemoryStore();
    writeFakeRepository(repository, { m: { 1: {} } });
    repository.down = true;
    const es = createEdgeserve({ store: repository, backend: new FakeBackend(), logger: { log() {} }, refreshIntervalMs: 0, now: () => now });
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) statuses.push((await es.handle(get('/v1/models/m'))).status);
    expect(new Set(statuses)).toEqual(new Set([503]));
    expect(repository.lists).toBe(1);
    now += 600; // past the first backoff (500 ms)
    await es.handle(get('/v1/models/m'));
    expect(repository.lists).toBe(2);
    repository.down = false;
    now += 1_100; // past the second (1 s)
    expect((await es.handle(get('/v1/models/m'))).status).toBe(200);
    expect(repository.lists).toBe(3);
  });
});
