import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHalfBits, toHalfBits } from '../../functions/tensor/float16.ts';

// Every finite half, in increasing order: the reference "nearest half" is found by search.
const FINITE_HALVES = Array.from({ length: 0x7c00 }, (_, bits) => bits).map((bits) => ({ bits, value: fromHalfBits(bits) }));

function nearestHalfBits(v: number): number {
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  const maxHalf = 65504;
  if (a >= maxHalf + 16) return sign | 0x7c00; // at or past the midpoint to 2^16: Infinity
  let lo = 0;
  let hi = FINITE_HALVES.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (FINITE_HALVES[mid]!.value <= a) lo = mid;
    else hi = mid;
  }
  const below = FINITE_HALVES[lo]!;
  const above = FINITE_HALVES[hi]!;
  const dBelow = a - below.value;
  const dAbove = above.value - a;
  const pick = dBelow < dAbove ? below : dAbove < dBelow ? above : below.bits % 2 === 0 ? below : above;
  return sign | pick.bits;
}

describe('float16', () => {
  it('round-trips every half', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const v = fromHalfBits(bits);
      if (Number.isNaN(v)) expect(Number.isNaN(fromHalfBits(toHalfBits(v)))).toBe(true);
      else expect(toHalfBits(v)).toBe(bits);
    }
  });

  it('rounds a double to the nearest half, ties to even, with no double rounding', () => {
    expect(toHalfBits(1 + 2 ** -11 + 2 ** -40)).toBe(0x3c01); // via float32 this would tie and go to 0x3c00
    expect(toHalfBits(1 + 2 ** -11)).toBe(0x3c00); // an exact tie goes to even
    expect(toHalfBits(65520)).toBe(0x7c00);
    expect(toHalfBits(2 ** -25)).toBe(0); // half the smallest subnormal: tie to even (zero)
    fc.assert(
      fc.property(fc.double({ noNaN: true, min: -70000, max: 70000 }), (v) => {
        expect(toHalfBits(v)).toBe(nearestHalfBits(v));
      }),
      { numRuns: 20000 },
    );
  });
});
