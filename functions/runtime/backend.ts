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
}

export interface InferenceBackend {
  /** Shown in logs and on the metrics page, e.g. `ort-node(cpu)` or `ort-web(wasm)`. */
  readonly name: string;
  createSession(model: Uint8Array): Promise<InferenceSession>;
}
