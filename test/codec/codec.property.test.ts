// Properties of the JSON codec: whatever edgeserve writes as a predict response it reads back as a
// predict request, bit for bit (floats incl. NaN/±Infinity/-0, int64/uint64 in full, strings and
// `_bytes` b64), and parseJson fails only with JsonParseError while agreeing with JSON.parse on
// every document JSON.parse accepts (up to RapidJSON's documented differences).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { predictInputsFromJson } from '../../functions/codec/predict-request.ts';
import { predictResponseBody } from '../../functions/codec/predict-response.ts';
import { JsonParseError, parseJson } from '../../functions/util/json/parse.ts';
import { JsonInt, type JsonObject, type JsonValue } from '../../functions/util/json/value.ts';
import type { TensorSpec } from '../../functions/tensor/tensor-spec.ts';
import type { DType } from '../../functions/tensor/dtype.ts';
import { allocate, elementCount, type Tensor } from '../../functions/tensor/tensor.ts';

const NUM_RUNS = 200;
const params = { numRuns: NUM_RUNS };

type Format = 'row' | 'columnar';

const spec = (name: string, dtype: DType): TensorSpec => ({ name, dtype, runtimeType: dtype, dims: undefined });

function makeTensor(dtype: DType, dims: number[], elements: readonly unknown[]): Tensor {
  const data = allocate(dtype, elementCount(dims));
  for (let i = 0; i < elements.length; i++) (data as unknown[])[i] = elements[i];
  return { dtype, dims, data };
}

/** Writes the outputs as a response, parses it, and feeds the result back in as a request. */
function roundTrip(format: Format, outputs: Map<string, Tensor>, inputDtype: (name: string) => DType): Map<string, Tensor> {
  const body = predictResponseBody(format, outputs);
  const response = parseJson(body);
  expect(response).toBeInstanceOf(Map);
  const payload = (response as JsonObject).get(format === 'row' ? 'predictions' : 'outputs');
  expect(payload).toBeDefined();
  const request: JsonObject = new Map([[format === 'row' ? 'instances' : 'inputs', payload!]]);
  const specs = [...outputs.keys()].map((name) => spec(name, inputDtype(name)));
  const back = predictInputsFromJson(request, specs);
  expect(back.format).toBe(format);
  return back.feeds;
}

function expectSameElements(actual: Tensor, expected: Tensor): void {
  expect(actual.dims).toEqual(expected.dims);
  expect(actual.dtype).toBe(expected.dtype);
  const a = actual.data as ArrayLike<unknown>;
  const e = expected.data as ArrayLike<unknown>;
  expect(a.length).toBe(e.length);
  for (let i = 0; i < e.length; i++) {
    if (!Object.is(a[i], e[i])) expect.fail(`element ${i}: got ${String(a[i])}, wrote ${String(e[i])}`);
  }
}

const dimsArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 });

/** A tensor of random shape (rank 1–3, dims 1–4) with elements from `element`. */
function tensorArb(dtype: DType, element: fc.Arbitrary<unknown>, dims: fc.Arbitrary<number[]> = dimsArb): fc.Arbitrary<Tensor> {
  return dims.chain((d) =>
    fc
      .array(element, { minLength: elementCount(d), maxLength: elementCount(d) })
      .map((elements) => makeTensor(dtype, d, elements)),
  );
}

/** One or two outputs sharing dim 0, as row format requires. */
function outputsArb(dtype: DType, element: fc.Arbitrary<unknown>, names: [string, string]): fc.Arbitrary<Map<string, Tensor>> {
  return fc
    .tuple(fc.integer({ min: 1, max: 4 }), dimsArb, dimsArb, fc.boolean())
    .chain(([batch, restA, restB, two]) => {
      const a = tensorArb(dtype, element, fc.constant([batch, ...restA.slice(1)]));
      const b = tensorArb(dtype, element, fc.constant([batch, ...restB.slice(1)]));
      return two
        ? fc.tuple(a, b).map(([ta, tb]) => new Map([[names[0], ta], [names[1], tb]]))
        : a.map((ta) => new Map([[names[0], ta]]));
    });
}

