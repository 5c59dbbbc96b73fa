// The sliced parse gives the same documents and the same errors as the plain one, pausing on the
// way: in a long number list, between values, and with other parses running in its pauses (they
// share the number-run scratch buffers, which a paused run must not lend out).
import { describe, expect, it } from 'vitest';
import { JsonParseError, parseJson, parseJsonSliced } from '../../functions/util/json/parse.ts';
import { TimeSlicer } from '../../functions/util/time-slicer.ts';

const floats = (n: number, seed: number) => Array.from({ length: n }, (_, i) => (((i + seed) * 7919) % 10007) / 10007);

function errorOf(f: () => unknown): string {
  try {
    f();
    return 'no error';
  } catch (e) {
    return e instanceof JsonParseError ? e.message : String(e);
  }
}

async function slicedError(text: string, options: { numberRuns: boolean }): Promise<string> {
  try {
    await parseJsonSliced(text, new TimeSlicer(0), undefined, options);
    return 'no error';
  } catch (e) {
    return e instanceof JsonParseError ? e.message : String(e);
  }
}

describe('parseJsonSliced', () => {
  const long = `{"inputs": [${floats(200_000, 1).join(', ')}]}`; // one run of 200,000 numbers
  const nested = `{"instances": [${Array.from({ length: 20_000 }, (_, r) => `[${floats(20, r).join(',')}]`).join(', ')}]}`;
  const mixed = `{"inputs": [NaN, ${floats(100_000, 2).join(', ')}]}`; // the ordinary path

  it('gives the same document as parseJson, pausing along the way', async () => {
    for (const text of [long, nested, mixed]) {
      for (const numberRuns of [true, false]) {
        const slicer = new TimeSlicer(0); // every chance to pause is taken
        expect(await parseJsonSliced(text, slicer, undefined, { numberRuns })).toEqual(parseJson(text, undefined, { numberRuns }));
        expect(slicer.pauses).toBeGreaterThan(1);
      }
    }
  });

  it('gives the same errors at the same offsets', async () => {
    const broken = [
      long.replace('0.5', '0.5.'), long.slice(0, long.length - 10), `${long.slice(0, -2)} x]}`,
      nested.replace('],', '],,'), mixed.replace(/0\.\d+,/, '-,'), `${'['.repeat(600)}${']'.repeat(600)}`,
    ];
    for (const text of broken) {
      for (const numberRuns of [true, false]) {
        const expected = errorOf(() => parseJson(text, undefined, { numberRuns }));
        expect(expected).not.toBe('no error');
        expect(await slicedError(text, { numberRuns })).toBe(expected);
      }
    }
  });

  it('pauses by count where the clock stands still (workerd moves it on I/O only)', async () => {
    const slicer = new TimeSlicer(Infinity); // the clock never says the slice is over
    const longer = `{"inputs": [${floats(600_000, 5).join(', ')}]}`;
    expect(await parseJsonSliced(longer, slicer, undefined, { numberRuns: true })).toEqual(parseJson(longer, undefined, { numberRuns: true }));
    expect(slicer.pauses).toBeGreaterThan(0);
  });

  it('keeps concurrent parses apart', async () => {
    const a = `{"inputs": [${floats(100_000, 3).join(', ')}]}`;
    const b = `{"inputs": [${floats(100_000, 4).join(', ')}]}`;
    const [da, db] = await Promise.all([a, b, a, b].map((t) => parseJsonSliced(t, new TimeSlicer(0), undefined, { numberRuns: true })));
    expect(da).toEqual(parseJson(a, undefined, { numberRuns: true }));
    expect(db).toEqual(parseJson(b, undefined, { numberRuns: true }));
  });
});
