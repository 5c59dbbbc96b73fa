// The Open Inference Protocol's tensor datatypes and edgeserve's element types, one table: the V2
// name, the element size of the binary tensor data extension (BYTES has none: each element is a
// 4-byte little-endian length and its bytes), and the typed array a binary tensor is viewed as.
import type { DType } from '../tensor/dtype.ts';

export type V2Datatype =
  | 'BOOL' | 'UINT8' | 'UINT16' | 'UINT32' | 'UINT64' | 'INT8' | 'INT16' | 'INT32' | 'INT64'
  | 'FP16' | 'FP32' | 'FP64' | 'BYTES';

const TO_DTYPE: Record<V2Datatype, DType> = {
  BOOL: 'bool', UINT8: 'uint8', UINT16: 'uint16', UINT32: 'uint32', UINT64: 'uint64',
  INT8: 'int8', INT16: 'int16', INT32: 'int32', INT64: 'int64',
  FP16: 'float16', FP32: 'float32', FP64: 'float64', BYTES: 'string',
};

const FROM_DTYPE = Object.fromEntries(Object.entries(TO_DTYPE).map(([v2, dtype]) => [dtype, v2])) as Record<DType, V2Datatype>;

/** Bytes per element in binary form; BYTES (variable) is 0. */
const ELEMENT_BYTES: Record<DType, number> = {
  bool: 1, uint8: 1, int8: 1, uint16: 2, int16: 2, float16: 2, uint32: 4, int32: 4, float32: 4,
  uint64: 8, int64: 8, float64: 8, string: 0,
};

export function isV2Datatype(name: string): name is V2Datatype {
  return Object.prototype.hasOwnProperty.call(TO_DTYPE, name);
}

export function dtypeOf(datatype: V2Datatype): DType {
  return TO_DTYPE[datatype];
}

export function v2Datatype(dtype: DType): V2Datatype {
  return FROM_DTYPE[dtype];
}

export function elementBytes(dtype: DType): number {
  return ELEMENT_BYTES[dtype];
}
