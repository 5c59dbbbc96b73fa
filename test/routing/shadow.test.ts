// The shadow comparison: agree/disagree within a tolerance, and the per-output error statistics a
// quantized candidate is judged by (max and mean absolute error over the requests compared).
import { describe, expect, it } from 'vitest';
import { outputsAgree, ShadowErrorStats } from '../../functions/routing/shadow.ts';
import type { Tensor } from '../../functions/tensor/tensor.ts';

const f32 = (values: number[], dims = [values.length]): Tensor => ({ dtype: 'float32', dims, data: Float32Array.from(values) });
const outputs = (entries: Record<string, Tensor>) => new Map(Object.entries(entries));

describe('outputsAgree', () => {
  it('within the tolerance, not beyond; names and shapes must match', () => {
    expect(outputsAgree(outputs({ y: f32([1, 2]) }), outputs({ y: f32([1.00001, 2]) }), 1e-4)).toBe(true);
    expect(outputsAgree(outputs({ y: f32([1, 2]) }), outputs({ y: f32([1.1, 2]) }), 1e-4)).toBe(false);
    expect(outputsAgree(outputs({ y: f32([1, 2]) }), outputs({ z: f32([1, 2]) }), 1)).toBe(false);
    expect(outputsAgree(outputs({ y: f32([1, 2], [2]) }), outputs({ y: f32([1, 2], [1, 2]) }), 1)).toBe(false);
  });
});

describe('ShadowErrorStats', () => {
  it('max and mean absolute error per output, over every request compared', () => {
    const stats = new ShadowErrorStats();
    stats.add(outputs({ scores: f32([0.5, 0.5]), label: { dtype: 'int64', dims: [1], data: BigInt64Array.of(3n) } }), outputs({ scores: f32([0.25, 0.5]), label: { dtype: 'int64', dims: [1], data: BigInt64Array.of(3n) } }));
    stats.add(outputs({ scores: f32([1, 0]), label: { dtype: 'int64', dims: [1], data: BigInt64Array.of(2n) } }), outputs({ scores: f32([1, 0.125]), label: { dtype: 'int64', dims: [1], data: BigInt64Array.of(5n) } }));
    expect(stats.snapshot()).toEqual({
      scores: { compared: 2, elements: 4, maxAbsError: 0.25, meanAbsError: (0.25 + 0.125) / 4 },
      label: { compared: 2, elements: 2, maxAbsError: 3, meanAbsError: 1.5 },
    });
  });

  it('skips strings and outputs missing or reshaped in the shadow; NaN in one answer only is infinite', () => {
    const stats = new ShadowErrorStats();
    const s: Tensor = { dtype: 'string', dims: [1], data: ['a'] };
    stats.add(outputs({ s, y: f32([1, 2]), gone: f32([1]) }), outputs({ s, y: f32([1, 2], [1, 2]) }));
    expect(stats.snapshot()).toEqual({});
    stats.add(outputs({ y: f32([NaN, NaN]) }), outputs({ y: f32([NaN, 1]) }));
    expect(stats.snapshot()).toEqual({ y: { compared: 1, elements: 2, maxAbsError: Infinity, meanAbsError: Infinity } });
  });

  it('float16 is compared by value, not by its half bits; a float32 parent against a float16 candidate too', () => {
    const stats = new ShadowErrorStats();
    const h: Tensor = { dtype: 'float16', dims: [2], data: Uint16Array.of(0x3c00, 0x4000) }; // 1, 2
    stats.add(outputs({ h }), outputs({ h: { dtype: 'float16', dims: [2], data: Uint16Array.of(0x3800, 0x4000) } })); // 0.5, 2
    stats.add(outputs({ h: f32([1, 2.25]) }), outputs({ h })); // float32 served, float16 shadow
    expect(stats.snapshot().h).toEqual({ compared: 2, elements: 4, maxAbsError: 0.5, meanAbsError: 0.75 / 4 });
  });
});
