// The sliced response writer writes exactly the bytes of the plain one, pausing on the way: in a
// long innermost row, between big sub-tensors, and every so many small ones.
import { describe, expect, it } from 'vitest';
import { predictResponseBody, predictResponseBodySliced } from '../../functions/codec/predict-response.ts';
import { ResponseTooLargeError } from '../../functions/codec/response-limit.ts';
import type { Tensor } from '../../functions/tensor/tensor.ts';
import { TimeSlicer } from '../../functions/util/time-slicer.ts';

const floats = (n: number) => Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 10007) / 10007);

const cases: Record<string, Map<string, Tensor>> = {
  'one long row': new Map([['y', { dtype: 'float32', dims: [100_000], data: floats(100_000) }]]),
  'many small rows': new Map([['y', { dtype: 'float32', dims: [60_000, 1], data: floats(60_000) }]]),
  'big sub-tensors': new Map([['y', { dtype: 'float32', dims: [2, 40, 1000], data: floats(80_000) }]]),
  'two outputs, int64 and strings': new Map<string, Tensor>([
    ['ids', { dtype: 'int64', dims: [40_000], data: BigInt64Array.from({ length: 40_000 }, (_, i) => BigInt(i) * 1_000_000_007n) }],
    ['names', { dtype: 'string', dims: [40_000], data: Array.from({ length: 40_000 }, (_, i) => `n"${i}`) }],
  ]),
};

describe('predictResponseBodySliced', () => {
  for (const [name, outputs] of Object.entries(cases)) {
    it(`${name}: the same bytes as predictResponseBody in both formats, with pauses`, async () => {
      for (const format of ['row', 'columnar'] as const) {
        const slicer = new TimeSlicer(0);
        const sliced = await predictResponseBodySliced(format, outputs, Infinity, slicer);
        expect(sliced).toBe(predictResponseBody(format, outputs));
        expect(slicer.pauses).toBeGreaterThan(1);
      }
    });
  }

  it('stops at the byte cap as the plain writer does', async () => {
    const outputs = cases['one long row']!;
    await expect(predictResponseBodySliced('columnar', outputs, 100_000, new TimeSlicer(0))).rejects.toBeInstanceOf(ResponseTooLargeError);
  });
});
