// Dynamic batching on the real classifier: batched results equal unbatched ones, a partial batch
// leaves on its timeout, a full queue answers 503 and an oversize task 400, as in TF Serving.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeBackend } from '../../adapters/shared/ort-backends.ts';
import { Batcher } from '../../functions/runtime/batcher.ts';
import type { BatchingParameters } from '../../functions/config/batching-parameters.ts';
import type { InferenceSession } from '../../functions/runtime/backend.ts';
import type { Tensor } from '../../functions/tensor/tensor.ts';
import { exampleRepository } from '../helpers.ts';

let session: InferenceSession;
beforeAll(async () => {
  const bytes = new Uint8Array(await readFile(join(await exampleRepository(), 'mnist/1/model.onnx')));
  session = await (await createNodeBackend('ort-node')).createSession(bytes);
});

const params = (p: Partial<BatchingParameters> = {}): BatchingParameters => ({
  maxBatchSize: 16, batchTimeoutMicros: 2000, maxEnqueuedBatches: 8, numBatchThreads: 1, allowedBatchSizes: [], ...p,
});

/** A request of `rows` random images (seeded), as the REST layer would feed it. */
function request(rows: number, seed: number): Map<string, Tensor> {
  let s = seed;
  const data = Float32Array.from({ length: rows * 784 }, () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31));
  return new Map([['image', { dtype: 'float32', dims: [rows, 784], data }]]);
}

describe('dynamic batching', () => {
  it('batched results equal unbatched ones for mixed batch sizes, padded to allowed sizes', async () => {
    let runs = 0;
    const batcher = new Batcher((feeds) => (runs++, session.run(feeds)), params({ allowedBatchSizes: [4, 8, 16] }));
    const sizes = [1, 3, 2, 5, 1, 4, 7, 2, 1, 6];
    const requests = sizes.map((rows, i) => request(rows, i + 1));
    const batched = await Promise.all(requests.map((r) => batcher.submit(r)));
    expect(runs).toBeLessThan(sizes.length); // requests really shared runs
    for (const [i, r] of requests.entries()) {
      const alone = await session.run(r);
      const got = batched[i]!.outputs.get('scores')!;
      expect(got.dims).toEqual([sizes[i], 10]);
      const want = alone.get('scores')!.data as Float32Array;
      (got.data as Float32Array).forEach((v, j) => expect(Math.abs(v - want[j]!)).toBeLessThanOrEqual(1e-6));
    }
  });

  it('a partial batch runs when its timeout expires', async () => {
    const batcher = new Batcher((feeds) => session.run(feeds), params({ batchTimeoutMicros: 30_000 }));
    const started = performance.now();
    const { outputs, queuedMs } = await batcher.submit(request(2, 7));
    expect(outputs.get('scores')!.dims).toEqual([2, 10]);
    expect(queuedMs).toBeGreaterThanOrEqual(25);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('a full batch runs at once, without waiting for the timeout', async () => {
    const batcher = new Batcher((feeds) => session.run(feeds), params({ maxBatchSize: 4, batchTimeoutMicros: 10_000_000 }));
    const results = await Promise.all([batcher.submit(request(2, 1)), batcher.submit(request(2, 2))]);
    expect(results.map((r) => r.outputs.get('scores')!.dims[0])).toEqual([2, 2]);
  });

  it('answers TF Serving\'s 503 when the queue is full and 400 for a task larger than a batch', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const batcher = new Batcher(async (feeds) => (await gate, session.run(feeds)), params({ maxBatchSize: 2, maxEnqueuedBatches: 1, batchTimeoutMicros: 0 }));
    const first = batcher.submit(request(2, 1)); // runs, held at the gate
    await new Promise((r) => setTimeout(r, 5));
    const second = batcher.submit(request(2, 2)); // closed, waiting: the queue is now full
    await new Promise((r) => setTimeout(r, 5));
    expect(() => batcher.submit(request(2, 3))).toThrow('The batch scheduling queue to which this task was submitted is full');
    try {
      batcher.submit(request(2, 3));
    } catch (e) {
      expect((e as { httpStatus: number }).httpStatus).toBe(503);
    }
    expect(() => batcher.submit(request(3, 4))).toThrow('Task size 3 is larger than maximum input batch size 2');
    release();
    await Promise.all([first, second]);
  });
});
