// The predict codec on its own: request JSON → input tensors (contract §5.1–5.3, §6.2, §6.4, §2.3
// predict and tensor-value errors) and output tensors → response bytes (§5.4, §5.5, §6.3).
import { describe, expect, it } from 'vitest';
import { predictInputsFromJson, type PredictInputs } from '../../functions/codec/predict-request.ts';
import { predictResponseBody } from '../../functions/codec/predict-response.ts';
import { parseJson } from '../../functions/util/json/parse.ts';
import type { JsonObject } from '../../functions/util/json/value.ts';
import { ServingError } from '../../functions/util/status.ts';
import type { TensorSpec } from '../../functions/tensor/tensor-spec.ts';
import type { DType } from '../../functions/tensor/dtype.ts';
import { fromHalfBits, toHalfBits } from '../../functions/tensor/float16.ts';
import type { Tensor, TensorData } from '../../functions/tensor/tensor.ts';

const spec = (name: string, dtype: DType | undefined, runtimeType: string = dtype ?? 'bfloat16'): TensorSpec => ({
  name,
  dtype,
  runtimeType,
  dims: undefined,
});

function request(text: string, specs: readonly TensorSpec[]): PredictInputs {
  const doc = parseJson(text);
  if (!(doc instanceof Map)) throw new Error('test bodies are objects');
  return predictInputsFromJson(doc as JsonObject, specs);
}

/** The single feed `x` of a one-input signature. */
function feed(text: string, dtype: DType): Tensor {
  const { feeds } = request(text, [spec('x', dtype)]);
  expect([...feeds.keys()]).toEqual(['x']);
  return feeds.get('x')!;
}

function failure(fn: () => unknown): ServingError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ServingError) return e;
    throw e;
  }
  throw new Error('no error');
}

/** The 400 message of a request, asserting the code. */
function rejected(text: string, specs: readonly TensorSpec[]): string {
  const e = failure(() => request(text, specs));
  expect(e.code).toBe('INVALID_ARGUMENT');
  expect(e.httpStatus).toBe(400);
  return e.message;
}

const one = (dtype: DType) => [spec('x', dtype)];
const values = (t: Tensor) => Array.from(t.data as ArrayLike<unknown>);

describe('request shapes', () => {
  it('columnar: the value is the tensor, without a batch dimension', () => {
    const t = feed('{"inputs": [[[1,2],[3,4],[5,6]]]}', 'float32');
    expect(t.dims).toEqual([1, 3, 2]);
    expect(t.dtype).toBe('float32');
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(values(t)).toEqual([1, 2, 3, 4, 5, 6]);

    const scalar = feed('{"inputs": 5}', 'float32');
    expect(scalar.dims).toEqual([]);
    expect(values(scalar)).toEqual([5]);

    const empty = feed('{"inputs": []}', 'float32');
    expect(empty.dims).toEqual([0]);
    expect(empty.data.length).toBe(0);

    expect(feed('{"inputs": [[], []]}', 'int32').dims).toEqual([2, 0]);
  });

  it('row: instances stack along a new first dimension', () => {
    const r = request('{"instances":[[]]}', one('float32'));
    expect(r.format).toBe('row');
    expect(r.feeds.get('x')!.dims).toEqual([1, 0]);
    expect(feed('{"instances": [[], [], []]}', 'float32').dims).toEqual([3, 0]);

    const m = feed('{"instances": [[1,2],[3,4]]}', 'float32');
    expect(m.dims).toEqual([2, 2]);
    expect(values(m)).toEqual([1, 2, 3, 4]);

    const v = feed('{"instances": [1.0, 2.0]}', 'float32');
    expect(v.dims).toEqual([2]);
    expect(values(v)).toEqual([1, 2]);

    const nested = feed('{"instances": [[[1, 2]], [[3, 4]]]}', 'int64');
    expect(nested.dims).toEqual([2, 1, 2]);
    expect(values(nested)).toEqual([1n, 2n, 3n, 4n]);
  });

  it('reports the request format', () => {
    expect(request('{"inputs": [1]}', one('float32')).format).toBe('columnar');
    expect(request('{"instances": [1]}', one('float32')).format).toBe('row');
    // Extra top-level keys are ignored.
    expect(request('{"signature_name": "s", "x": 1, "inputs": [1]}', one('float32')).format).toBe('columnar');
  });

  it('accepts mixed integer and float literals for a float tensor', () => {
    expect(values(feed('{"instances": [1, 2.0, 3, 5.003]}', 'float32'))).toEqual([1, 2, 3, Math.fround(5.003)]);
  });

  it('row: named objects, one tensor per key', () => {
    const r = request(
      '{"instances": [{"tag": "foo", "signal": [1,2,3,4,5], "sensor": [[1,2],[3,4]]},' +
        '{"tag": "bar", "signal": [3,4,1,2,5], "sensor": [[4,5],[6,8]]}]}',
      [spec('tag', 'string'), spec('signal', 'int32'), spec('sensor', 'float32')],
    );
    expect(r.feeds.get('tag')).toEqual({ dtype: 'string', dims: [2], data: ['foo', 'bar'] });
    expect(r.feeds.get('signal')!.dims).toEqual([2, 5]);
    expect(values(r.feeds.get('signal')!)).toEqual([1, 2, 3, 4, 5, 3, 4, 1, 2, 5]);
    expect(r.feeds.get('sensor')!.dims).toEqual([2, 2, 2]);
    expect(values(r.feeds.get('sensor')!)).toEqual([1, 2, 3, 4, 4, 5, 6, 8]);

    const single = request('{"instances":[{"x":[1.0]}]}', one('float32'));
    expect(single.feeds.get('x')!.dims).toEqual([1, 1]);
  });

  it('columnar: an object holds independent tensors and extra keys are ignored', () => {
    const r = request('{"inputs": {"a": [1], "b": [[1,2],[3,4],[5,6]], "zzz": "ignored"}}', [
      spec('a', 'float32'),
      spec('b', 'int32'),
    ]);
    expect([...r.feeds.keys()].sort()).toEqual(['a', 'b']);
    expect(r.feeds.get('a')!.dims).toEqual([1]);
    expect(r.feeds.get('b')!.dims).toEqual([3, 2]);
  });
});

