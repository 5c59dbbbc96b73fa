// %.17g of a double (WriteDecimal's second try for doubles, taken by most float64 outputs) straight
// into a byte buffer. For the usual magnitudes the 17 digits come from a · 10^k computed exactly
// (or, past 10^22, within 1e-14) as a sum of two doubles by Dekker's product, which also decides
// exact ties to even as printf does; other magnitudes fall back to toExponential(16).
import { writeAscii, writeExponent, writeUint } from './ascii-integers.ts';
import { writeDecimal } from './decimal.ts';

const digits = new Uint8Array(17);

// 10^k as hi + lo: exact for k ≤ 22 (lo = 0), the rounding residue beyond.
const MAX_K = 30;
const POW10_HI: number[] = [];
const POW10_LO: number[] = [];
for (let k = 0; k <= MAX_K; k++) {
  const exact = 10n ** BigInt(k);
  const hi = Number(exact);
  POW10_HI.push(hi);
  POW10_LO.push(Number(exact - BigInt(hi)));
}

const SPLIT = 134217729; // 2^27 + 1, Dekker's splitter for 53-bit doubles

/** The rounding error of p = fl(a · b): a · b = p + error exactly (no FMA in JS, so Dekker). */
function productError(a: number, b: number, p: number): number {
  const c = SPLIT * a;
  const ah = c - (c - a);
  const al = a - ah;
  const d = SPLIT * b;
  const bh = d - (d - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/**
 * Writes %.17g of v (a = |v|, finite, non-zero; x its decimal exponent, possibly one off at a
 * power of ten), plus `.0` if integral. Returns the end position.
 */
export function writeSeventeen(buf: Uint8Array, pos: number, v: number, a: number, x: number): number {
  if (a < 2 ** 53 && Math.floor(a) === a) {
    // An integer of at most 16 digits is its own %.17g: the digits and `.0`.
    if (v < 0) buf[pos++] = 45;
    pos = writeUint(buf, pos, a);
    buf[pos++] = 46;
    buf[pos++] = 48;
    return pos;
  }
  const k = 16 - x;
  if (k >= 0 && k <= MAX_K && fromProduct(a, k, x)) return emitDigits(buf, pos, v < 0, 17, exponent);
  return fromToExponential(buf, pos, v, a);
}

let exponent = 0;

/** Fills digits with the 17 digits of a (and `exponent`), or returns false where it cannot tell. */
function fromProduct(a: number, k: number, x: number): boolean {
  const hi = POW10_HI[k]!;
  const p = a * hi;
  // t = a · 10^k = p + e; p in [10^16, 10^17) is an even integer (its ulp is at least 2).
  let e = productError(a, hi, p);
  if (k > 22) e += a * POW10_LO[k]!;
  if (!(p >= 1e16 && p < 1e17)) return false;
  let f = Math.floor(e);
  const r = e - f;
  if (k > 22 && Math.abs(r - 0.5) < 1e-6) return false; // too near a tie to tell from an estimate
  // Round half to even: p is even, so p + f is even exactly when f is.
  if (r > 0.5 || (r === 0.5 && f % 2 !== 0)) f++;
  // The digits of N = p + f, as nine and eight (both parts exact: q · 10^8 has at most 49 bits).
  let q = Math.floor(p / 1e8);
  let low = p - q * 1e8 + f;
  while (low >= 1e8) {
    low -= 1e8;
    q++;
  }
  while (low < 0) {
    low += 1e8;
    q--;
  }
  if (q < 1e8) return false; // t < 10^16: x was one too high
  exponent = x;
  if (q === 1e9) {
    q = 1e8; // rounded up to 10^17 (low is 0)
    exponent++;
  }
  let m = q | 0;
  for (let i = 8; i >= 0; i--) {
    const d = (m / 10) | 0;
    digits[i] = m - d * 10;
    m = d;
  }
  m = low | 0;
  for (let i = 16; i >= 9; i--) {
    const d = (m / 10) | 0;
    digits[i] = m - d * 10;
    m = d;
  }
  return true;
}

/**
 * toExponential(16) is correctly rounded except that it breaks exact ties away from zero, and a tie
 * needs v to be a multiple of 2^-25 (decimal.ts explains the bound): those go to the exact path.
 */
function fromToExponential(buf: Uint8Array, pos: number, v: number, a: number): number {
  if (a < 2 ** 53 && Number.isInteger(a * 2 ** 25)) return writeAscii(buf, pos, writeDecimal(v, false));
  const s = a.toExponential(16); // d.dddddddddddddddde±x
  digits[0] = s.charCodeAt(0) - 48;
  for (let i = 1; i < 17; i++) digits[i] = s.charCodeAt(i + 1) - 48;
  let x = 0;
  for (let i = 20; i < s.length; i++) x = x * 10 + s.charCodeAt(i) - 48;
  if (s.charCodeAt(19) === 45) x = -x;
  return emitDigits(buf, pos, v < 0, 17, x);
}

/** %.17g layout of digits[0..nd) with the leading digit at 10^x (trailing zeros dropped), plus `.0` if integral. */
function emitDigits(buf: Uint8Array, pos: number, negative: boolean, nd: number, x: number): number {
  while (nd > 1 && digits[nd - 1] === 0) nd--;
  if (negative) buf[pos++] = 45;
  if (x < -4 || x >= 17) {
    buf[pos++] = 48 + digits[0]!;
    if (nd > 1) {
      buf[pos++] = 46;
      for (let i = 1; i < nd; i++) buf[pos++] = 48 + digits[i]!;
    }
    return writeExponent(buf, pos, x);
  }
  if (x < 0) {
    buf[pos++] = 48;
    buf[pos++] = 46;
    for (let i = -1; i > x; i--) buf[pos++] = 48;
    for (let i = 0; i < nd; i++) buf[pos++] = 48 + digits[i]!;
    return pos;
  }
  for (let i = 0; i <= x; i++) buf[pos++] = i < nd ? 48 + digits[i]! : 48;
  buf[pos++] = 46;
  if (nd <= x + 1) buf[pos++] = 48;
  else for (let i = x + 1; i < nd; i++) buf[pos++] = 48 + digits[i]!;
  return pos;
}
