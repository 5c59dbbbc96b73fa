// One table for every element type edgeserve knows: the name onnxruntime uses, the TensorFlow
// DataType enum name that metadata reports, and the short name TF Serving puts in error texts.

export type DType =
  | 'float32' | 'float64' | 'float16'
  | 'int8' | 'int16' | 'int32' | 'int64'
  | 'uint8' | 'uint16' | 'uint32' | 'uint64'
  | 'bool' | 'string';

interface DTypeInfo {
  /** TensorFlow's DataType enum name, as metadata shows it. */
  readonly tf: string;
  /** TensorFlow's DataTypeString, as TF Serving's error messages show it. */
  readonly short: string;
}

const INFO: Record<DType, DTypeInfo> = {
  float32: { tf: 'DT_FLOAT', short: 'float' },
  float64: { tf: 'DT_DOUBLE', short: 'double' },
  float16: { tf: 'DT_HALF', short: 'half' },
  int8: { tf: 'DT_INT8', short: 'int8' },
  int16: { tf: 'DT_INT16', short: 'int16' },
  int32: { tf: 'DT_INT32', short: 'int32' },
  int64: { tf: 'DT_INT64', short: 'int64' },
  uint8: { tf: 'DT_UINT8', short: 'uint8' },
  uint16: { tf: 'DT_UINT16', short: 'uint16' },
  uint32: { tf: 'DT_UINT32', short: 'uint32' },
  uint64: { tf: 'DT_UINT64', short: 'uint64' },
  bool: { tf: 'DT_BOOL', short: 'bool' },
  string: { tf: 'DT_STRING', short: 'string' },
};

export function isDType(name: string): name is DType {
  return Object.prototype.hasOwnProperty.call(INFO, name);
}

export function tfDataTypeName(dtype: DType): string {
  return INFO[dtype].tf;
}

export function tfShortName(dtype: DType): string {
  return INFO[dtype].short;
}

const INT32: readonly [bigint, bigint] = [-2147483648n, 2147483647n];

/**
 * The integer literals each integer dtype accepts. TF Serving checks int8/int16/uint8 only against
 * int32 (`IsInt`) and truncates later, as a C cast does; edgeserve does the same so that clients see
 * the same behaviour, and treats uint16 (which TF Serving cannot take) like its small siblings.
 */
export const ACCEPTED_INTEGER_RANGE: Partial<Record<DType, readonly [bigint, bigint]>> = {
  int8: INT32,
  int16: INT32,
  int32: INT32,
  uint8: INT32,
  uint16: INT32,
  int64: [-9223372036854775808n, 9223372036854775807n],
  uint32: [0n, 4294967295n],
  uint64: [0n, 18446744073709551615n],
};
