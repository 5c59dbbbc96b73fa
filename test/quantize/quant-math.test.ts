// The quantizer's arithmetic against onnxruntime's own conventions (onnxruntime.quantization's
// quant_utils and calibrate.py), with the expected values worked out here by other means than the
// code under test uses.
import { describe, expect, it } from 'vitest';
import { percentileRange } from '../../adapters/node/quantize/calibrate.ts';
import { quantizeSymmetric } from '../../adapters/node/quantize/quant-math.ts';

describe('--reduce-range weights', () => {
  it('int8 uses onnxruntime\'s reduced symmetric range (-64, 64): scale max|w| / 64', () => {
    const w = Float32Array.of(-2, -1, 0, 0.5, 1.28);
    const q = quantizeSymmetric(w, [5], undefined, 'int8', true);
    expect(q.scales[0]).toBeCloseTo(2 / 64, 7);
    expect(Math.min(...q.values)).toBe(-64); // the largest magnitude takes the range's end
    expect([...q.values]).toEqual([-64, -32, 0, 16, 41]);
  });

  it('uint8 (ConvInteger) keeps the same 7-bit span around 128', () => {
    const q = quantizeSymmetric(Float32Array.of(-1, 1), [2], undefined, 'uint8', true);
    expect([...q.values]).toEqual([64, 192]);
  });
});

describe('percentile calibration (onnxruntime\'s asymmetric convention)', () => {
  /** The smallest value with at least `count` of the values at or below it, counted one by one. */
  const atCount = (values: readonly number[], count: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    let seen = 0;
    for (const v of sorted) if (++seen >= count) return v;
    return sorted[sorted.length - 1]!;
  };

  it('cuts (100 − p) / 2 % from each tail of the signed values, not (100 − p) % from each', () => {
    // 1 … 1000 in a scrambled order: p = 99 leaves out 0.5 % = 5 values at each end.
    const values = Array.from({ length: 1000 }, (_, i) => ((i * 617) % 1000) + 1);
    const range = percentileRange(Float64Array.from(values).sort(), 99);
    expect(range).toEqual({ min: atCount(values, 5), max: atCount(values, 995) });
    expect(range).toEqual({ min: 5, max: 995 });
  });

  it('negative values are a tail like any other (no |x|)', () => {
    // 400 values: 0.5 % is two at each end, so the range starts at the second smallest.
    const values = [-100, ...Array.from({ length: 398 }, (_, i) => i / 200 - 0.99), 3];
    const range = percentileRange(Float64Array.from(values).sort(), 99);
    expect(range.min).toBe(atCount(values, 2));
    expect(range.max).toBe(atCount(values, 398));
    expect(range.min).toBeGreaterThan(-1);
    expect(percentileRange(Float64Array.from(values).sort(), 100)).toEqual({ min: -100, max: 3 });
  });
});
