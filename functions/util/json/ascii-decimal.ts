// WriteDecimal (decimal.ts) written straight into a byte buffer, without building a string per
// element: the response writer's hot loop for float tensors. The digits are computed with one
// scaling by an exact power of ten, which is exact enough to round correctly whenever the scaled
// value is not within a hair of a rounding tie; those few values, and magnitudes whose powers of
// ten are not exact doubles, go through writeDecimal itself, so the bytes are always its bytes.
// Callers reserve MAX_NUMBER_BYTES per element before writing.
import { writeAscii, writeExponent, writeUint } from './ascii-integers.ts';
import { writeSeventeen } from './ascii-seventeen.ts';
import { writeDecimal } from './decimal.ts';

/** The longest token any writer here emits: `-2.2250738585072014e-308` and int64/uint64 extremes. */
export const MAX_NUMBER_BYTES = 32;

// 10^0 … 10^22 are exact doubles; every scaling below multiplies or divides by one of them, so the
// scaled value is the exact one rounded once (relative error ≤ 2^-53).
const POW10: number[] = [];
for (let i = 0, p = 1; i <= 22; i++, p *= 10) POW10.push(p);

// Magnitudes (decimal exponents) the arithmetic path handles: the 6-digit scale 5-x, the 9-digit
// scale 8-x, and the exponent after a carry all keep within ±22.
const MIN_EXP = -13;
const MAX_EXP = 25;

/**
 * How close to .5 the fraction of a scaled value may come before the rounding is left to the exact
 * path: far above the scaling error (≤ 1e9 · 2^-53 ≈ 1.1e-7 at 9 digits), and hit by about one
 * value in 10^5.
 */
const TIE_MARGIN = 1e-5;

const bits = new Float64Array(1);
// On the little-endian machines JS runs on, word [1] holds sign, exponent and top mantissa bits.
const high = new Uint32Array(bits.buffer);
const LOG10_2 = Math.log10(2);

/** `writeDecimal(v, true)` for v a float32 value, into buf at pos; returns the end position. */
export function writeFloat32Ascii(buf: Uint8Array, pos: number, v: number): number {
  return writeFloat(buf, pos, v, true);
}

/** `writeDecimal(v, false)` into buf at pos; returns the end position. */
export function writeFloat64Ascii(buf: Uint8Array, pos: number, v: number): number {
  return writeFloat(buf, pos, v, false);
}

function writeFloat(buf: Uint8Array, pos: number, v: number, float32: boolean): number {
  let a = v;
  if (v < 0) a = -v;
  else if (!(v > 0)) return writeAscii(buf, pos, v === 0 ? (1 / v < 0 ? '-0.0' : '0.0') : 'NaN');
  if (a === Infinity) return writeAscii(buf, pos, v < 0 ? '-Infinity' : 'Infinity');
  if (a < 1e6 && Math.floor(a) === a) {
    // An integer below 10^6 is its own %.6g, which round-trips: the digits and `.0`.
    if (v < 0) buf[pos++] = 45; /* - */
    pos = writeUint(buf, pos, a);
    buf[pos++] = 46; /* . */
    buf[pos++] = 48; /* 0 */
    return pos;
  }
  // The decimal exponent from the binary one (cheaper than Math.log10): low by at most one, which
  // the scaled value below shows and corrects.
  bits[0] = a;
  let x = Math.floor((((high[1]! >>> 20) & 0x7ff) - 1023) * LOG10_2);
  if (x < MIN_EXP || x > MAX_EXP) return writeAscii(buf, pos, writeDecimal(v, float32));
  // Nine digits: t = a · 10^(8-x) in [10^8, 10^9).
  let t = scale(a, 8 - x);
  if (t >= 1e9) t = scale(a, 8 - ++x);
  else if (t < 1e8) t = scale(a, 8 - --x);
  if (!(t >= 1e8 && t < 1e9)) return writeAscii(buf, pos, writeDecimal(v, float32)); // not expected
  let n = Math.floor(t);
  const r = t - n;
  if (Math.abs(r - 0.5) < TIE_MARGIN) return writeAscii(buf, pos, writeDecimal(v, float32));
  if (r > 0.5) n++;
  // Six digits from the nine: rounding twice is rounding once unless the three dropped digits are
  // exactly 500, where the six are rounded afresh from a.
  let m = (n / 1000) | 0;
  const dropped = n - m * 1000;
  if (dropped > 500) m++;
  else if (dropped === 500) {
    const t6 = scale(a, 5 - x);
    m = Math.floor(t6);
    const r6 = t6 - m;
    if (Math.abs(r6 - 0.5) < TIE_MARGIN) return writeAscii(buf, pos, writeDecimal(v, float32));
    if (r6 > 0.5) m++;
  }
  let x6 = x;
  if (m === 1e6) {
    m = 1e5;
    x6++;
  }
  // Does the 6-digit text read back as v? m · 10^(x6-5) with both factors exact is rounded once,
  // exactly as Number() reads the text (and Math.fround then narrows it as strtof would here).
  const back = x6 >= 5 ? m * POW10[x6 - 5]! : m / POW10[5 - x6]!;
  if ((float32 ? Math.fround(back) : back) === a) return emit(buf, pos, v < 0, m, 6, x6, 6);
  if (!float32) return writeSeventeen(buf, pos, v, a, x);
  // Nine digits always identify a float32.
  if (n === 1e9) {
    n = 1e8;
    x++;
  }
  return emit(buf, pos, v < 0, n, 9, x, 9);
}

