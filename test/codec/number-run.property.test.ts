// The NumberRun fast path (parseJson's `numberRuns`, codec/leaf-writers.ts RunWriter) against the
// ordinary tree: for random predict bodies, regular and irregular, both give exactly the same
// tensors (dtype, dims, data bit for bit) or exactly the same error, and both parses fail alike.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { predictInputsFromJson } from '../../functions/codec/predict-request.ts';
import type { DType } from '../../functions/tensor/dtype.ts';
import type { TensorSpec } from '../../functions/tensor/tensor-spec.ts';
import type { Tensor } from '../../functions/tensor/tensor.ts';
import { jsonDebugString } from '../../functions/util/json/debug-string.ts';
import { JsonParseError, parseJson } from '../../functions/util/json/parse.ts';
import { NumberRun, type JsonObject, type JsonValue } from '../../functions/util/json/value.ts';
import { ServingError } from '../../functions/util/status.ts';

const DTYPES: DType[] = ['float32', 'float64', 'float16', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'bool', 'string'];

/** One leaf as a client may write it: mostly plain numbers, sometimes anything else. */
const plainNumber = fc.oneof(
  fc.float({ noNaN: true, noDefaultInfinity: true }).map((f) => (/[.e]/.test(String(f)) ? String(f) : `${f}.0`)), // as Python prints
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((d) => String(d)), // 17-digit reprs, JS ints
  fc.float({ noNaN: true, noDefaultInfinity: true, min: -1, max: 1 }).map((f) => Math.fround(f).toPrecision(9)),
  fc.integer({ min: -70_000, max: 70_000 }).map(String),
  fc.constantFrom('0', '-0', '-0.0', '1e5', '2.5E-3', '0.1e1', '0.30000000000000004', '1.00000000000000000001', '123456789012345', '1234567890123456', '4294967296'),
);
const oddLeaf = fc.constantFrom(
  'NaN', '-Infinity', 'Inf', '9007199254740993', '18446744073709551615', '-9223372036854775808', '"s"', 'true',
  'null', '{"b64": "AA=="}', '{}', '[]', '[1]',
);
const malformed = fc.constantFrom('1.', '01', '1e', '-', '- 1', '1 2', '"x', '', '1e400', '1.5e+');
const plainInt = fc.oneof(fc.integer({ min: -300, max: 300 }), fc.integer({ min: -(2 ** 31), max: 2 ** 32 })).map(String);
/** Per document: the kind of leaves it holds, so that each outcome (tensor, error, parse error) is common. */
const LEAVES = {
  floats: plainNumber,
  ints: plainInt,
  odd: fc.oneof({ weight: 20, arbitrary: plainNumber }, { weight: 5, arbitrary: plainInt }, { weight: 1, arbitrary: oddLeaf }),
  malformed: fc.oneof({ weight: 60, arbitrary: plainNumber }, { weight: 1, arbitrary: malformed }),
};
type Leaves = keyof typeof LEAVES;

const sep = fc.constantFrom(',', ', ', ' ,', ',\n  ');

/** A list of `dims` (regular), with a chance of each list losing or gaining an element (ragged). */
function list(dims: readonly number[], ragged: boolean, leaves: Leaves): fc.Arbitrary<string> {
  const [n, ...rest] = dims;
  const item = rest.length === 0 ? LEAVES[leaves] : list(rest, ragged, leaves);
  const length = ragged ? fc.integer({ min: Math.max(0, n! - 1), max: n! + 1 }) : fc.constant(n!);
  return length.chain((len) => fc.tuple(fc.array(item, { minLength: len, maxLength: len }), sep)).map(([items, s]) => `[${items.join(s)}]`);
}

const body = fc
  .tuple(
    fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
    fc.boolean(),
    fc.constantFrom('inputs', 'instances'),
    fc.boolean(),
    fc.constantFrom<Leaves>('floats', 'ints', 'odd', 'malformed'),
  )
  .chain(([dims, ragged, key, named, leaves]) => list(dims, ragged, leaves).map((l) => (named ? `{"${key}": {"x": ${l}}}` : `{"${key}": ${l}}`)));

type Outcome = { tensors: [string, DType, readonly number[], number[]][] } | { error: string } | { parseError: string };

function bits(t: Tensor): number[] {
  const d = t.data;
  if (Array.isArray(d)) return d.map((s) => s.length); // strings: never produced from numbers
  const bytes = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  return Array.from(bytes);
}

function decode(text: string, dtype: DType, numberRuns: boolean): Outcome {
  let doc: JsonValue;
  try {
    doc = parseJson(text, undefined, { numberRuns });
  } catch (e) {
    if (e instanceof JsonParseError) return { parseError: e.message };
    throw e;
  }
  const spec: TensorSpec = { name: 'x', dtype, runtimeType: dtype, dims: undefined };
  try {
    const { feeds } = predictInputsFromJson(doc as JsonObject, [spec], text.length);
    return { tensors: [...feeds].map(([name, t]) => [name, t.dtype, t.dims, bits(t)]) };
  } catch (e) {
    if (e instanceof ServingError) return { error: `${e.code}: ${e.message}` };
    throw e;
  }
}

/** The tree with every NumberRun written out as the array it stands for. */
function expand(v: JsonValue): JsonValue {
  if (v instanceof NumberRun) return v.toArray();
  if (Array.isArray(v)) return v.map(expand);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, expand(x)]));
  return v;
}

describe('NumberRun fast path = ordinary tree', () => {
  it('gives the same tensors or the same error for every dtype', () => {
    fc.assert(
      fc.property(body, fc.constantFrom(...DTYPES), (text, dtype) => {
        expect(decode(text, dtype, true), text).toEqual(decode(text, dtype, false));
      }),
      { numRuns: 1500 },
    );
  });

  it('parses to the same tree and echoes it alike', () => {
    fc.assert(
      fc.property(body, (text) => {
        let plain: JsonValue;
        try {
          plain = parseJson(text);
        } catch (e) {
          expect(() => parseJson(text, undefined, { numberRuns: true })).toThrow((e as Error).message);
          return;
        }
        const runs = parseJson(text, undefined, { numberRuns: true });
        expect(expand(runs)).toEqual(plain);
        expect(jsonDebugString(runs)).toBe(jsonDebugString(plain));
      }),
      { numRuns: 1000 },
    );
  });

  it('makes runs of plain number lists only', () => {
    const doc = parseJson('{"inputs": [[1.5, 2, -0.0], [NaN, 1], [1, "a"], [9007199254740993], [1e2, -3]]}', undefined, { numberRuns: true }) as JsonObject;
    const rows = doc.get('inputs') as JsonValue[];
    expect(rows.map((r) => r instanceof NumberRun)).toEqual([true, false, false, false, true]);
    const first = rows[0] as NumberRun;
    expect([...first.values]).toEqual([1.5, 2, -0]);
    expect([0, 1, 2].map((k) => first.isInt(k))).toEqual([false, true, false]);
  });

  it('keeps the element budget: a small ragged body claiming a huge shape gets the ragged error', () => {
    const text = `{"inputs": [[${Array(1000).fill('0.5').join(',')}]${',[1]'.repeat(20_000)}]}`;
    expect(decode(text, 'float32', true)).toEqual({ error: 'INVALID_ARGUMENT: Encountered list at unexpected size: 1 at level: 1 expected size: 1000' });
    expect(decode(text, 'int32', true)).toEqual(decode(text, 'int32', false));
  });
});
