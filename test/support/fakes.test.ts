// The fakes other tests build on: each behaviour they promise, checked once here so that a test
// built on them fails for its own reason, never for the fake's.
import { describe, expect, it } from 'vitest';
import { NOT_MODIFIED, StoreUnavailableError } from '../../functions/storage/model-store.ts';
import type { Tensor } from '../../functions/tensor/tensor.ts';
import { FakeBackend, fakeModel, writeFakeRepository } from './fake-backend.ts';
import { MemoryStore } from './memory-store.ts';

const x = (...values: number[]): ReadonlyMap<string, Tensor> => new Map([['x', { dtype: 'float32', dims: [values.length], data: new Float32Array(values) }]]);
/** Whether a promise has settled after the pending microtasks and timers of this turn. */
const settled = async (p: Promise<unknown>) => {
  let done = false;
  void p.then(() => (done = true), () => (done = true));
  await new Promise((r) => setTimeout(r, 5));
  return done;
};

describe('MemoryStore', () => {
  it('lists by prefix, reads conditionally, and gives every put a new ETag', async () => {
    const store = new MemoryStore();
    const first = store.put('m/1/model.onnx', 'abc');
    store.put('m/2/model.onnx', 'de');
    store.put('other/1/model.onnx', 'f');
    expect(await store.list('m/')).toEqual([
      { key: 'm/1/model.onnx', etag: first, size: 3 },
      { key: 'm/2/model.onnx', etag: expect.any(String), size: 2 },
    ]);
    expect(await store.get('m/1/model.onnx', first)).toBe(NOT_MODIFIED);
    const second = store.put('m/1/model.onnx', 'abc'); // the same bytes again: still a new object
    expect(second).not.toBe(first);
    expect(await store.get('m/1/model.onnx', first)).toEqual({ bytes: new TextEncoder().encode('abc'), etag: second });
    store.remove('m/1/model.onnx');
    expect(await store.get('m/1/model.onnx')).toBeUndefined();
    expect((await store.list('')).map((o) => o.key)).toEqual(['m/2/model.onnx', 'other/1/model.onnx']);
    expect([store.lists, store.gets, store.getsOf('m/1/model.onnx')]).toEqual([2, 3, 3]);
  });

  it('fails every call with StoreUnavailableError while down, and recovers', async () => {
    const store = new MemoryStore();
    store.put('m/1/model.onnx', 'abc');
    store.down = true;
    await expect(store.list('')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.get('m/1/model.onnx')).rejects.toBeInstanceOf(StoreUnavailableError);
    store.down = false;
    expect(await store.list('')).toHaveLength(1);
  });

  it('holds reads of chosen keys until resumed, and only those', async () => {
    const store = new MemoryStore();
    store.put('m/1/model.onnx', 'old');
    store.put('m/1/other', 'x');
    store.hold('m/1/model.onnx');
    const held = store.get('m/1/model.onnx');
    expect(await settled(store.get('m/1/other'))).toBe(true);
    expect(await settled(held)).toBe(false);
    expect(store.stalled).toBe(1);
    store.put('m/1/model.onnx', 'new');
    store.resume();
    expect(new TextDecoder().decode(((await held) as { bytes: Uint8Array }).bytes)).toBe('new'); // read at resume time
    expect(await settled(store.get('m/1/model.onnx'))).toBe(true); // no longer held
  });
});

describe('FakeBackend', () => {
  it('echo sessions report their signature and copy x to y', async () => {
    const backend = new FakeBackend({ name: 'fake(cpu)' });
    const session = await backend.createSession(fakeModel({ inputs: [{ name: 'x', dtype: 'float32', dims: [-1, 2] }] }));
    expect(session.backend).toBe('fake(cpu)');
    expect(session.inputs).toEqual([{ name: 'x', dtype: 'float32', runtimeType: 'float32', dims: [-1, 2] }]);
    expect(session.outputs.map((o) => o.name)).toEqual(['y']);
    const out = await session.run(x(1, 2));
    expect(Array.from(out.get('y')!.data as Float32Array)).toEqual([1, 2]);
    await expect(session.run(new Map())).rejects.toThrow("input 'x' is missing");
  });

  it('the model bytes decide: fail rejects runs, corrupt and random bytes reject the session', async () => {
    const backend = new FakeBackend();
    const failing = await backend.createSession(fakeModel({ behaviour: 'fail' }));
    await expect(failing.run(x(1))).rejects.toThrow();
    await expect(backend.createSession(fakeModel({ behaviour: 'corrupt' }))).rejects.toThrow('Failed to load model');
    await expect(backend.createSession(new Uint8Array([0xff, 0x00, 0x13]))).rejects.toThrow('Failed to load model');
    expect(backend.sessionsCreated).toBe(1);
  });

  it('hang models and cued runs wait until resume, counted in flight', async () => {
    const backend = new FakeBackend();
    const hanging = await backend.createSession(fakeModel({ behaviour: 'hang' }));
    const echo = await backend.createSession(fakeModel());
    backend.hangNextRun();
    const runs = [echo.run(x(2)), hanging.run(x(1))]; // echo takes the cue: both hang
    expect(await settled(Promise.race(runs))).toBe(false);
    expect(backend.runsInFlight).toBe(2);
    backend.resume();
    await Promise.all(runs);
    expect([backend.runsInFlight, backend.runsStarted]).toEqual([0, 2]);
    expect(await settled(echo.run(x(3)))).toBe(true); // the cue was for one run only
  });

  it('cues the next createSession or run to fail, once', async () => {
    const backend = new FakeBackend();
    backend.failNextCreate(new Error('out of GPU memory'));
    await expect(backend.createSession(fakeModel())).rejects.toThrow('out of GPU memory');
    const session = await backend.createSession(fakeModel());
    backend.failNextRun();
    await expect(session.run(x(1))).rejects.toThrow('simulated run failure');
    await expect(session.run(x(1))).resolves.toBeInstanceOf(Map);
  });

  it('a hung createSession waits for resume; releases are counted once and end the session', async () => {
    const backend = new FakeBackend();
    backend.hangNextCreate();
    const creating = backend.createSession(fakeModel());
    expect(await settled(creating)).toBe(false);
    backend.resume();
    const session = await creating;
    expect(backend.sessionsLive).toBe(1);
    await session.release();
    await session.release();
    expect([backend.sessionsCreated, backend.sessionsReleased, backend.sessionsLive]).toEqual([1, 1, 0]);
    await expect(session.run(x(1))).rejects.toThrow('released');
  });

  it('delays every run by runDelayMs', async () => {
    const backend = new FakeBackend({ runDelayMs: 40 });
    const session = await backend.createSession(fakeModel());
    const start = performance.now();
    await session.run(x(1));
    expect(performance.now() - start).toBeGreaterThanOrEqual(35);
  });
});

describe('writeFakeRepository', () => {
  it('writes model/version/model.onnx that the fake backend loads', async () => {
    const store = new MemoryStore();
    writeFakeRepository(store, { a: { 1: {}, 2: { behaviour: 'fail' } }, b: { 3: new Uint8Array([1, 2, 3]) } });
    expect(store.keys()).toEqual(['a/1/model.onnx', 'a/2/model.onnx', 'b/3/model.onnx']);
    const got = await store.get('a/2/model.onnx');
    const session = await new FakeBackend().createSession((got as { bytes: Uint8Array }).bytes);
    await expect(session.run(x(1))).rejects.toThrow('simulated model failure');
  });
});
