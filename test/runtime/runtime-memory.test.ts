// What a session is counted at by the memory budget, on a runtime that can tell its heap size
// (onnxruntime-web's WASM memory in workerd, tested there too): the larger of the heap's growth
// while the session was created and the backend's estimate. ort-node's native heap cannot be
// read, so here its module runs real sessions and the heap readings are supplied: a fault (a heap
// that grows by more than the estimate) this machine's runtimes cannot be made to produce on cue.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { memoryNeed } from '../../functions/runtime/backend.ts';
import { createOrtBackend, ORT_WEB_MEMORY } from '../../functions/runtime/ort.ts';
import { exampleRepository } from '../helpers.ts';

async function mnistBytes(): Promise<Uint8Array> {
  return new Uint8Array(await readFile(join(await exampleRepository(), 'mnist/1/model.onnx')));
}

function readings(...values: number[]): () => number {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)]!;
}

describe('runtime memory', () => {
  it('counts a session at the heap growth when that is more than the estimate', async () => {
    const model = await mnistBytes();
    const backend = createOrtBackend(ort, 'ort-node(cpu)', {}, { estimate: ORT_WEB_MEMORY, heapBytes: readings(1_000_000, 51_000_000) });
    const session = await backend.createSession(model);
    expect(session.heldBytes).toBe(50_000_000);
    await session.release();
  });

  it('counts it at the estimate when the heap had room (no growth) or grew less', async () => {
    const model = await mnistBytes();
    for (const heap of [readings(5_000_000, 5_000_000), readings(5_000_000, 5_065_536)]) {
      const session = await createOrtBackend(ort, 'x', {}, { estimate: ORT_WEB_MEMORY, heapBytes: heap }).createSession(model);
      expect(session.heldBytes).toBe(4 * model.byteLength);
      await session.release();
    }
  });

  it('counts the file itself where the backend knows no better', async () => {
    const backend = createOrtBackend(ort, 'ort-node(cpu)');
    expect(memoryNeed(backend, 1234)).toBe(1234);
    const session = await backend.createSession(await mnistBytes());
    expect(session.heldBytes).toBeUndefined();
    await session.release();
    expect(memoryNeed({ memoryEstimate: ORT_WEB_MEMORY }, 1234)).toBe(4936);
  });
});
