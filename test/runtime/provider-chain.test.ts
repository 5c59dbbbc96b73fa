// Execution providers in order, on the real onnxruntime-node: where a GPU provider cannot start
// (no GPU, no CUDA libraries: this machine and CI), the chain falls through to the CPU.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNodeBackend } from '../../adapters/shared/ort-backends.ts';
import { exampleRepository } from '../helpers.ts';

describe('execution provider chain', () => {
  it('uses the first provider that starts, logs what it skipped, and says which it chose', async () => {
    const events: [string, Record<string, unknown> | undefined][] = [];
    const backend = await createNodeBackend('ort-node', {
      providers: ['no-such-provider', 'cpu'],
      logger: { log: (_level, event, fields) => void events.push([event, fields]) },
    });
    expect(backend.name).toBe('no-such-provider→cpu (not yet chosen)');
    const model = new Uint8Array(await readFile(join(await exampleRepository(), 'half_plus_two/2/model.onnx')));
    const session = await backend.createSession(model);
    const out = await session.run(new Map([['x', { dtype: 'float32', dims: [1], data: new Float32Array([2]) }]]));
    expect(Array.from(out.get('y')!.data as Float32Array)).toEqual([3]);
    expect(backend.name).toBe('ort-node(cpu)');
    expect(events.map(([e, f]) => `${e}:${f?.provider}`)).toEqual(['execution_provider_unavailable:no-such-provider', 'execution_provider_selected:cpu']);
    await backend.createSession(model); // later sessions go straight to the chosen provider
    expect(events).toHaveLength(2);
  });

  it('fails with the last provider\'s error when none starts', async () => {
    const backend = await createNodeBackend('ort-node', { providers: ['no-such-provider', 'nor-this-one'] });
    const model = new Uint8Array(await readFile(join(await exampleRepository(), 'half_plus_two/2/model.onnx')));
    await expect(backend.createSession(model)).rejects.toThrow();
  });
});
