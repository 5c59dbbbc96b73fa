// An input's JSON `data` → its tensor elements. The protocol takes data flat or nested, in row-major
// order; only the element count must match the shape, which is counted before anything is
// allocated. Each element must be a JSON value of the datatype, strictly (an INT8 is an integer
// literal from -128 to 127: no float literal, no wrap-around as TF Serving's C casts do; an FP16 a
// number that does not round past 65504 to Infinity); innermost
// lists of plain numbers (NumberRun) are stored in one loop.
import { leafWriter, type LeafWriter } from '../codec/leaf-writers.ts';
import type { DType } from '../tensor/dtype.ts';
import { toHalfBits } from '../tensor/float16.ts';
import { allocate, type TensorData } from '../tensor/tensor.ts';
import { jsonDebugString } from '../util/json/debug-string.ts';
import { JsonInt, NumberRun, type JsonValue } from '../util/json/value.ts';
import { invalidArgument } from '../util/status.ts';
import { v2Datatype } from './datatype.ts';

/** Where an input's data goes wrong: the message names the input and its datatype. */
export interface DataTarget {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly elements: number;
}

const SMALL_INT_RANGE: Partial<Record<DType, readonly [number, number]>> = {
  int8: [-128, 127], int16: [-32768, 32767], int32: [-2147483648, 2147483647],
  uint8: [0, 255], uint16: [0, 65535], uint32: [0, 4294967295],
};
const BIG_INT_RANGE: Partial<Record<DType, readonly [bigint, bigint]>> = {
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
};

export function tensorDataFromJson(data: JsonValue, target: DataTarget): TensorData {
  const count = countLeaves(data, target.elements);
  if (count !== target.elements) {
    const held = count > target.elements ? `more than ${target.elements}` : String(count);
    throw invalidArgument(`Input '${target.name}': shape [${target.shape.join(',')}] holds ${target.elements} elements, but its 'data' holds ${held}`);
  }
  const out = allocate(target.dtype, target.elements);
  let put: LeafWriter | undefined; // made on the first leaf that is not in a number run
  let i = 0;
  const fail = (v: JsonValue, at: number) =>
    invalidArgument(`Input '${target.name}': element ${at} of 'data' (${jsonDebugString(v)}) is not a ${v2Datatype(target.dtype)} value`);
  const fill = (v: JsonValue): void => {
    if (v instanceof NumberRun) {
      const refused = putRun(target.dtype, out, v, i);
      if (refused >= 0) throw fail(v.at(refused), i + refused);
      i += v.length;
    } else if (Array.isArray(v)) {
      for (const item of v) fill(item);
    } else {
      if (!(put ??= leafPut(target.dtype, out))(v, i)) throw fail(v, i);
      i++;
    }
  };
  fill(data);
  return out;
}

/** Leaves (non-list values) of a flat or nested list, counting no further than past `cap`. */
function countLeaves(v: JsonValue, cap: number): number {
  if (v instanceof NumberRun) return v.length;
  if (!Array.isArray(v)) return 1;
  let n = 0;
  for (const item of v) {
    n += countLeaves(item, cap - n);
    if (n > cap) return n;
  }
  return n;
}

function leafPut(dtype: DType, data: TensorData): LeafWriter {
  switch (dtype) {
    // Floats and booleans take what TF Serving's JSON takes: the one writer of codec/.
    case 'float32': case 'float64': case 'bool':
      return leafWriter(dtype, data);
    case 'float16': {
      const out = data as Uint16Array;
      return (v, i) => {
        if (typeof v !== 'number' && !(v instanceof JsonInt)) return false;
        const value = typeof v === 'number' ? v : v.value;
        const bits = toHalfBits(value);
        if (overflowsHalf(value, bits)) return false;
        out[i] = bits;
        return true;
      };
    }
    case 'int64': case 'uint64': {
      const out = data as BigInt64Array | BigUint64Array;
      const [lo, hi] = BIG_INT_RANGE[dtype]!;
      return (v, i) => {
        if (!(v instanceof JsonInt)) return false;
        const b = v.toBigInt();
        if (b < lo || b > hi) return false;
        out[i] = b;
        return true;
      };
    }
    case 'string': {
      const out = data as string[];
      return (v, i) => {
        if (typeof v !== 'string') return false;
        out[i] = v;
        return true;
      };
    }
    default: {
      const out = data as Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;
      const [lo, hi] = SMALL_INT_RANGE[dtype]!;
      return (v, i) => {
        if (!(v instanceof JsonInt) || v.text !== undefined || v.value < lo || v.value > hi) return false;
        out[i] = v.value;
        return true;
      };
    }
  }
}

/**
 * A finite number past FP16's range (it would round to ±Infinity, |v| ≥ 65520): refused as an
 * integer out of its type's range is. Infinity itself, written as a token, is kept.
 */
const overflowsHalf = (value: number, bits: number) => (bits & 0x7fff) === 0x7c00 && Number.isFinite(value);

/** Stores a run at `at`; returns -1, or the index in the run of the first element refused. */
function putRun(dtype: DType, data: TensorData, run: NumberRun, at: number): number {
  const values = run.values;
  switch (dtype) {
    case 'float32': case 'float64':
      (data as Float32Array | Float64Array).set(values, at);
      return -1;
    case 'float16': {
      const out = data as Uint16Array;
      for (let k = 0; k < values.length; k++) {
        const bits = toHalfBits(values[k]!);
        if (overflowsHalf(values[k]!, bits)) return k;
        out[at + k] = bits;
      }
      return -1;
    }
    case 'bool': case 'string':
      return 0; // no number is a BOOL or a BYTES element
    case 'int64': case 'uint64': {
      // Run integers are below 2^53: the range check is exact in doubles.
      const out = data as BigInt64Array | BigUint64Array;
      const lo = dtype === 'uint64' ? 0 : -Infinity;
      for (let k = 0; k < values.length; k++) {
        if (!run.isInt(k) || values[k]! < lo) return k;
        out[at + k] = BigInt(values[k]!);
      }
      return -1;
    }
    default: {
      const out = data as Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;
      const [lo, hi] = SMALL_INT_RANGE[dtype]!;
      const allInts = run.intCount === values.length;
      for (let k = 0; k < values.length; k++) {
        const v = values[k]!;
        if ((!allInts && !run.isInt(k)) || v < lo || v > hi) return k;
        out[at + k] = v;
      }
      return -1;
    }
  }
}