describe('request values by dtype (contract §6.2)', () => {
  it('float32: any number, rounded to float; NaN/Inf tokens; overflow to ±Inf, underflow to ±0', () => {
    const t = feed('{"inputs": [1, 1.5, NaN, -Infinity, 1e39, -1e39, 1e-50, -1e-50, 1435774380, 9007199254740993]}', 'float32');
    const v = values(t) as number[];
    expect(v[0]).toBe(1);
    expect(v[1]).toBe(1.5);
    expect(v[2]).toBeNaN();
    expect(v[3]).toBe(-Infinity);
    expect(v[4]).toBe(Infinity);
    expect(v[5]).toBe(-Infinity);
    expect(Object.is(v[6], 0)).toBe(true);
    expect(Object.is(v[7], -0)).toBe(true);
    expect(v[8]).toBe(1435774336);
    expect(v[9]).toBe(9007199254740992);
  });

  it('float64: doubles kept exactly', () => {
    const t = feed('{"inputs": [0.1, 9007199254740993, 1e308, -0.0, 0.30000000000000004]}', 'float64');
    expect(t.data).toBeInstanceOf(Float64Array);
    const v = values(t) as number[];
    expect(v[0]).toBe(0.1);
    expect(v[1]).toBe(9007199254740992);
    expect(v[2]).toBe(1e308);
    expect(Object.is(v[3], -0)).toBe(true);
    expect(v[4]).toBe(0.1 + 0.2);
  });

  it('int32: integer literals in range only', () => {
    expect(values(feed('{"inputs": [2147483647, -2147483648, -0]}', 'int32'))).toEqual([2147483647, -2147483648, 0]);
    expect(rejected('{"inputs": [1.0]}', one('int32'))).toBe('JSON Value: 1.0 Type: Number is not of expected type: int32');
    expect(rejected('{"inputs": [1e2]}', one('int32'))).toBe('JSON Value: 100.0 Type: Number is not of expected type: int32');
    expect(rejected('{"inputs": [2147483648]}', one('int32'))).toBe(
      'JSON Value: 2147483648 Type: Number is not of expected type: int32',
    );
    expect(rejected('{"inputs": [-2147483649]}', one('int32'))).toBe(
      'JSON Value: -2147483649 Type: Number is not of expected type: int32',
    );
    expect(rejected('{"inputs": [NaN]}', one('int32'))).toBe('JSON Value: NaN Type: Number is not of expected type: int32');
  });

  it('int8/int16/uint8: checked against int32 only, then truncated like a C cast', () => {
    expect(values(feed('{"inputs": [300, -200, 127, -128]}', 'int8'))).toEqual([44, 56, 127, -128]);
    expect(values(feed('{"inputs": [70000, -32769]}', 'int16'))).toEqual([4464, 32767]);
    expect(values(feed('{"inputs": [-1, 256, 300]}', 'uint8'))).toEqual([255, 0, 44]);
    expect(rejected('{"inputs": [2147483648]}', one('int8'))).toBe(
      'JSON Value: 2147483648 Type: Number is not of expected type: int8',
    );
    expect(rejected('{"inputs": [1.5]}', one('uint8'))).toBe('JSON Value: 1.5 Type: Number is not of expected type: uint8');
    expect(rejected('{"inputs": [true]}', one('int16'))).toBe('JSON Value: true Type: True is not of expected type: int16');
  });

  it('int64: exact over the whole range', () => {
    const t = feed('{"inputs": [9223372036854775807, -9223372036854775808, 9007199254740993, -1, 0]}', 'int64');
    expect(t.data).toBeInstanceOf(BigInt64Array);
    expect(values(t)).toEqual([2n ** 63n - 1n, -(2n ** 63n), 9007199254740993n, -1n, 0n]);
    expect(rejected('{"inputs": [9223372036854775808]}', one('int64'))).toBe(
      'JSON Value: 9223372036854775808 Type: Number is not of expected type: int64',
    );
    expect(rejected('{"inputs": [1.0]}', one('int64'))).toBe('JSON Value: 1.0 Type: Number is not of expected type: int64');
  });

  it('uint64 and uint32: non-negative integer literals in range', () => {
    const t = feed('{"inputs": [18446744073709551615, 0, 9223372036854775808]}', 'uint64');
    expect(t.data).toBeInstanceOf(BigUint64Array);
    expect(values(t)).toEqual([2n ** 64n - 1n, 0n, 2n ** 63n]);
    expect(rejected('{"inputs": [-1]}', one('uint64'))).toBe('JSON Value: -1 Type: Number is not of expected type: uint64');
    // Beyond 2^64-1 the literal is a double, echoed with the WriteDecimal float rules.
    expect(rejected('{"inputs": [18446744073709551616]}', one('uint64'))).toBe(
      'JSON Value: 1.84467441e+19 Type: Number is not of expected type: uint64',
    );
    expect(values(feed('{"inputs": [4294967295, 0]}', 'uint32'))).toEqual([4294967295, 0]);
    expect(rejected('{"inputs": [4294967296]}', one('uint32'))).toBe(
      'JSON Value: 4294967296 Type: Number is not of expected type: uint32',
    );
    expect(rejected('{"inputs": [-1]}', one('uint32'))).toBe('JSON Value: -1 Type: Number is not of expected type: uint32');
  });

  it('bool: true and false only', () => {
    const t = feed('{"inputs": [true, false]}', 'bool');
    expect(t.data).toBeInstanceOf(Uint8Array);
    expect(values(t)).toEqual([1, 0]);
    expect(rejected('{"inputs": [0]}', one('bool'))).toBe('JSON Value: 0 Type: Number is not of expected type: bool');
    expect(rejected('{"instances": [1]}', one('bool'))).toBe(
      "Failed to process element: 0 of 'instances' list. Error: INVALID_ARGUMENT: JSON Value: 1 Type: Number is not of expected type: bool",
    );
    expect(rejected('{"inputs": ["true"]}', one('bool'))).toBe(
      'JSON Value: "true" Type: String is not of expected type: bool',
    );
  });

  it('null is never a tensor value', () => {
    expect(rejected('{"inputs": [null]}', one('float32'))).toBe('JSON Value: null Type: Null is not of expected type: float');
    expect(rejected('{"inputs": null}', one('string'))).toBe('JSON Value: null Type: Null is not of expected type: string');
    expect(rejected('{"inputs": [1, "a"]}', one('float64'))).toBe(
      'JSON Value: "a" Type: String is not of expected type: double',
    );
  });

  it('string: JSON strings and {"b64": …} objects at any depth', () => {
    expect(feed('{"instances": ["foo", "bar", "baz"]}', 'string')).toEqual({
      dtype: 'string',
      dims: [3],
      data: ['foo', 'bar', 'baz'],
    });
    expect(feed('{"instances": [{"b64": "aGVsbG8="}, {"b64": "d29ybGQ="}]}', 'string')).toEqual({
      dtype: 'string',
      dims: [2],
      data: ['hello', 'world'],
    });
    expect(feed('{"inputs": [[{"b64": "aGk="}, "x"], ["y", {"b64": "aGk"}]]}', 'string')).toEqual({
      dtype: 'string',
      dims: [2, 2],
      data: ['hi', 'x', 'y', 'hi'],
    });
    expect(feed('{"inputs": {"b64": "aGk="}}', 'string')).toEqual({ dtype: 'string', dims: [], data: ['hi'] });
    expect(feed('{"instances": [[{"b64": ""}]]}', 'string')).toEqual({ dtype: 'string', dims: [1, 1], data: [''] });
    expect(feed('{"inputs": ["caf\\u00e9 😀", ""]}', 'string').data).toEqual(['café 😀', '']);
  });

  it('string: objects that are not exactly {"b64": <string>}', () => {
    expect(rejected('{"inputs": [{"b64": 1}]}', one('string'))).toBe(
      'JSON Value: {\n    "b64": 1\n} not formatted correctly for base64 data',
    );
    expect(rejected('{"inputs": [{"b64": "aGk=", "x": 1}]}', one('string'))).toBe(
      'JSON Value: {\n    "b64": "aGk=",\n    "x": 1\n} not formatted correctly for base64 data',
    );
    expect(rejected('{"inputs": [{}]}', one('string'))).toBe('JSON Value: {} not formatted correctly for base64 data');
    expect(rejected('{"inputs": [{"B64": "aGk="}]}', one('string'))).toBe(
      'JSON Value: {\n    "B64": "aGk="\n} not formatted correctly for base64 data',
    );
    expect(rejected('{"inputs": [1]}', one('string'))).toBe('JSON Value: 1 Type: Number is not of expected type: string');
  });

  it('string: invalid standard base64', () => {
    for (const b64 of ['a', '-_8=', 'aGk==', 'aG=k', 'aGk=\\n', '@@@@']) {
      expect(rejected(`{"inputs": [{"b64": "${b64}"}]}`, one('string')), b64).toBe('Unable to base64 decode');
    }
  });

  it('a b64 object in a non-string tensor is a type error', () => {
    expect(rejected('{"inputs": [{"b64": "aGk="}]}', one('float32'))).toBe(
      'JSON Value: {\n    "b64": "aGk="\n} Type: Object is not of expected type: float',
    );
  });

  it('float16: numbers rounded to half bits', () => {
    const t = feed('{"inputs": [1.5, 65504, 65520, 1e6, NaN, -0.0, 0.1, 1, -2]}', 'float16');
    expect(t.data).toBeInstanceOf(Uint16Array);
    const bits = values(t) as number[];
    expect(bits.slice(0, 4)).toEqual([0x3e00, 0x7bff, 0x7c00, 0x7c00]);
    expect(bits[5]).toBe(0x8000);
    const v = bits.map(fromHalfBits);
    expect(v[0]).toBe(1.5);
    expect(v[1]).toBe(65504);
    expect(v[2]).toBe(Infinity);
    expect(v[3]).toBe(Infinity);
    expect(v[4]).toBeNaN();
    expect(Object.is(v[5], -0)).toBe(true);
    expect(v[6]).toBe(0.0999755859375);
    expect(v[7]).toBe(1);
    expect(v[8]).toBe(-2);
    expect(bits[6]).toBe(toHalfBits(0.1));
    expect(rejected('{"inputs": ["x"]}', one('float16'))).toBe('JSON Value: "x" Type: String is not of expected type: half');
  });

  it('a runtime type without a JSON mapping: 501 columnar, 400 wrapped in row format', () => {
    const columnar = failure(() => request('{"inputs": [[1.5, 2]]}', [spec('x', undefined, 'bfloat16')]));
    expect(columnar.code).toBe('UNIMPLEMENTED');
    expect(columnar.httpStatus).toBe(501);
    expect(columnar.message).toBe('Conversion of JSON Value: 1.5 to type: bfloat16');
    expect(rejected('{"instances": [[1.5]]}', [spec('x', undefined, 'bfloat16')])).toBe(
      "Failed to process element: 0 of 'instances' list. Error: UNIMPLEMENTED: Conversion of JSON Value: 1.5 to type: bfloat16",
    );
  });
});

