// The byte-level number writer (ascii-decimal.ts) must write exactly what the pre-#14 WriteDecimal
// wrote (test/support/decimal-oracle.ts) for every float32, float64 and float16 value: random bit
// patterns over all exponents (subnormals, -0, NaN, ±Infinity), the magnitudes its arithmetic path
// takes, integral values, powers of ten and their neighbours, and half-even ties.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeFloat32Ascii, writeFloat64Ascii } from '../../functions/util/json/ascii-decimal.ts';
import { writeBigInt, writeInt } from '../../functions/util/json/ascii-integers.ts';
import { fromHalfBits } from '../../functions/tensor/float16.ts';
import { writeDecimal } from '../../functions/util/json/decimal.ts';

// Values come in batches of 1,000 (one property run each, to keep fast-check's per-run cost
// small); the runs per property add up to 200,000 values per dtype. No shrinking: a failure names
// the first value that differs, which is all there is to know.
const BATCH = { minLength: 1000, maxLength: 1000 };
const runs = (thousands: number) => ({ numRuns: thousands, endOnFailure: true });

const buf = new Uint8Array(64);
const latin1 = (end: number) => String.fromCharCode(...buf.subarray(0, end));

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const float32FromBits = (bits: number) => ((u32[0] = bits), f32[0]!);
const float64FromBits = (bits: bigint) => ((u64[0] = bits), f64[0]!);

/** Checks every value; fails naming the first that differs. */
function expectAllAsOracle(values: Iterable<number>, float32: boolean): void {
  for (const v of values) {
    const got = latin1(float32 ? writeFloat32Ascii(buf, 0, v) : writeFloat64Ascii(buf, 0, v));
    const want = writeDecimal(v, float32);
    if (got !== want) expect.fail(`${float32 ? 'float32' : 'float64'} ${v} (${String(Object.is(v, -0) ? '-0' : v)}): wrote ${got}, oracle ${want}`);
  }
}

/** Float32 bit patterns whose exponent field lies in [lo, hi] (any sign and mantissa). */
const float32Bits = (lo: number, hi: number) =>
  fc.tuple(fc.boolean(), fc.integer({ min: lo, max: hi }), fc.integer({ min: 0, max: 0x7fffff }))
    .map(([neg, e, m]) => ((neg ? 0x80000000 : 0) | (e << 23) | m) >>> 0);

const float64Bits = (lo: number, hi: number) =>
  fc.tuple(fc.boolean(), fc.integer({ min: lo, max: hi }), fc.bigInt({ min: 0n, max: (1n << 52n) - 1n }))
    .map(([neg, e, m]) => (neg ? 1n << 63n : 0n) | (BigInt(e) << 52n) | m);

/** A value and its neighbours ±3 ulps, as float32 or float64. */
function neighbours(v: number, float32: boolean): number[] {
  const out: number[] = [];
  if (float32) {
    const bits = (f32[0] = v, u32[0]!);
    for (let d = -3; d <= 3; d++) out.push(float32FromBits((bits + d) >>> 0));
  } else {
    const bits = (f64[0] = v, u64[0]!);
    for (let d = -3n; d <= 3n; d++) out.push(float64FromBits(BigInt.asUintN(64, bits + d)));
  }
  return out;
}

describe('writeFloat32Ascii = WriteDecimal(float)', () => {
  it('on random bit patterns (every exponent, subnormals, NaN, ±Infinity)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), BATCH), (bits) => {
      expectAllAsOracle(bits.map(float32FromBits), true);
    }), runs(70));
  });

  it('on the magnitudes the arithmetic path takes (1e-15 … 1e27)', () => {
    fc.assert(fc.property(fc.array(float32Bits(127 - 50, 127 + 90), BATCH), (bits) => {
      expectAllAsOracle(bits.map(float32FromBits), true);
    }), runs(60));
  });

  it('on integral values, small binary fractions and their half-even ties', () => {
    // n / 2^j: every 6- and 9-digit tie a float can hold is one of these (decimal.ts explains why).
    const value = fc.tuple(fc.integer({ min: -(2 ** 31), max: 2 ** 31 }), fc.integer({ min: 0, max: 12 }), fc.integer({ min: -4, max: 40 }))
      .map(([n, j, up]) => Math.fround((n / 2 ** j) * (up > 0 ? 2 ** (up >> 2) : 1)));
    fc.assert(fc.property(fc.array(value, BATCH), (vs) => expectAllAsOracle(vs, true)), runs(40));
  });

  it('on powers of ten, 10^k/2 and their neighbours, and known ties', () => {
    const values: number[] = [0, -0, NaN, Infinity, -Infinity, 0.5, 2.5, 1234567.125, 496.8203125, 555557.5, 1234565, 1234575,
      12345650, 12345750, 999999.5, 9999995, 99999.95, 1e-5, 2 ** -149, -(2 ** -149), 2 ** -126, 3.4028234663852886e38, 16777217];
    for (let k = -46; k <= 39; k++) {
      for (const base of [10 ** k, 5 * 10 ** (k - 1), 9.999995 * 10 ** k, 9.9999995 * 10 ** k]) values.push(...neighbours(Math.fround(base), true));
    }
    expectAllAsOracle(values.map(Math.fround), true);
  });

  it('on values near 1e-5 (the %g switch to exponent form) and 1e6/1e9 (carries)', () => {
    const near = fc.tuple(fc.constantFrom(1e-4, 1e-5, 1e5, 1e6, 1e8, 1e9), fc.double({ min: 0.99, max: 1.01, noNaN: true }))
      .map(([p, f]) => Math.fround(p * f));
    fc.assert(fc.property(fc.array(near, BATCH), (vs) => expectAllAsOracle(vs, true)), runs(30));
  });
});