function checkRoundTrip(dtype: DType, element: fc.Arbitrary<unknown>, names: [string, string] = ['y', 'z']): void {
  fc.assert(
    fc.property(outputsArb(dtype, element, names), fc.constantFrom<Format>('row', 'columnar'), (outputs, format) => {
      const back = roundTrip(format, outputs, () => dtype);
      expect([...back.keys()].sort()).toEqual([...outputs.keys()].sort());
      for (const [name, t] of outputs) expectSameElements(back.get(name)!, t);
    }),
    params,
  );
}

describe('response → request round trips', () => {
  it('(a) float32, NaN/±Infinity/-0 and subnormals included, bit-exact', () => {
    checkRoundTrip('float32', fc.float());
  });

  it('(a) float32 of every shape, rank 1–3, single output', () => {
    fc.assert(
      fc.property(tensorArb('float32', fc.float()), fc.constantFrom<Format>('row', 'columnar'), (t, format) => {
        expectSameElements(roundTrip(format, new Map([['y', t]]), () => 'float32').get('y')!, t);
      }),
      params,
    );
  });

  it('(b) float64, bit-exact through 17 significant digits', () => {
    checkRoundTrip('float64', fc.double());
  });

  it('(c) int64 over its full range', () => {
    checkRoundTrip('int64', fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }));
  });

  it('(c) uint64 over its full range', () => {
    checkRoundTrip('uint64', fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }));
  });

  it('(d) strings through a string output, lone surrogates and NUL included', () => {
    const anyCodeUnits = fc.string({
      unit: fc.oneof(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
        fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
        fc.constantFrom('"', '\\', '\0', '\n', '/', '\u2028'),
      ),
      maxLength: 12,
    });
    checkRoundTrip('string', anyCodeUnits, ['s', 't']);
  });

  it('(d) strings through a _bytes output (b64) decoded back', () => {
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 6 }));
    fc.assert(
      fc.property(outputsArb('string', text, ['s_bytes', 't_bytes']), fc.constantFrom<Format>('row', 'columnar'), (outputs, format) => {
        // The wire carries b64 objects only.
        expect(predictResponseBody(format, outputs)).not.toMatch(/"b64": "[^"]*[^A-Za-z0-9+/="][^"]*"/);
        const back = roundTrip(format, outputs, () => 'string');
        for (const [name, t] of outputs) expectSameElements(back.get(name)!, t);
      }),
      params,
    );
  });
});

// ---- parseJson against JSON.parse ----

/** A comparable form: JsonInt as its double, zeros unsigned, objects as key-sorted entry lists. */
function fromOurs(v: JsonValue): unknown {
  if (v instanceof JsonInt) return unsignedZero(v.value);
  if (typeof v === 'number') return unsignedZero(v);
  if (Array.isArray(v)) return v.map(fromOurs);
  if (v instanceof Map) return { entries: sortEntries([...v].map(([k, x]) => [k, fromOurs(x)])) };
  return v;
}

function fromJs(v: unknown): unknown {
  if (typeof v === 'number') return unsignedZero(v);
  if (Array.isArray(v)) return v.map(fromJs);
  if (v !== null && typeof v === 'object') {
    return { entries: sortEntries(Object.keys(v).map((k) => [k, fromJs((v as Record<string, unknown>)[k])])) };
  }
  return v;
}

const unsignedZero = (x: number) => (x === 0 ? 0 : x);
const sortEntries = (e: [string, unknown][]) => e.sort((p, q) => (p[0] < q[0] ? -1 : p[0] > q[0] ? 1 : 0));

function hasNonFinite(v: unknown): boolean {
  if (typeof v === 'number') return !Number.isFinite(v);
  if (Array.isArray(v)) return v.some(hasNonFinite);
  if (v !== null && typeof v === 'object') return Object.values(v).some(hasNonFinite);
  return false;
}

