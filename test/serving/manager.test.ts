// The Manager's harder cases on a real folder and real onnxruntime sessions: availability under
// the memory budget, concurrent admissions, re-uploads after retries ran out, configs that go bad
// after start, and a repository root that disappears.
import { cp, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { servingVersion } from '../support/serving-version.ts';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeBackend } from '../../adapters/shared/ort-backends.ts';
import { FileSystemStore } from '../../adapters/storage/fs.ts';
import { Loader } from '../../functions/serving/loader.ts';
import { Manager, type ManagerOptions } from '../../functions/serving/manager.ts';
import { exampleRepository, scratchRepository } from '../helpers.ts';

const repos: { remove(): Promise<void> }[] = [];
afterEach(async () => {
  for (const r of repos.splice(0)) await r.remove();
});

/** A repository holding only half_plus_two/1 (184 bytes), and a manager over it. */
async function setup(options: Partial<ManagerOptions> = {}) {
  const repo = await scratchRepository();
  repos.push(repo);
  for (const m of ['two_io', 'all_dtypes', 'mnist', 'mnist_fp16', 'mnist_int8', 'half_plus_two/2']) {
    await rm(join(repo.dir, m), { recursive: true, force: true });
  }
  await rm(join(repo.dir, 'models.config.json'));
  const store = new FileSystemStore(repo.dir);
  const events: string[] = [];
  const manager = new Manager({
    store,
    loader: new Loader(store, await createNodeBackend('ort-node')),
    logger: { log: (_level, event) => void events.push(event) },
    refreshIntervalMs: 0,
    memoryBudgetBytes: 1 << 20,
    maxLoadRetries: 0,
    loadRetryIntervalMs: 60_000,
    ...options,
  });
  const version = (model = 'half_plus_two') => servingVersion(manager, model, { kind: 'latest' });
  const states = async (model = 'half_plus_two') => (await manager.status(model)).map((s) => `${s.version}:${s.state}:${s.errorCode}`);
  return { dir: repo.dir, manager, events, version, states };
}

const HALF_PLUS_TWO = async () => join(await exampleRepository(), 'half_plus_two/2/model.onnx');

describe('Manager', () => {
  it('a budget too small for two versions never evicts the only one serving while the new one fails', async () => {
    const { dir, manager, version, states } = await setup({ memoryBudgetBytes: 300 });
    expect(await version()).toBe(1);
    await mkdir(join(dir, 'half_plus_two/2'));
    await writeFile(join(dir, 'half_plus_two/2/model.onnx'), 'x'.repeat(184)); // same size, corrupt
    await Promise.all(await manager.refresh());
    expect(await states()).toEqual(['2:END:DATA_LOSS', '1:AVAILABLE:OK']);
    expect(await version()).toBe(1);
  });

  it('admits concurrent loads one budget at a time', async () => {
    const { dir, manager } = await setup({ memoryBudgetBytes: 400 });
    for (const m of ['b', 'c']) await cp(join(dir, 'half_plus_two'), join(dir, m), { recursive: true });
    await manager.refresh();
    // Each request releases its handle once served, as a predict does after its run.
    const served = await Promise.all(
      ['half_plus_two', 'b', 'c'].map(async (m) => {
        const handle = await manager.acquire(m, { kind: 'latest' });
        handle.release();
        return handle.servable;
      }),
    );
    expect(served.map((s) => s.model)).toEqual(['half_plus_two', 'b', 'c']);
    expect(manager.residentBytes()).toBeLessThanOrEqual(400);
  });

  it('a version whose model file arrives after its retries ran out loads when it appears', async () => {
    const { dir, manager, version, states } = await setup();
    expect(await version()).toBe(1);
    await mkdir(join(dir, 'half_plus_two/2/assets.extra'), { recursive: true });
    await writeFile(join(dir, 'half_plus_two/2/assets.extra/warmup.json'), '{"instances": [1.0]}');
    await Promise.all(await manager.refresh());
    expect(await states()).toEqual(['2:END:NOT_FOUND', '1:AVAILABLE:OK']);
    await Promise.all(await manager.refresh()); // no retries left, nothing changed: stays failed
    expect(await states()).toEqual(['2:END:NOT_FOUND', '1:AVAILABLE:OK']);
    await cp(await HALF_PLUS_TWO(), join(dir, 'half_plus_two/2/model.onnx'));
    await Promise.all(await manager.refresh());
    expect(await version()).toBe(2);
  });

  it('a config that turns bad after start is rejected and the listing still applies', async () => {
    const { dir, manager, version, events } = await setup();
    expect(await version()).toBe(1);
    await writeFile(join(dir, 'models.config.json'), '{"models": [{"name": ""}]}');
    await mkdir(join(dir, 'half_plus_two/2'));
    await cp(await HALF_PLUS_TWO(), join(dir, 'half_plus_two/2/model.onnx'));
    await Promise.all(await manager.refresh());
    expect(events).toContain('config_rejected');
    expect(await version()).toBe(2);
  });

  it('a repository root that disappears is an outage: everything loaded keeps serving', async () => {
    const { dir, manager, version, states, events } = await setup();
    expect(await version()).toBe(1);
    await rename(dir, `${dir}-moved`);
    try {
      await Promise.all(await manager.refresh());
      expect(events).toContain('refresh_failed');
      expect(await states()).toEqual(['1:AVAILABLE:OK']);
      expect(await version()).toBe(1);
    } finally {
      await rename(`${dir}-moved`, dir);
    }
  });
});

describe('Manager load deadline', () => {
  it('a load that never finishes fails DEADLINE_EXCEEDED, and the version can be retried', async () => {
    const repo = await scratchRepository();
    repos.push(repo);
    const real = new FileSystemStore(repo.dir);
    let hang = true;
    // A store whose reads of one file never return: a fault a local folder cannot produce (mock).
    const store = {
      description: real.description,
      list: (p: string) => real.list(p),
      get: (k: string, e?: string) => (hang && k === 'two_io/1/model.onnx' ? new Promise<never>(() => {}) : real.get(k, e)),
    };
    const manager = new Manager({
      store,
      loader: new Loader(store, await createNodeBackend('ort-node')),
      logger: { log() {} },
      refreshIntervalMs: 0,
      memoryBudgetBytes: 1 << 24,
      maxLoadRetries: 5,
      loadRetryIntervalMs: 0,
      loadTimeoutMs: 200,
    });
    await expect(servingVersion(manager, 'two_io', { kind: 'latest' })).rejects.toThrow('Servable not found for request: Latest(two_io)');
    expect((await manager.status('two_io'))[0]).toMatchObject({ state: 'END', errorCode: 'DEADLINE_EXCEEDED' });
    expect(await servingVersion(manager, 'half_plus_two', { kind: 'latest' })).toBe(2); // others unaffected
    hang = false;
    await Promise.all(await manager.refresh()); // due for a retry
    expect(await servingVersion(manager, 'two_io', { kind: 'latest' })).toBe(1);
  });
});