describe('request structure errors', () => {
  it('scalar at the wrong depth (upstream off-by-one in the level)', () => {
    expect(rejected('{"inputs": [[1],2]}', one('float32'))).toBe(
      'JSON Value: 2 found at incorrect level: 2 in the JSON DOM. Expected at level: 2',
    );
    expect(rejected('{"inputs": [[[1]],[2]]}', one('float32'))).toBe(
      'JSON Value: 2 found at incorrect level: 3 in the JSON DOM. Expected at level: 3',
    );
  });

  it('list deeper than the rank', () => {
    expect(rejected('{"inputs": [1,[2]]}', one('float32'))).toBe('Encountered list at unexpected level: 1 expected < 1');
    expect(rejected('{"inputs": [[1,2],[3,[4]]]}', one('float32'))).toBe(
      'Encountered list at unexpected level: 2 expected < 2',
    );
  });

  it('ragged lists', () => {
    expect(rejected('{"inputs": [[1,2],[3]]}', one('float32'))).toBe(
      'Encountered list at unexpected size: 1 at level: 1 expected size: 2',
    );
    expect(rejected('{"inputs": [[[1,2]],[[3,4],[5,6]]]}', one('float32'))).toBe(
      'Encountered list at unexpected size: 2 at level: 1 expected size: 1',
    );
  });

  it('row: every instance must match the first one in size, then in shape', () => {
    expect(rejected('{"instances": [[1,2],[3]]}', one('float32'))).toBe(
      "Failed to process element: 1 of 'instances' list. Error: INVALID_ARGUMENT: Expecting tensor size: 2 but got: 1",
    );
    expect(rejected('{"instances": [[[1],[2]], [[1,2]]]}', one('float32'))).toBe(
      "Failed to process element: 1 of 'instances' list. Error: INVALID_ARGUMENT: Expecting shape [2,1] but got: [1,2]",
    );
    expect(rejected('{"instances": [1, [2]]}', one('float32'))).toBe(
      "Failed to process element: 1 of 'instances' list. Error: INVALID_ARGUMENT: Expecting shape [] but got: [1]",
    );
    expect(rejected('{"instances": [[], [1]]}', one('float32'))).toBe(
      "Failed to process element: 1 of 'instances' list. Error: INVALID_ARGUMENT: Expecting tensor size: 0 but got: 1",
    );
    expect(rejected('{"instances": [{"a": [1]}, {"a": [1,2]}]}', [spec('a', 'int32')])).toBe(
      "Failed to process element: 1 key: a of 'instances' list. Error: INVALID_ARGUMENT: Expecting tensor size: 1 but got: 2",
    );
  });

  it("row: an instance's own conversion error comes before the size check", () => {
    expect(rejected('{"instances": [[1,2],[[3],4]]}', one('float32'))).toBe(
      "Failed to process element: 1 of 'instances' list. Error: INVALID_ARGUMENT: JSON Value: 4 found at incorrect level: 2 in the JSON DOM. Expected at level: 2",
    );
    expect(rejected('{"instances": [[1,2],["a"]]}', one('float32'))).toBe(
      "Failed to process element: 1 of 'instances' list. Error: INVALID_ARGUMENT: JSON Value: \"a\" Type: String is not of expected type: float",
    );
  });

  it('instances and inputs at the top level', () => {
    expect(rejected('{"instances":[1],"inputs":[1]}', one('float32'))).toBe(
      'JSON Value: {\n    "instances": [1],\n    "inputs": [1]\n} Not formatted correctly expecting only one of \'inputs\' or \'instances\' keys to exist ',
    );
    expect(rejected('{"instances": 5}', one('float32'))).toBe(
      'JSON Value: {\n    "instances": 5\n} Expecting \'instances\' to be an list/array',
    );
    expect(rejected('{"instances": {"x": [1]}}', one('float32'))).toBe(
      'JSON Value: {\n    "instances": {\n        "x": [1]\n    }\n} Expecting \'instances\' to be an list/array',
    );
    expect(rejected('{"instances": []}', one('float32'))).toBe('JSON Value: {\n    "instances": []\n} No values in \'instances\' array');
    expect(rejected('{"signature_name": "s"}', one('float32'))).toBe("Missing 'inputs' or 'instances' key");
    expect(rejected('{}', one('float32'))).toBe("Missing 'inputs' or 'instances' key");
  });

  it('row format with several inputs needs objects, and a b64 object is not one', () => {
    const two = [spec('a', 'string'), spec('b', 'float32')];
    const plain =
      'instances is a plain list, but expecting list of objects as multiple input tensors required as per tensorinfo_map';
    expect(rejected('{"instances": [1, 2]}', two)).toBe(plain);
    expect(rejected('{"instances": [[1]]}', two)).toBe(plain);
    expect(rejected('{"instances": [{"b64": "aGk="}]}', two)).toBe(plain);
  });

  it('row format does not mix objects with values', () => {
    const two = [spec('a', 'float32'), spec('b', 'string')];
    expect(rejected('{"instances": [{"a": 1, "b": "x"}, [1]]}', two)).toBe('Expecting object but got list at item 1 of input list');
    expect(rejected('{"instances": [{"a": 1, "b": "x"}, {"b64": "aGk="}]}', two)).toBe(
      'Expecting object but got list at item 1 of input list',
    );
    expect(rejected('{"instances": [1, {"x": 1}]}', one('float32'))).toBe(
      'Expecting value/list but got object at item 1 of input list',
    );
    // b64 objects are values, so they mix with strings.
    expect(feed('{"instances": ["a", {"b64": "aGk="}]}', 'string').data).toEqual(['a', 'hi']);
  });

  it('row objects must name exactly the inputs', () => {
    expect(rejected('{"instances": [{"age": 1}]}', one('float32'))).toBe(
      "Failed to process element: 0 key: age of 'instances' list. Error: INVALID_ARGUMENT: JSON object: does not have named input: age",
    );
    expect(rejected('{"instances": [{"a": 1}]}', [spec('b', 'float32'), spec('a', 'float32')])).toBe(
      "Failed to process element: 0 of 'instances' list. JSON object: {\n    \"a\": 1\n} keys must be equal to: a,b",
    );
    const mixed = request('{"instances": [{"s": {"b64": "aGk="}, "f": 1.5}, {"f": 2, "s": "x"}]}', [
      spec('s', 'string'),
      spec('f', 'float32'),
    ]);
    expect(mixed.feeds.get('s')).toEqual({ dtype: 'string', dims: [2], data: ['hi', 'x'] });
    expect(values(mixed.feeds.get('f')!)).toEqual([1.5, 2]);
  });

  it('columnar format with several inputs needs an object with every input', () => {
    const two = [spec('a', 'float32'), spec('b', 'float32')];
    const plain =
      'inputs is a plain value/list, but expecting an object as multiple input tensors required as per tensorinfo_map';
    expect(rejected('{"inputs": [1, 2]}', two)).toBe(plain);
    expect(rejected('{"inputs": 1}', two)).toBe(plain);
    expect(rejected('{"inputs": {"b64": "aGk="}}', two)).toBe(plain);
    expect(rejected('{"inputs": {"a": [1]}}', two)).toBe("Missing named input: b in 'inputs' object.");
  });

  it('columnar value errors are returned unwrapped', () => {
    expect(rejected('{"inputs": {"a": ["x"], "b": [1]}}', [spec('a', 'float32'), spec('b', 'float32')])).toBe(
      'JSON Value: "x" Type: String is not of expected type: float',
    );
  });
});

