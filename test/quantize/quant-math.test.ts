// The quantizer's arithmetic against onnxruntime's own conventions (onnxruntime.quantization's
// quant_utils and calibrate.py), with the expected values worked out here by other means than the
// code under test uses.
import { describe, expect, it } from 'vitest';
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
