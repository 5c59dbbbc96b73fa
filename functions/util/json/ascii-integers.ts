// Integers and ASCII tokens written straight into a byte buffer, for the response writer's hot
// loops (number-runs.ts): digits by int32 arithmetic where they fit, no string per element.
// Callers reserve room first (MAX_NUMBER_BYTES in ascii-decimal.ts covers every token here).

/** The decimal digits of a non-negative safe integer. */
export function writeUint(buf: Uint8Array, pos: number, n: number): number {
  if (n < 10) {
    buf[pos++] = 48 + n;
    return pos;
  }
  // Safe integers are below 10^16, so the powers compared against stay exact.
  let len = 1;
  for (let p = 10; p <= n; p *= 10) len++;
  let end = pos + len;
  const stop = end;
  if (n < 2147483648) {
    let m = n | 0;
    while (m >= 10) {
      const q = (m / 10) | 0;
      buf[--end] = 48 + (m - q * 10);
      m = q;
    }
    buf[--end] = 48 + m;
  } else {
    let m = n;
    while (m >= 10) {
      const q = Math.floor(m / 10);
      buf[--end] = 48 + (m - q * 10);
      m = q;
    }
    buf[--end] = 48 + m;
  }
  return stop;
}

/** A safe integer (any sign) as JSON's digits. */
export function writeInt(buf: Uint8Array, pos: number, n: number): number {
  if (n < 0) {
    buf[pos++] = 45;
    return writeUint(buf, pos, -n);
  }
  return writeUint(buf, pos, n);
}

/** An int64/uint64 element: every digit, through a Number when it is exact. */
export function writeBigInt(buf: Uint8Array, pos: number, b: bigint): number {
  const n = Number(b);
  return Number.isSafeInteger(n) ? writeInt(buf, pos, n) : writeAscii(buf, pos, b.toString());
}

/** Copies an ASCII string's characters. */
export function writeAscii(buf: Uint8Array, pos: number, s: string): number {
  for (let i = 0; i < s.length; i++) buf[pos++] = s.charCodeAt(i);
  return pos;
}

/** `e±XX` (at least two exponent digits, as printf writes them). */
export function writeExponent(buf: Uint8Array, pos: number, x: number): number {
  buf[pos++] = 101; /* e */
  let ax = x;
  if (x < 0) {
    buf[pos++] = 45;
    ax = -x;
  } else {
    buf[pos++] = 43; /* + */
  }
  if (ax >= 100) {
    buf[pos++] = 48 + Math.floor(ax / 100);
    ax %= 100;
  }
  buf[pos++] = 48 + Math.floor(ax / 10);
  buf[pos++] = 48 + (ax % 10);
  return pos;
}