// ---- responses ----

function tensor(dtype: DType, dims: number[], data: TensorData | number[] | bigint[] | string[]): Tensor {
  switch (dtype) {
    case 'float32': return { dtype, dims, data: Float32Array.from(data as number[]) };
    case 'float64': return { dtype, dims, data: Float64Array.from(data as number[]) };
    case 'float16': return { dtype, dims, data: Uint16Array.from(data as number[]) };
    case 'int8': return { dtype, dims, data: Int8Array.from(data as number[]) };
    case 'int16': return { dtype, dims, data: Int16Array.from(data as number[]) };
    case 'int32': return { dtype, dims, data: Int32Array.from(data as number[]) };
    case 'int64': return { dtype, dims, data: BigInt64Array.from(data as bigint[]) };
    case 'uint8': return { dtype, dims, data: Uint8Array.from(data as number[]) };
    case 'uint16': return { dtype, dims, data: Uint16Array.from(data as number[]) };
    case 'uint32': return { dtype, dims, data: Uint32Array.from(data as number[]) };
    case 'uint64': return { dtype, dims, data: BigUint64Array.from(data as bigint[]) };
    case 'bool': return { dtype, dims, data: Uint8Array.from(data as number[]) };
    case 'string': return { dtype, dims, data: [...(data as string[])] };
  }
}

