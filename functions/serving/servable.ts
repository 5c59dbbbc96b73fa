// TF Serving's Servable: one loaded model version, its signatures and a way to run it. Requests
// reach it only through a ServableHandle (servable-handle.ts), so the harness knows when it is in
// use; the session underneath may be a batching session (runtime/batching-session.ts).
import type { InferenceSession, RunTiming } from '../runtime/backend.ts';
import type { Tensor } from '../tensor/tensor.ts';
import type { TensorSpec } from '../tensor/tensor-spec.ts';
import { ServingError } from '../util/status.ts';

export const DEFAULT_SIGNATURE = 'serving_default';
export const PREDICT_METHOD = 'tensorflow/serving/predict';

/** TF's SignatureDef, synthesised from the ONNX graph's inputs and outputs. */
export interface Signature {
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  readonly methodName: string;
}

export class Servable {
  readonly signatures: ReadonlyMap<string, Signature>;
  private inFlight = 0;
  private drained: (() => void) | undefined;
  private released = false;

  constructor(
    readonly model: string,
    readonly version: number,
    private readonly session: InferenceSession & { readonly batching?: boolean },
    /** Bytes of the model file: the Manager's measure of the memory a version holds. */
    readonly sizeBytes: number,
  ) {
    this.signatures = new Map([
      [DEFAULT_SIGNATURE, { inputs: session.inputs, outputs: session.outputs, methodName: PREDICT_METHOD }],
    ]);
  }

  /** The runtime and execution provider serving this version, e.g. `ort-node(cpu)`. */
  get backend(): string {
    return this.session.backend;
  }

  /** Whether runs are merged into batches (TF Serving's BatchingSession). */
  get batching(): boolean {
    return this.session.batching === true;
  }

  async run(feeds: ReadonlyMap<string, Tensor>, timing?: RunTiming): Promise<Map<string, Tensor>> {
    // Unreachable through a handle (the harness releases only idle servables): a guard, not a path.
    if (this.released) throw new ServingError('UNAVAILABLE', `Version ${this.version} of model ${this.model} was unloaded; retry the request`);
    this.inFlight++;
    try {
      return await this.session.run(feeds, timing);
    } finally {
      if (--this.inFlight === 0) this.drained?.();
    }
  }

  /**
   * Releases the session. Handles are all released by now; a run can still be inside the runtime
   * when its request gave up at the deadline, and a session must not be freed under it.
   */
  async release(): Promise<void> {
    this.released = true;
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    await this.session.release();
  }
}
