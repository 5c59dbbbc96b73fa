// Correctly rounded decimal → double for mantissas of 16 to 19 digits, the common case of float
// data from Python (numpy float32 rows print with 16–17 digits), without a string round trip
// through Number(). Clinger's fast path needs a mantissa below 2^53; past that, the mantissa is
// carried exactly as a double-double and the quotient's rounding is decided from the exact
// remainder. Where the remainder is too close to a rounding midpoint to decide, it answers
// undefined and the caller falls back to Number().

const SPLITTER = 134217729; // 2^27 + 1 (Veltkamp)
const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
  1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

const scratch = new Float64Array(1);
const words = new Uint32Array(scratch.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HIGH = LITTLE_ENDIAN ? 1 : 0;
const LOW = 1 - HIGH;

/** Error of a·b (Dekker's TwoProduct without FMA): a·b = fl(a·b) + twoProductError(a, b, fl(a·b)). */
function twoProductError(a: number, b: number, p: number): number {
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/**
 * The double nearest to (high·10^lowDigits + low) / 10^divisorExponent, where high < 2^53,
 * low < 10^lowDigits ≤ 10^4 and divisorExponent ≤ 22; undefined when undecidable here.
 */
export function longDecimalToDouble(high: number, low: number, lowDigits: number, divisorExponent: number): number | undefined {
  if (lowDigits > 4 || divisorExponent > 22 || divisorExponent < 0) return undefined;
  // The mantissa M = mh + ml exactly.
  const scale = POW10[lowDigits]!;
  const p = high * scale;
  const pe = twoProductError(high, scale, p);
  const mh = p + low;
  const ml = (low - (mh - p)) + pe; // TwoSum's error (|low| ≤ |p|), plus the product's
  const divisor = POW10[divisorExponent]!;
  const q = mh / divisor;
  if (q === 0 || !Number.isFinite(q)) return undefined;
  // Exact remainder r = M − q·divisor (Sterbenz: mh and q·divisor are within a factor of 2).
  const qd = q * divisor;
  const r = (mh - qd) - twoProductError(q, divisor, qd) + ml;
  // The true quotient is q + r/divisor; q is right unless that is past half an ulp.
  scratch[0] = q;
  const exponentBits = (words[HIGH]! >>> 20) & 0x7ff;
  if (exponentBits <= 53) return undefined; // subnormal territory: let Number() decide
  // Half an ulp of q is 2^(e−1076): built from its bits, which is cheaper than Math.pow.
  words[HIGH] = (exponentBits - 53) << 20;
  words[LOW] = 0;
  const halfUlp = scratch[0]!;
  const halfUlpTimesDivisor = halfUlp * divisor; // exact: a power of two times 10^k
  const margin = halfUlpTimesDivisor * 2 ** -40; // far above the rounding error of r
  const distance = Math.abs(r) - halfUlpTimesDivisor;
  if (Math.abs(distance) <= margin) return undefined; // too close to a midpoint
  if (distance < 0) return q;
  // q is an ulp off: step once, and the rest must then be clearly under half an ulp.
  const rest = Math.abs(r) - 2 * halfUlpTimesDivisor;
  if (Math.abs(rest) >= halfUlpTimesDivisor - margin) return undefined;
  // Stepping below a power of two would halve the ulp; leave that rare case to Number().
  scratch[0] = q;
  if (r < 0 && words[LOW] === 0 && (words[HIGH]! & 0xfffff) === 0) return undefined;
  return r > 0 ? q + 2 * halfUlp : q - 2 * halfUlp;
}