const outputs = (...entries: [string, Tensor][]) => new Map(entries);

function responseError(format: 'row' | 'columnar', out: Map<string, Tensor>): ServingError {
  const e = failure(() => predictResponseBody(format, out));
  expect(e.code).toBe('INVALID_ARGUMENT');
  return e;
}

describe('response bytes (contract §5.5)', () => {
  it('row, one output: single-line rows, output name omitted', () => {
    expect(predictResponseBody('row', outputs(['y', tensor('float32', [3], [3.5, 4, 5.5])]))).toBe(
      '{\n    "predictions": [3.5, 4.0, 5.5\n    ]\n}',
    );
    expect(predictResponseBody('row', outputs(['y', tensor('float32', [2, 2], [2.5, 3, 3.5, 4])]))).toBe(
      '{\n    "predictions": [[2.5, 3.0], [3.5, 4.0]\n    ]\n}',
    );
    expect(predictResponseBody('row', outputs(['y', tensor('float32', [1, 2, 2], [1, 2, 3, 4])]))).toBe(
      '{\n    "predictions": [[[1.0, 2.0], [3.0, 4.0]]\n    ]\n}',
    );
  });

  it('row, several outputs: one object per row at 8 spaces, keys at 12', () => {
    const body = predictResponseBody(
      'row',
      outputs(['scores', tensor('float32', [2, 2], [0.25, 0.75, 0.5, 0.5])], ['label_bytes', tensor('string', [2], ['hello', 'tf'])]),
    );
    expect(body).toBe(
      '{\n' +
        '    "predictions": [\n' +
        '        {\n' +
        '            "scores": [0.25, 0.75],\n' +
        '            "label_bytes": {\n' +
        '                "b64": "aGVsbG8="\n' +
        '            }\n' +
        '        },\n' +
        '        {\n' +
        '            "scores": [0.5, 0.5],\n' +
        '            "label_bytes": {\n' +
        '                "b64": "dGY="\n' +
        '            }\n' +
        '        }\n' +
        '    ]\n' +
        '}',
    );
  });

  it('columnar output does not use single-line arrays', () => {
    expect(predictResponseBody('columnar', outputs(['y', tensor('float32', [2], [3.5, 4])]))).toBe(
      '{\n    "outputs": [\n        3.5,\n        4.0\n    ]\n}',
    );
    expect(predictResponseBody('columnar', outputs(['y', tensor('int32', [2, 2], [1, 2, 3, 4])]))).toBe(
      '{\n    "outputs": [\n        [\n            1,\n            2\n        ],\n        [\n            3,\n            4\n        ]\n    ]\n}',
    );
  });

  it('columnar scalar and several outputs', () => {
    expect(predictResponseBody('columnar', outputs(['y', tensor('float32', [], [3.5])]))).toBe('{\n    "outputs": 3.5\n}');
    expect(
      predictResponseBody('columnar', outputs(['a', tensor('float32', [], [1])], ['b', tensor('int64', [2], [1n, 2n])])),
    ).toBe('{\n    "outputs": {\n        "a": 1.0,\n        "b": [\n            1,\n            2\n        ]\n    }\n}');
    // No batch-size consistency in columnar format.
    const mixed = predictResponseBody('columnar', outputs(['a', tensor('int32', [2], [1, 2])], ['b', tensor('int32', [3], [1, 2, 3])]));
    expect(JSON.parse(mixed)).toEqual({ outputs: { a: [1, 2], b: [1, 2, 3] } });
  });

  it('_bytes outputs are b64 objects, other strings are escaped JSON strings', () => {
    expect(predictResponseBody('columnar', outputs(['x_bytes', tensor('string', [2], ['hello', 'world'])]))).toBe(
      '{\n    "outputs": [\n        {\n            "b64": "aGVsbG8="\n        },\n        {\n            "b64": "d29ybGQ="\n        }\n    ]\n}',
    );
    expect(predictResponseBody('row', outputs(['s', tensor('string', [3], ['a"b', 'c\nd\u0001', '/é'])]))).toBe(
      '{\n    "predictions": ["a\\"b", "c\\nd\\u0001", "/é"\n    ]\n}',
    );
    // A single output's row is written with single-line arrays on, so its b64 object opens on the
    // line of the array (RapidJSON's PrettyPrefix skips the newline in that mode).
    expect(predictResponseBody('row', outputs(['s_bytes', tensor('string', [2], ['é', ''])]))).toBe(
      '{\n    "predictions": [{\n            "b64": "w6k="\n        }, {\n            "b64": ""\n        }\n    ]\n}',
    );
  });

  it('reproduces the upstream multi-output examples (row and columnar)', () => {
    const out = outputs(
      ['double_scalar_tensor', tensor('float64', [2], [8, 9])],
      ['float_tensor', tensor('float32', [2, 1], [1, 2])],
      ['int_tensor', tensor('int32', [2, 3, 2], [1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2])],
      ['str_tensor', tensor('string', [2, 2], ['foo', 'bar', 'baz', 'bat'])],
      ['str_tensor_bytes', tensor('string', [2, 2], ['hello', 'world', 'tf', 'serving'])],
    );
    expect(JSON.parse(predictResponseBody('row', out))).toEqual({
      predictions: [
        {
          double_scalar_tensor: 8.0,
          float_tensor: [1.0],
          int_tensor: [[1, 2], [3, 4], [5, 6]],
          str_tensor: ['foo', 'bar'],
          str_tensor_bytes: [{ b64: 'aGVsbG8=' }, { b64: 'd29ybGQ=' }],
        },
        {
          double_scalar_tensor: 9.0,
          float_tensor: [2.0],
          int_tensor: [[7, 8], [9, 0], [1, 2]],
          str_tensor: ['baz', 'bat'],
          str_tensor_bytes: [{ b64: 'dGY=' }, { b64: 'c2VydmluZw==' }],
        },
      ],
    });
    expect(JSON.parse(predictResponseBody('columnar', out))).toEqual({
      outputs: {
        double_scalar_tensor: [8.0, 9.0],
        float_tensor: [[1.0], [2.0]],
        int_tensor: [[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 0], [1, 2]]],
        str_tensor: [['foo', 'bar'], ['baz', 'bat']],
        str_tensor_bytes: [[{ b64: 'aGVsbG8=' }, { b64: 'd29ybGQ=' }], [{ b64: 'dGY=' }, { b64: 'c2VydmluZw==' }]],
      },
    });
  });

  it('batch 0 gives an empty predictions array', () => {
    expect(predictResponseBody('row', outputs(['y', tensor('float32', [0, 3], [])]))).toBe('{\n    "predictions": []\n}');
    expect(predictResponseBody('row', outputs(['a', tensor('float32', [0], [])], ['b', tensor('string', [0, 2], [])]))).toBe(
      '{\n    "predictions": []\n}',
    );
  });

  it('row format: rank-0 outputs and inconsistent batch sizes are errors', () => {
    const rank0 = responseError('row', outputs(['y', tensor('float32', [], [3.5])]));
    expect(rank0.message).toBe('Tensor name: y has no shape information ');
    const inconsistent = responseError('row', outputs(['a', tensor('float32', [2], [1, 2])], ['b', tensor('float32', [3], [1, 2, 3])]));
    expect(inconsistent.message).toBe('Tensor name: b has inconsistent batch size: 3 expecting: 2');
    expect(responseError('row', outputs(['a', tensor('float32', [2], [1, 2])], ['s', tensor('int8', [], [1])])).message).toBe(
      'Tensor name: s has no shape information ',
    );
  });

  it('an empty output map is an error in both formats', () => {
    for (const format of ['row', 'columnar'] as const) {
      expect(responseError(format, new Map()).message).toBe('Cannot convert empty tensor map to JSON');
    }
  });

  it('float outputs use WriteDecimal: 9 digits for float, 17 for double, bare NaN/Infinity', () => {
    expect(predictResponseBody('row', outputs(['y', tensor('float64', [3], [1 / 3, 0.1, 1e21])]))).toBe(
      '{\n    "predictions": [0.33333333333333331, 0.1, 1e+21\n    ]\n}',
    );
    expect(
      predictResponseBody('row', outputs(['y', tensor('float32', [6], [0.1, 1 / 3, NaN, Infinity, -Infinity, -0])])),
    ).toBe('{\n    "predictions": [0.1, 0.333333343, NaN, Infinity, -Infinity, -0.0\n    ]\n}');
    expect(predictResponseBody('row', outputs(['y', tensor('float16', [3], [0x3e00, 0x7bff, 0x7c00])]))).toBe(
      '{\n    "predictions": [1.5, 65504.0, Infinity\n    ]\n}',
    );
  });

  it('integer outputs with every digit, beyond 2^53 included', () => {
    expect(
      predictResponseBody('row', outputs(['y', tensor('int64', [3], [9007199254740993n, -(2n ** 63n), 2n ** 63n - 1n])])),
    ).toBe('{\n    "predictions": [9007199254740993, -9223372036854775808, 9223372036854775807\n    ]\n}');
    expect(predictResponseBody('row', outputs(['y', tensor('uint64', [1], [2n ** 64n - 1n])]))).toBe(
      '{\n    "predictions": [18446744073709551615\n    ]\n}',
    );
    expect(
      predictResponseBody(
        'row',
        outputs(
          ['i8', tensor('int8', [2], [-5, 127])],
          ['u8', tensor('uint8', [2], [255, 0])],
          ['u32', tensor('uint32', [2], [4294967295, 1])],
          ['b', tensor('bool', [2], [1, 0])],
        ),
      ),
    ).toBe(
      '{\n    "predictions": [\n' +
        '        {\n            "i8": -5,\n            "u8": 255,\n            "u32": 4294967295,\n            "b": true\n        },\n' +
        '        {\n            "i8": 127,\n            "u8": 0,\n            "u32": 1,\n            "b": false\n        }\n' +
        '    ]\n}',
    );
  });
});
