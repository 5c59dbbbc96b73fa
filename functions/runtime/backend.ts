import type { DType } from '../tensor/dtype.ts';
import type { Tensor } from '../tensor/tensor.ts';

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

/** One loaded model, ready to run. */
export interface InferenceSession {
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  run(feeds: ReadonlyMap<string, Tensor>): Promise<Map<string, Tensor>>;
  release(): Promise<void>;
}

/**
 * Turns model bytes into sessions. Implementations: onnxruntime-web (WASM, everywhere),
 * onnxruntime-node (native, Node only), and later a remote GPU container.
 */
export interface InferenceBackend {
  /** Shown in logs and status, e.g. `ort-node(cpu)` or `ort-web(wasm)`. */
  readonly name: string;
  createSession(model: Uint8Array): Promise<InferenceSession>;
}