describe('writeFloat64Ascii = WriteDecimal(double)', () => {
  it('on random bit patterns (every exponent, subnormals, NaN, ±Infinity)', () => {
    fc.assert(fc.property(fc.array(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), BATCH), (bits) => {
      expectAllAsOracle(bits.map(float64FromBits), false);
    }), runs(60));
  });

  it('on the magnitudes the arithmetic path takes, and widened float32 values', () => {
    const value = fc.oneof(
      float64Bits(1023 - 50, 1023 + 90).map(float64FromBits),
      float32Bits(127 - 50, 127 + 90).map(float32FromBits),
    );
    fc.assert(fc.property(fc.array(value, BATCH), (vs) => expectAllAsOracle(vs, false)), runs(80));
  });

  it('on short decimals, integers and binary fractions (6-digit round trips, 17-digit ties)', () => {
    const value = fc.oneof(
      fc.tuple(fc.integer({ min: -999999, max: 999999 }), fc.integer({ min: -20, max: 20 })).map(([n, k]) => Number(`${n}e${k}`)),
      fc.tuple(fc.integer({ min: -(2 ** 31), max: 2 ** 31 }), fc.integer({ min: 0, max: 30 })).map(([n, j]) => n / 2 ** j),
      fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }).map(Number),
      fc.tuple(fc.integer({ min: 0, max: 2 ** 26 }), fc.integer({ min: 0, max: 2 ** 26 })).map(([hi, lo]) => (hi * 2 ** 26 + lo) / 2 ** 25),
    );
    fc.assert(fc.property(fc.array(value, BATCH), (vs) => expectAllAsOracle(vs, false)), runs(60));
  });

  it('on powers of ten and their neighbours, and known ties', () => {
    const values: number[] = [0, -0, NaN, Infinity, -Infinity, 1 / 3, 0.1, 0.1 + 0.2, 1e21, 2 ** 60, 2 ** 53, 2 ** 53 + 2, 2 ** -25,
      -949.7590637207031, 123456.5, Number.MAX_VALUE, Number.MIN_VALUE, 2.5e-323, 2 ** -1022];
    for (let k = -325; k <= 308; k++) values.push(...neighbours(Number(`1e${k}`), false), ...neighbours(Number(`5e${k}`), false));
    expectAllAsOracle(values, false);
  });
});

describe('float16 through the float32 writer', () => {
  it('every one of the 65,536 halves', () => {
    const values: number[] = [];
    for (let h = 0; h < 0x10000; h++) values.push(fromHalfBits(h));
    expectAllAsOracle(values, true);
  });
});

describe('integer writers', () => {
  it('writeInt = String() on safe integers, writeBigInt = toString() on int64/uint64', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 32 }), fc.maxSafeInteger(), fc.constantFrom(0, -1, 9, 10, 99, 100)), BATCH), (ns) => {
      for (const n of ns) if (latin1(writeInt(buf, 0, n)) !== String(n)) expect.fail(`${n}: wrote ${latin1(writeInt(buf, 0, n))}`);
    }), runs(20));
    fc.assert(fc.property(fc.array(fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }), fc.bigInt({ min: -(2n ** 54n), max: 2n ** 54n })), BATCH), (bs) => {
      for (const b of bs) if (latin1(writeBigInt(buf, 0, b)) !== b.toString()) expect.fail(`${b}: wrote ${latin1(writeBigInt(buf, 0, b))}`);
    }), runs(20));
  });
});
