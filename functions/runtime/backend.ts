import type { Tensor } from '../tensor/tensor.ts';
import type { TensorSpec } from '../tensor/tensor-spec.ts';

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
