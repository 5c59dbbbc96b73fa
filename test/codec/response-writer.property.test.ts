// The byte-level response writer must write exactly what the pre-#14 writer wrote
// (test/support/response-oracle.ts), and fail with the same errors, for any outputs: every dtype,
// ranks 0–4, zero-sized dimensions, several named outputs, strings and `_bytes`, both formats. And
// the cap: the body comes back iff its UTF-8 size is within maxBytes, else ResponseTooLargeError.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { predictResponseBody } from '../../functions/codec/predict-response.ts';
import { ResponseTooLargeError } from '../../functions/codec/response-limit.ts';
import type { Tensor } from '../../functions/tensor/tensor.ts';
import { utf8Length } from '../../functions/util/json/byte-sink.ts';
import { makeTensor, outputsArb } from '../support/response-arbitraries.ts';
import { oracleResponseBody } from '../support/response-oracle.ts';

type Format = 'row' | 'columnar';
const FORMATS: Format[] = ['row', 'columnar'];

function outcome(write: () => string): { body: string } | { error: string } {
  try {
    return { body: write() };
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

describe('predictResponseBody = the pre-#14 writer', () => {
  it('on random outputs, row and columnar, bodies and errors alike', () => {
    fc.assert(
      fc.property(outputsArb, fc.constantFrom(...FORMATS), (outputs, format) => {
        expect(outcome(() => predictResponseBody(format, outputs))).toEqual(outcome(() => oracleResponseBody(format, outputs)));
      }),
      { numRuns: 1500 },
    );
  });

  it('on long innermost dimensions (several blocks of the number loop) and deep nesting', () => {
    const big = new Float32Array(30_000).map((_, i) => Math.fround(Math.sin(i) * 10 ** ((i % 13) - 6)));
    const cases: Map<string, Tensor>[] = [
      new Map([['y', { dtype: 'float32', dims: [30_000], data: big }]]),
      new Map([['y', { dtype: 'float32', dims: [3, 10_000], data: big }]]),
      new Map([['y', { dtype: 'float64', dims: [2, 3, 5, 1000], data: Float64Array.from(big, (v) => v / 3) }]]),
      new Map([['y', makeTensor('int32', [1, 1, 1, 1, 1, 1, 1, 1, 2], [7, -8])]]),
      new Map<string, Tensor>([
        ['a', { dtype: 'float32', dims: [2, 15_000], data: big }],
        ['b_bytes', makeTensor('string', [2, 2], ['x', 'é', '\ud800', ''])],
      ]),
    ];
    for (const outputs of cases) {
      for (const format of FORMATS) expect(predictResponseBody(format, outputs)).toBe(oracleResponseBody(format, outputs));
    }
  });
});

describe('predictResponseBody with maxBytes', () => {
  it('returns the body iff its UTF-8 size is within the cap, else ResponseTooLargeError(cap)', () => {
    fc.assert(
      fc.property(outputsArb, fc.constantFrom(...FORMATS), fc.double({ min: 0, max: 1.2, noNaN: true }), (outputs, format, fraction) => {
        const full = outcome(() => predictResponseBody(format, outputs));
        fc.pre('body' in full);
        const size = utf8Length(full.body);
        for (const cap of [Math.floor(size * fraction), size, size - 1]) {
          if (cap < 0) continue;
          const capped = outcome(() => predictResponseBody(format, outputs, cap));
          if (size <= cap) expect(capped).toEqual(full);
          else expect(capped).toEqual({ error: `ResponseTooLargeError: ${new ResponseTooLargeError(cap).message}` });
        }
      }),
      { numRuns: 500 },
    );
  });
});
