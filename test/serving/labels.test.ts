// TF Serving's rule for version labels, on the fakes: a label points only at an AVAILABLE version,
// so a move takes effect once its target is loaded, a move to a version that cannot load is
// refused (logged, the old label kept), and a label whose version went away is warned about.
import { describe, expect, it } from 'vitest';
import { servingVersion } from '../support/serving-version.ts';
import { Loader } from '../../functions/serving/loader.ts';
import { Manager } from '../../functions/serving/manager.ts';
import { FakeBackend, writeFakeRepository } from '../support/fake-backend.ts';
import { MemoryStore } from '../support/memory-store.ts';

function setup(labels: Record<string, number>, policy: object = { all: {} }, allow = false) {
  const store = new MemoryStore();
  const backend = new FakeBackend();
  const config = (l: Record<string, number>, p: object = policy) =>
    store.put('models.config.json', JSON.stringify({ models: [{ name: 'm', model_version_policy: p, version_labels: l }] }));
  config(labels);
  const events: [string, Record<string, unknown> | undefined][] = [];
  const manager = new Manager({
    store, loader: new Loader(store, backend), logger: { log: (_l, event, fields) => void events.push([event, fields]) },
    refreshIntervalMs: 0, memoryBudgetBytes: 1 << 20, maxLoadRetries: 0, loadRetryIntervalMs: 60_000,
    allowVersionLabelsForUnavailableModels: allow,
  });
  const label = (name: string) => servingVersion(manager, 'm', { kind: 'label', label: name });
  const settle = async () => Promise.all(await manager.refresh());
  return { store, backend, manager, config, events, label, settle, logged: (e: string) => events.filter(([n]) => n === e).map(([, f]) => f) };
}

describe('version labels', () => {
  it('a moved label keeps its old version until the new one is AVAILABLE', async () => {
    const t = setup({ stable: 1 });
    writeFakeRepository(t.store, { m: { 1: {} } });
    await t.manager.warmup();
    expect(await t.label('stable')).toBe(1);
    writeFakeRepository(t.store, { m: { 2: {} } });
    t.config({ stable: 2 });
    t.backend.hangNextCreate();
    const loads = await t.manager.refresh(); // version 2 starts loading and hangs in session create
    expect(await t.label('stable')).toBe(1);
    expect(t.logged('label_move_waiting')).toEqual([{ model: 'm', label: 'stable', from: 1, to: 2 }]);
    t.backend.resume();
    await Promise.all(loads);
    expect(await t.label('stable')).toBe(2);
    expect(t.logged('label_moved')).toEqual([{ model: 'm', label: 'stable', from: 1, to: 2 }]);
  });

  it('a label to a version that never loaded is refused and logged; the old label stays', async () => {
    const t = setup({ stable: 1 });
    writeFakeRepository(t.store, { m: { 1: {}, 2: { behaviour: 'corrupt' } } });
    await t.manager.warmup();
    t.config({ stable: 2, canary: 3 });
    await t.settle();
    await t.settle(); // the failed load of 2 is known now
    expect(await t.label('stable')).toBe(1);
    await expect(t.label('canary')).rejects.toThrow('Unrecognized servable version label: canary');
    expect(t.logged('label_refused').map((f) => [f!.label, f!.version, f!.keeping]).sort()).toEqual([
      ['canary', 3, null],
      ['stable', 2, 1],
    ]);
  });

  it('warns when the version a label names is no longer served', async () => {
    const t = setup({ stable: 2 }, { latest: { num_versions: 1 } });
    writeFakeRepository(t.store, { m: { 2: {} } });
    await t.manager.warmup();
    expect(await t.label('stable')).toBe(2);
    writeFakeRepository(t.store, { m: { 3: {} } });
    await t.settle();
    await t.settle();
    expect(t.logged('label_version_unavailable')[0]).toMatchObject({ model: 'm', label: 'stable', version: 2 });
  });

  it('with --allow_version_labels_for_unavailable_models, a label applies before its version loads', async () => {
    const t = setup({ stable: 1 }, { all: {} }, true);
    writeFakeRepository(t.store, { m: { 1: {}, 2: {} } });
    await t.manager.refresh();
    t.config({ stable: 2 });
    await t.manager.refresh();
    expect(t.logged('label_move_waiting')).toEqual([]);
    expect(await t.label('stable')).toBe(2);
  });
});

describe('load progress', () => {
  it('a load still running after a second is logged as loading', async () => {
    const t = setup({});
    writeFakeRepository(t.store, { m: { 1: {} } });
    t.backend.hangNextCreate();
    const warm = t.manager.warmup();
    await new Promise((r) => setTimeout(r, 1_200));
    expect(t.logged('version_loading')).toEqual([{ model: 'm', version: 1, elapsed_s: 1 }]);
    t.backend.resume();
    await warm;
    await new Promise((r) => setTimeout(r, 50));
    expect(t.logged('version_loaded')).toHaveLength(1);
  });
});
