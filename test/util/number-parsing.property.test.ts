// The parser's number conversion must equal Number() (correct rounding) on every decimal form a
// client sends: shortest round-trip text, 16/17-digit printf text, exponents, long mantissas.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { longDecimalToDouble } from '../../functions/util/json/decimal-to-double.ts';
import { parseJson } from '../../functions/util/json/parse.ts';

const parseNumber = (text: string) => (parseJson(`[${text}]`) as number[])[0];

describe('decimal → double', () => {
  it('agrees with Number() on doubles printed every usual way', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        for (const text of [String(v), v.toPrecision(17), v.toPrecision(16), v.toExponential(), v.toFixed(Math.min(20, 5))]) {
          if (!/[.eE]/.test(text)) continue; // integer literals are JsonInt, tested elsewhere
          if (!Number.isFinite(Number(text))) continue; // past the largest double: RapidJSON's 'too big' error
          expect(Object.is(parseNumber(text), Number(text)), text).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with Number() on float32 data printed as Python does (16–17 digits)', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), (f) => {
        const text = String(f).includes('.') || String(f).includes('e') ? String(f) : `${f}.0`;
        expect(Object.is(parseNumber(text), Number(text)), text).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with Number() on random long digit strings near rounding midpoints', () => {
    const digits = fc.stringMatching(/^[1-9][0-9]{15,19}$/);
    fc.assert(
      fc.property(digits, fc.integer({ min: 0, max: 22 }), (ds, point) => {
        const at = Math.max(1, ds.length - point);
        const text = `${ds.slice(0, at)}.${ds.slice(at) || '0'}`;
        expect(Object.is(parseNumber(text), Number(text)), text).toBe(true);
        // Midpoints of two doubles written in full are the hardest case for the fast path.
        const mid = (Number(text) + Number(text) * (1 + 2 ** -52)) / 2;
        const midText = mid.toPrecision(19);
        if (/[.]/.test(midText) && !/e/.test(midText)) expect(Object.is(parseNumber(midText), Number(midText)), midText).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('decides or declines, never guesses: every answer matches Number()', () => {
    fc.assert(
      fc.property(fc.integer({ min: 900_000_000_000_000, max: 9_007_199_254_740_991 }), fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 22 }), (high, lowRaw, lowDigits, k) => {
          const low = lowRaw % 10 ** lowDigits;
          const answer = longDecimalToDouble(high, low, lowDigits, k);
          if (answer === undefined) return;
          const m = `${high}${lowDigits ? String(low).padStart(lowDigits, '0') : ''}`;
          const text = k === 0 ? m : `${m.slice(0, -k) || '0'}.${m.slice(-k).padStart(k, '0')}`;
          expect(answer, text).toBe(Number(text));
        }),
      { numRuns: 5000 },
    );
  });
});
