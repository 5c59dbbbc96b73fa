// Number formatting as TF Serving writes it.

/** C's `%.{precision}g`. */
export function formatG(v: number, precision: number): string {
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const exp = v.toExponential(precision - 1);
  const e = exp.indexOf('e');
  const x = Number(exp.slice(e + 1));
  const negative = v < 0;
  const digits = exp.slice(negative ? 1 : 0, e).replace('.', '');
  const sign = negative ? '-' : '';
  if (x < -4 || x >= precision) {
    const mantissa = trimFraction(digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits);
    const ax = Math.abs(x);
    return `${sign}${mantissa}e${x < 0 ? '-' : '+'}${ax < 10 ? '0' : ''}${ax}`;
  }
  if (x < 0) return sign + trimFraction(`0.${'0'.repeat(-x - 1)}${digits}`);
  const whole = digits.slice(0, x + 1);
  const fraction = digits.slice(x + 1);
  return sign + (fraction ? trimFraction(`${whole}.${fraction}`) : whole);
}

function trimFraction(s: string): string {
  if (!s.includes('.')) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48 /* 0 */) end--;
  if (s.charCodeAt(end - 1) === 46 /* . */) end--;
  return s.slice(0, end);
}

/**
 * TF Serving's WriteDecimal (util/json_tensor.cc): six significant digits when they round-trip,
 * else max_digits10 (9 for float, 17 for double); `.0` appended to integral values; non-finite
 * values as the bare tokens NaN, Infinity, -Infinity.
 */
export function writeDecimal(v: number, float32: boolean): string {
  if (v !== v) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  let s = formatG(v, 6);
  const back = float32 ? Math.fround(Number(s)) : Number(s);
  if (back !== v) s = formatG(v, float32 ? 9 : 17);
  if (!s.includes('.') && !s.includes('e')) s += '.0';
  return s;
}

/**
 * RapidJSON's Writer::Double (Grisu shortest digits, then Prettify), used when TF Serving echoes a
 * parsed double back inside an error message. Returns undefined for NaN/Infinity, which RapidJSON's
 * writer refuses (the echo stops there).
 */
export function rapidJsonDouble(v: number): string | undefined {
  if (!Number.isFinite(v)) return undefined;
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const exp = v.toExponential();
  const e = exp.indexOf('e');
  const negative = v < 0;
  const digits = exp.slice(negative ? 1 : 0, e).replace('.', '');
  const sign = negative ? '-' : '';
  const length = digits.length;
  const kk = Number(exp.slice(e + 1)) + 1; // 10^(kk-1) <= |v| < 10^kk
  if (length <= kk && kk <= 21) return `${sign}${digits}${'0'.repeat(kk - length)}.0`;
  if (kk > 0 && kk <= 21) return `${sign}${digits.slice(0, kk)}.${digits.slice(kk)}`;
  if (kk > -6 && kk <= 0) return `${sign}0.${'0'.repeat(-kk)}${digits}`;
  const mantissa = length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
  return `${sign}${mantissa}e${kk - 1}`;
}
