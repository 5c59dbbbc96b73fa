// How JSON leaves are stored into a tensor's data: one JsonValue at a time (LeafWriter, with the
// dtype's acceptance rules and TF Serving's message for a refused leaf), or a whole NumberRun, an
// innermost list of plain numbers (util/json/value.ts), in one loop (RunWriter), which accepts
// exactly what the LeafWriter accepts element by element.
import { ACCEPTED_INTEGER_RANGE, tfShortName, type DType } from '../tensor/dtype.ts';
import { toHalfBits } from '../tensor/float16.ts';
import type { TensorData } from '../tensor/tensor.ts';
import { jsonDebugString } from '../util/json/debug-string.ts';
import { b64Payload, JsonInt, jsonTypeName, type JsonValue, type NumberRun } from '../util/json/value.ts';
import { invalidArgument, type ServingError } from '../util/status.ts';
import { decodeBase64 } from './base64.ts';

/** Writes one leaf at index i, or returns false when the JSON value does not fit the dtype. */
export type LeafWriter = (v: JsonValue, i: number) => boolean;

export function leafError(value: JsonValue, dtype: DType): ServingError {
  if (dtype === 'string' && value instanceof Map) {
    const payload = b64Payload(value);
    if (payload === undefined) {
      return invalidArgument(`JSON Value: ${jsonDebugString(value)} not formatted correctly for base64 data`);
    }
    return invalidArgument('Unable to base64 decode');
  }
  return invalidArgument(
    `JSON Value: ${jsonDebugString(value)} Type: ${jsonTypeName(value)} is not of expected type: ${tfShortName(dtype)}`,
  );
}

const utf8 = new TextDecoder();

export function leafWriter(dtype: DType, data: TensorData): LeafWriter {
  switch (dtype) {
    case 'float32':
    case 'float64': {
      const out = data as Float32Array | Float64Array;
      return (v, i) => {
        if (typeof v === 'number') out[i] = v;
        else if (v instanceof JsonInt) out[i] = v.value;
        else return false;
        return true;
      };
    }
    case 'float16': {
      const out = data as Uint16Array;
      return (v, i) => {
        if (typeof v === 'number') out[i] = toHalfBits(v);
        else if (v instanceof JsonInt) out[i] = toHalfBits(v.value);
        else return false;
        return true;
      };
    }
    case 'int64':
    case 'uint64': {
      const out = data as BigInt64Array | BigUint64Array;
      const [lo, hi] = ACCEPTED_INTEGER_RANGE[dtype]!;
      return (v, i) => {
        if (!(v instanceof JsonInt)) return false;
        const b = v.toBigInt();
        if (b < lo || b > hi) return false;
        out[i] = b;
        return true;
      };
    }
    case 'int8': case 'int16': case 'int32': case 'uint8': case 'uint16': case 'uint32': {
      // Typed-array stores truncate like the C cast TF Serving applies after its int32 check.
      const out = data as Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;
      const [lo, hi] = ACCEPTED_INTEGER_RANGE[dtype]!.map(Number) as [number, number];
      return (v, i) => {
        if (!(v instanceof JsonInt) || v.value < lo || v.value > hi) return false;
        out[i] = v.value;
        return true;
      };
    }
    case 'bool': {
      const out = data as Uint8Array;
      return (v, i) => {
        if (typeof v !== 'boolean') return false;
        out[i] = v ? 1 : 0;
        return true;
      };
    }
    case 'string': {
      const out = data as string[];
      return (v, i) => {
        if (typeof v === 'string') {
          out[i] = v;
          return true;
        }
        const payload = b64Payload(v);
        const bytes = payload === undefined ? undefined : decodeBase64(payload);
        if (bytes === undefined) return false;
        // onnxruntime carries strings as JS strings (UTF-8 inside): binary payloads that are not
        // valid UTF-8 cannot survive the trip, a documented limit of string tensors here.
        out[i] = utf8.decode(bytes);
        return true;
      };
    }
  }
}

/**
 * Writes `run` at index `at` of the tensor's data (only checks it when `data` is undefined) and
 * returns -1, or the index of the first element the dtype does not accept, having written the
 * elements before it.
 */
export type RunWriter = (run: NumberRun, at: number) => number;

export function numberRunWriter(dtype: DType, data: TensorData | undefined): RunWriter {
  switch (dtype) {
    case 'float32':
    case 'float64': {
      // Every number fits a float (ints as their double); Float32Array's set rounds as a store does.
      const out = data as Float32Array | Float64Array | undefined;
      return (run, at) => {
        out?.set(run.values, at);
        return -1;
      };
    }
    case 'float16': {
      const out = data as Uint16Array | undefined;
      return (run, at) => {
        if (out === undefined) return -1;
        const values = run.values;
        for (let k = 0; k < values.length; k++) out[at + k] = toHalfBits(values[k]!);
        return -1;
      };
    }
    case 'int64':
    case 'uint64': {
      // Run integers are below 2^53, so the range check is exact in doubles.
      const out = data as BigInt64Array | BigUint64Array | undefined;
      const [lo, hi] = ACCEPTED_INTEGER_RANGE[dtype]!.map(Number) as [number, number];
      return (run, at) => {
        const values = run.values;
        for (let k = 0; k < values.length; k++) {
          const v = values[k]!;
          if (!run.isInt(k) || v < lo || v > hi) return k;
          if (out !== undefined) out[at + k] = BigInt(v);
        }
        return -1;
      };
    }
    case 'int8': case 'int16': case 'int32': case 'uint8': case 'uint16': case 'uint32': {
      // Typed-array stores truncate like the C cast TF Serving applies after its int32 check.
      const out = data as Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | undefined;
      const [lo, hi] = ACCEPTED_INTEGER_RANGE[dtype]!.map(Number) as [number, number];
      return (run, at) => {
        const values = run.values;
        const allInts = run.intCount === values.length;
        for (let k = 0; k < values.length; k++) {
          const v = values[k]!;
          if ((!allInts && !run.isInt(k)) || v < lo || v > hi) return k;
          if (out !== undefined) out[at + k] = v;
        }
        return -1;
      };
    }
    case 'bool':
    case 'string':
      return () => 0; // no number is a bool or a string
  }
}
