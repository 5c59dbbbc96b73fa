import type { DType } from './dtype.ts';

/** A graph input or output as the runtime reports it. */
export interface TensorSpec {
  readonly name: string;
  /** undefined when the element type is one edgeserve cannot carry over JSON (e.g. int4). */
  readonly dtype: DType | undefined;
  /** The runtime's type name, kept for error messages when `dtype` is undefined. */
  readonly runtimeType: string;
  /** undefined for unknown rank; a string entry is a symbolic (dynamic) dimension. */
  readonly dims: readonly (number | string)[] | undefined;
}
