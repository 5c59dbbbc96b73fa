// The runtime port: model bytes → a session that runs tensors. Implementations: onnxruntime-web
// (WASM, everywhere) and onnxruntime-node (native: CPU, WebGPU, CUDA), both through ort.ts;
// execution-provider chains (provider-chain.ts) and dynamic batching (batching-session.ts) wrap them.
import type { Tensor } from '../tensor/tensor.ts';
import type { TensorSpec } from '../tensor/tensor-spec.ts';

/** Filled in by a run, for Server-Timing and metrics. */
export interface RunTiming {
  /** Milliseconds the run waited for its batch to start (batching sessions only). */
  queuedMs?: number;
}

/** One loaded model, ready to run. */
export interface InferenceSession {
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  /** The runtime and execution provider this session runs on, e.g. `ort-node(cpu)`. */
  readonly backend: string;
  run(feeds: ReadonlyMap<string, Tensor>, timing?: RunTiming): Promise<Map<string, Tensor>>;
  release(): Promise<void>;
  /** Bytes the runtime was measured to take for this session, where it can tell (ort-web's WASM heap). */
  readonly heldBytes?: number;
}

export interface InferenceBackend {
  /** Shown in logs and on the metrics page, e.g. `ort-node(cpu)` or `ort-web(wasm)`. */
  readonly name: string;
  createSession(model: Uint8Array): Promise<InferenceSession>;
  /** The memory a session of a model file this size will take, where that is not the file's size. */
  readonly memoryEstimate?: MemoryEstimate;
}

export interface MemoryEstimate {
  bytes(fileBytes: number): number;
  /** How the estimate is made, for the error that refuses a model: "onnxruntime-web's WASM memory, 4× the file". */
  readonly basis: string;
}

/** What the memory budget counts for a model file of this size on this backend. */
export function memoryNeed(backend: Pick<InferenceBackend, 'memoryEstimate'>, fileBytes: number): number {
  return backend.memoryEstimate ? Math.ceil(backend.memoryEstimate.bytes(fileBytes)) : fileBytes;
}