/** Whether a document that JSON.parse accepted repeats a key in one object (JSON.parse: last wins). */
function hasDuplicateKey(text: string): boolean {
  const stack: { keys: Set<string> | undefined; expectKey: boolean }[] = [];
  const stringToken = /"(?:[^"\\]|\\.)*"/y;
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (c === '"') {
      stringToken.lastIndex = i;
      const token = stringToken.exec(text)![0];
      const top = stack[stack.length - 1];
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(token) as string;
        if (top.keys.has(key)) return true;
        top.keys.add(key);
        top.expectKey = false;
      }
      i += token.length;
      continue;
    }
    if (c === '{') stack.push({ keys: new Set(), expectKey: true });
    else if (c === '[') stack.push({ keys: undefined, expectKey: false });
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ',' && stack[stack.length - 1]?.keys) stack[stack.length - 1]!.expectKey = true;
    i++;
  }
  return false;
}

const utf8Bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/**
 * parseJson either returns or throws a JsonParseError whose offset lies inside the input; where
 * JSON.parse accepts the text, parseJson accepts it too and builds the same structure, except
 * where RapidJSON differs on purpose: a lone high-surrogate escape is an error, so is a number
 * beyond the double range, and a repeated key keeps its first value.
 */
function checkAgainstJsonParse(text: string): void {
  let ours: JsonValue | undefined;
  let error: JsonParseError | undefined;
  try {
    ours = parseJson(text);
  } catch (e) {
    if (!(e instanceof JsonParseError)) throw e;
    error = e;
    expect(e.offset).toBeGreaterThanOrEqual(0);
    expect(e.offset).toBeLessThanOrEqual(utf8Bytes(text));
  }
  let js: unknown;
  try {
    js = JSON.parse(text);
  } catch {
    return;
  }
  if (error !== undefined) {
    if (error.reason === 'The surrogate pair in string is invalid.') return;
    if (error.reason === 'Number too big to be stored in double.' && hasNonFinite(js)) return;
    expect.fail(`JSON.parse accepts ${JSON.stringify(text)} but parseJson fails: ${error.message}`);
  }
  if (hasDuplicateKey(text)) return;
  expect(fromOurs(ours!)).toEqual(fromJs(js));
}

const JSONISH = [...'[]{}",:0123456789.eE+- \n\t\\/ubfnrtNaIinfyls', 'é', '😀', '\0', 'null', 'true', 'NaN', 'Infinity', '\\u', 'D83D'];

const mutation = fc.record({
  kind: fc.constantFrom('insert', 'delete', 'replace'),
  at: fc.nat(),
  text: fc.constantFrom(...JSONISH),
});

function mutate(text: string, edits: { kind: string; at: number; text: string }[]): string {
  let s = text;
  for (const { kind, at, text: piece } of edits) {
    const i = at % (s.length + 1);
    if (kind === 'insert') s = s.slice(0, i) + piece + s.slice(i);
    else if (kind === 'delete') s = s.slice(0, i) + s.slice(i + 1);
    else s = s.slice(0, i) + piece + s.slice(i + 1);
  }
  return s;
}

describe('(e) parseJson against arbitrary text', () => {
  it('arbitrary ASCII strings', () => {
    fc.assert(fc.property(fc.string(), checkAgainstJsonParse), params);
  });

  it('arbitrary Unicode strings (any code point)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), checkAgainstJsonParse), params);
  });

  it('strings over a JSON-like alphabet', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...JSONISH), maxLength: 30 }), checkAgainstJsonParse), params);
  });

  it('valid JSON (fc.json), compact and indented, equal to JSON.parse', () => {
    fc.assert(
      fc.property(fc.json({ stringUnit: 'binary', maxDepth: 4 }), fc.boolean(), (text, indent) => {
        const doc = indent ? JSON.stringify(JSON.parse(text), null, '\t') : text;
        expect(() => parseJson(doc)).not.toThrow();
        checkAgainstJsonParse(doc);
      }),
      params,
    );
  });

  it('valid JSON with random insertions, deletions and replacements', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 3 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (text, edits) => {
        checkAgainstJsonParse(mutate(text, edits));
      }),
      params,
    );
  });

  it('the duplicate-key detector used above finds duplicates', () => {
    expect(hasDuplicateKey('{"a":1,"a":2}')).toBe(true);
    expect(hasDuplicateKey('{"a":{"a":1},"b":["a","a"]}')).toBe(false);
    expect(hasDuplicateKey('{"a\\"":1,"a\\u0022":2}')).toBe(true);
    expect(hasDuplicateKey('[{"k":1},{"k":2}]')).toBe(false);
  });
});
