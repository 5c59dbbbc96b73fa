// predictResponseBody's byte cap (maxBytes): the limit is on the body's UTF-8 bytes, at the limit
// the body is written, past it ResponseTooLargeError names the limit, and a huge output is given
// up after a bounded prefix rather than written out first.
import { describe, expect, it } from 'vitest';
import { predictResponseBody } from '../../functions/codec/predict-response.ts';
import { ResponseTooLargeError } from '../../functions/codec/response-limit.ts';
import type { Tensor } from '../../functions/tensor/tensor.ts';
import { makeTensor } from '../support/response-arbitraries.ts';

const one = (name: string, t: Tensor) => new Map([[name, t]]);
const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

function tooLarge(write: () => string): ResponseTooLargeError {
  try {
    write();
  } catch (e) {
    expect(e).toBeInstanceOf(ResponseTooLargeError);
    return e as ResponseTooLargeError;
  }
  return expect.fail('no ResponseTooLargeError');
}

/** A Float32Array behind a proxy that records the highest element index read. */
function watched(n: number): { data: Float32Array; highest: () => number } {
  const target = new Float32Array(n).map((_, i) => Math.fround(1 / (i + 3)));
  let highest = -1;
  const data = new Proxy(target, {
    get(t, key) {
      if (typeof key === 'string' && /^\d+$/.test(key)) highest = Math.max(highest, Number(key));
      const value = t[key as keyof Float32Array];
      return typeof value === 'function' ? value.bind(t) : value;
    },
  });
  return { data, highest: () => highest };
}

describe('predictResponseBody maxBytes', () => {
  const outputs = one('y', makeTensor('float32', [2, 3], [0.5, 1, 2, 1 / 3, NaN, -0]));

  it('writes a body of exactly maxBytes, and refuses one byte less', () => {
    for (const format of ['row', 'columnar'] as const) {
      const body = predictResponseBody(format, outputs);
      expect(predictResponseBody(format, outputs, body.length)).toBe(body);
      const e = tooLarge(() => predictResponseBody(format, outputs, body.length - 1));
      expect(e.limit).toBe(body.length - 1);
      expect(e.message).toBe(new ResponseTooLargeError(body.length - 1).message);
    }
  });

  it('counts UTF-8 bytes of strings, not UTF-16 units (a lone surrogate as the 3 bytes of U+FFFD)', () => {
    const strings = one('s', makeTensor('string', [3], ['é', '😀', '\ud800']));
    const body = predictResponseBody('row', strings);
    const bytes = utf8Bytes(body);
    expect(bytes).toBeGreaterThan(body.length);
    expect(predictResponseBody('row', strings, bytes)).toBe(body);
    tooLarge(() => predictResponseBody('row', strings, bytes - 1));
    tooLarge(() => predictResponseBody('row', strings, body.length));
  });

  it('checks the shape before the size: an invalid output map is still INVALID_ARGUMENT', () => {
    expect(() => predictResponseBody('row', new Map(), 0)).toThrow('Cannot convert empty tensor map to JSON');
    expect(() => predictResponseBody('row', one('y', makeTensor('float32', [], [1])), 0)).toThrow('has no shape information');
  });

  it('gives up on a huge output after a bounded prefix, in both formats', () => {
    for (const format of ['row', 'columnar'] as const) {
      const { data, highest } = watched(2_000_000);
      const huge = one('y', { dtype: 'float32', dims: [2, 1000, 1000], data });
      tooLarge(() => predictResponseBody(format, huge, 10_000));
      // At most a block (~64 KiB of output) past the cap is written: a few thousand elements.
      expect(highest()).toBeGreaterThanOrEqual(0);
      expect(highest()).toBeLessThan(10_000);
    }
  });

  it('a cap of 0 refuses every body; Infinity (the default) refuses none', () => {
    tooLarge(() => predictResponseBody('columnar', outputs, 0));
    expect(predictResponseBody('columnar', outputs, Infinity)).toBe(predictResponseBody('columnar', outputs));
  });
});
