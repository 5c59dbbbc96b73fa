// Execution providers in order, chosen per session. On the real onnxruntime-node: where a GPU
// provider cannot start (no GPU, no CUDA libraries: this machine and CI), the chain falls through
// to the CPU. With fake backends: a provider failing one model is not blamed for it until a later
// provider loads that model, and a model no provider loads blames none.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNodeBackend } from '../../adapters/shared/ort-backends.ts';
import { providerChain } from '../../functions/runtime/provider-chain.ts';
import type { Logger } from '../../functions/util/log.ts';
import { exampleRepository } from '../helpers.ts';
import { FakeBackend, fakeModel } from '../support/fake-backend.ts';

function recorder(): { logger: Logger; events: [string, Record<string, unknown> | undefined][]; seen: () => string[] } {
  const events: [string, Record<string, unknown> | undefined][] = [];
  return {
    logger: { log: (_level, event, fields) => void events.push([event, fields]) },
    events,
    seen: () => events.map(([e, f]) => `${e}:${f?.provider}`),
  };
}

const halfPlusTwo = async () => new Uint8Array(await readFile(join(await exampleRepository(), 'half_plus_two/2/model.onnx')));
const randomBytes = () => crypto.getRandomValues(new Uint8Array(256));

describe('execution provider chain on onnxruntime-node', () => {
  it('uses the first provider that starts, logs what it skipped, and says which it chose', async () => {
    const log = recorder();
    const backend = await createNodeBackend('ort-node', { providers: ['no-such-provider', 'cpu'], logger: log.logger });
    expect(backend.name).toBe('no-such-provider→cpu (not yet chosen)');
    const model = await halfPlusTwo();
    const session = await backend.createSession(model);
    const out = await session.run(new Map([['x', { dtype: 'float32', dims: [1], data: new Float32Array([2]) }]]));
    expect(Array.from(out.get('y')!.data as Float32Array)).toEqual([3]);
    expect(session.backend).toBe('ort-node(cpu)');
    expect(backend.name).toBe('ort-node(cpu)');
    expect(log.seen()).toEqual(['execution_provider_unavailable:no-such-provider', 'execution_provider_selected:cpu']);
    expect(log.events[0]![1]!.error).toMatch(/no-such-provider/);
    await backend.createSession(model); // later sessions go straight to the chosen provider
    expect(log.events).toHaveLength(2);
  });

  it('fails with the first provider\'s error when none starts', async () => {
    const backend = await createNodeBackend('ort-node', { providers: ['no-such-provider', 'nor-this-one'] });
    await expect(backend.createSession(await halfPlusTwo())).rejects.toThrow(/no-such-provider/);
  });

  it('a corrupt model blames no provider: nothing logged, nothing set aside', async () => {
    const log = recorder();
    const backend = await createNodeBackend('ort-node', { providers: ['no-such-provider', 'cpu'], logger: log.logger });
    await expect(backend.createSession(randomBytes())).rejects.toThrow(/no-such-provider/); // the first provider's error
    expect(log.events).toEqual([]);
    expect(backend.name).toBe('no-such-provider→cpu (not yet chosen)');
    // The provider was still in the running: a good model proves it unavailable only now.
    expect((await backend.createSession(await halfPlusTwo())).backend).toBe('ort-node(cpu)');
    expect(log.seen()).toEqual(['execution_provider_unavailable:no-such-provider', 'execution_provider_selected:cpu']);
    // Once it is set aside, a corrupt model gets the error of the first provider still tried.
    await expect(backend.createSession(randomBytes())).rejects.toThrow(/protobuf parsing failed/);
    expect(log.events).toHaveLength(2);
  });
});

describe('execution provider chain, per session', () => {
  const chain = () => {
    const gpu = new FakeBackend({ name: 'fake(gpu)' });
    const cpu = new FakeBackend({ name: 'fake(cpu)' });
    const log = recorder();
    return { gpu, cpu, log, backend: providerChain([{ provider: 'gpu', backend: gpu }, { provider: 'cpu', backend: cpu }], log.logger) };
  };

  it('a model the first provider fails falls through to the next; the first is skipped only after that', async () => {
    const { gpu, cpu, log, backend } = chain();
    expect((await backend.createSession(fakeModel())).backend).toBe('fake(gpu)');
    expect(backend.name).toBe('fake(gpu)');

    gpu.failNextCreate(new Error('op not supported on this GPU'));
    const second = await backend.createSession(fakeModel());
    expect(second.backend).toBe('fake(cpu)'); // not fixed to the provider the first model chose
    expect(backend.name).toBe('fake(gpu)+fake(cpu)');
    expect(log.events).toEqual([
      ['execution_provider_selected', { provider: 'gpu', backend: 'fake(gpu)' }],
      ['execution_provider_unavailable', { provider: 'gpu', error: 'op not supported on this GPU' }],
      ['execution_provider_selected', { provider: 'cpu', backend: 'fake(cpu)' }],
    ]);

    // Proven unavailable: later sessions go straight to the provider that proved it.
    expect((await backend.createSession(fakeModel())).backend).toBe('fake(cpu)');
    expect([gpu.sessionsCreated, cpu.sessionsCreated]).toEqual([1, 2]);
    expect(log.events).toHaveLength(3);
  });

  it('a model that fails on every provider throws the first error and blames none', async () => {
    const { gpu, cpu, log, backend } = chain();
    gpu.failNextCreate(new Error('gpu: bad model'));
    cpu.failNextCreate(new Error('cpu: bad model'));
    await expect(backend.createSession(fakeModel())).rejects.toThrow('gpu: bad model');
    await expect(backend.createSession(fakeModel({ behaviour: 'corrupt' }))).rejects.toThrow('Failed to load model');
    expect(log.events).toEqual([]);
    expect(backend.name).toBe('gpu→cpu (not yet chosen)');
    expect((await backend.createSession(fakeModel())).backend).toBe('fake(gpu)'); // still first in line
  });

  it('concurrent loads that prove the same provider unavailable log it once', async () => {
    const { gpu, log, backend } = chain();
    gpu.failNextCreate();
    const first = backend.createSession(fakeModel());
    gpu.failNextCreate();
    const second = backend.createSession(fakeModel());
    expect((await Promise.all([first, second])).map((s) => s.backend)).toEqual(['fake(cpu)', 'fake(cpu)']);
    expect(log.seen()).toEqual(['execution_provider_unavailable:gpu', 'execution_provider_selected:cpu']);
  });
});
