import type { DType } from './dtype.ts';

/** Element storage, laid out as onnxruntime expects it for each dtype. */
export type TensorData =
  | Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | BigInt64Array
  | Uint8Array | Uint16Array | Uint32Array | BigUint64Array | string[];

/**
 * A dense tensor, independent of any runtime. bool is a Uint8Array of 0/1 and float16 a
 * Uint16Array of half bits, which is what onnxruntime takes and returns.
 */
export interface Tensor {
  readonly dtype: DType;
  readonly dims: readonly number[];
  readonly data: TensorData;
}

export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

export function allocate(dtype: DType, size: number): TensorData {
  switch (dtype) {
    case 'float32': return new Float32Array(size);
    case 'float64': return new Float64Array(size);
    case 'float16': return new Uint16Array(size);
    case 'int8': return new Int8Array(size);
    case 'int16': return new Int16Array(size);
    case 'int32': return new Int32Array(size);
    case 'int64': return new BigInt64Array(size);
    case 'uint8': return new Uint8Array(size);
    case 'uint16': return new Uint16Array(size);
    case 'uint32': return new Uint32Array(size);
    case 'uint64': return new BigUint64Array(size);
    case 'bool': return new Uint8Array(size);
    case 'string': return new Array<string>(size).fill('');
  }
}
