// WriteDecimal and %.Ng as functions/util/json/decimal.ts wrote them before issue #14 (string
// slicing over toExponential), kept frozen as the oracle for the fast number writer.
/** C's `%.{precision}g`. */
export function formatG(v: number, precision: number): string {
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const exp = toExponentialHalfEven(v, precision - 1);
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

/**
 * `v.toExponential(fractionDigits)`, except that an exact tie goes to the even digit as printf (and
 * absl) round it, where toExponential goes away from zero: 1234567.125 at 9 digits is 1234567.12.
 */
function toExponentialHalfEven(v: number, fractionDigits: number): string {
  const rounded = v.toExponential(fractionDigits);
  // A tie has fractionDigits + 2 significant digits, so 5^j < 10^(fractionDigits + 2) for the
  // 2^-j it is a multiple of, and it is an odd integer if it is one: other values are no tie.
  const j = Math.floor(((fractionDigits + 2) * Math.LN10) / Math.log(5));
  if (!(Math.abs(v) < 2 ** 53) || !Number.isInteger(v * 2 ** j)) return rounded;
  // v = n / 2^j with |v| < 2^53 has at most 16 + j significant digits: this shows all of them.
  const exact = v.toExponential(16 + j);
  const e = exact.indexOf('e');
  const sign = v < 0 ? '-' : '';
  const digits = exact[sign.length] + exact.slice(sign.length + 2, e);
  const kept = fractionDigits + 1;
  if (digits[kept] !== '5' || !/^0*$/.test(digits.slice(kept + 1))) return rounded; // no tie
  if ((digits.charCodeAt(kept - 1) - 48) % 2 === 1) return rounded; // odd: away is to even
  const fraction = digits.slice(1, kept);
  return `${sign}${digits[0]}${fraction ? `.${fraction}` : ''}${exact.slice(e)}`;
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

