// IEEE 754 half-precision conversion. Node 20 and workerd have no Float16Array, and onnxruntime
// takes float16 tensors as a Uint16Array of half bits, so edgeserve converts by hand.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Round a JS number to the nearest half (ties to even) and return its 16 bits. */
export function toHalfBits(value: number): number {
  f32[0] = value;
  let x = u32[0]!;
  if (f32[0] !== value && value === value) {
    // Going double → float32 → half would round twice. Rounding to float32 "to odd" (toward zero,
    // then the last bit set when inexact) keeps the second rounding exact: 13 spare bits remain.
    if (Math.abs(f32[0]!) > Math.abs(value)) x -= 1;
    x |= 1;
  }
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf or NaN (quiet)
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow → Inf
  if (e <= 0) {
    if (e < -10) return sign; // underflow → ±0
    mant |= 0x800000; // subnormal half: shift the implicit bit in
    const shift = 14 - e;
    const half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rest > mid || (rest === mid && (half & 1)) ? 1 : 0));
  }
  const half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  // Rounding may carry into the exponent, which is exactly right (up to Inf).
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && (half & 1)) ? 1 : 0));
}

/** The value of 16 half bits as a JS number. */
export function fromHalfBits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}