function scale(a: number, k: number): number {
  return k >= 0 ? a * POW10[k]! : a / POW10[-k]!;
}

/**
 * Writes the `prec`-digit integer n (< 2^31; its leading digit at 10^x) as %.{gPrec}g, plus `.0`
 * if integral: digits straight into place, trailing zeros dropped first.
 */
function emit(buf: Uint8Array, pos: number, negative: boolean, n: number, prec: number, x: number, gPrec: number): number {
  let m = n | 0;
  let nd = prec;
  while (nd > 1) {
    const q = (m / 10) | 0;
    if (m - q * 10 !== 0) break;
    m = q;
    nd--;
  }
  if (negative) buf[pos++] = 45;
  if (x < -4 || x >= gPrec) {
    // d[.ddd]e±XX
    let end = pos + (nd > 1 ? nd + 1 : 1);
    const stop = end;
    for (let i = 1; i < nd; i++) {
      const q = (m / 10) | 0;
      buf[--end] = 48 + (m - q * 10);
      m = q;
    }
    if (nd > 1) buf[--end] = 46;
    buf[--end] = 48 + m;
    return writeExponent(buf, stop, x);
  }
  if (x < 0) {
    buf[pos++] = 48;
    buf[pos++] = 46;
    for (let i = -1; i > x; i--) buf[pos++] = 48;
    return writeDigits(buf, pos, m, nd);
  }
  const whole = x + 1;
  if (nd <= whole) {
    pos = writeDigits(buf, pos, m, nd);
    for (let i = nd; i < whole; i++) buf[pos++] = 48;
    buf[pos++] = 46;
    buf[pos++] = 48;
    return pos;
  }
  let end = pos + nd + 1;
  const stop = end;
  for (let i = nd - 1; i >= whole; i--) {
    const q = (m / 10) | 0;
    buf[--end] = 48 + (m - q * 10);
    m = q;
  }
  buf[--end] = 46;
  writeDigits(buf, pos, m, whole);
  return stop;
}

/** The nd digits of the int32 m (nd its exact digit count). */
function writeDigits(buf: Uint8Array, pos: number, m: number, nd: number): number {
  let end = pos + nd;
  for (let i = 1; i < nd; i++) {
    const q = (m / 10) | 0;
    buf[--end] = 48 + (m - q * 10);
    m = q;
  }
  buf[--end] = 48 + m;
  return pos + nd;
}
