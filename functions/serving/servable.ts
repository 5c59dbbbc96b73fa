import type { InferenceSession } from '../runtime/backend.ts';
import type { TensorSpec } from '../tensor/tensor-spec.ts';
import type { BatchingParameters } from '../config/batching-parameters.ts';
import { Batcher, type BatchedResult } from '../runtime/batcher.ts';
import { ServingError } from '../util/status.ts';
import type { Tensor } from '../tensor/tensor.ts';

export const DEFAULT_SIGNATURE = 'serving_default';
export const PREDICT_METHOD = 'tensorflow/serving/predict';

/** TF's SignatureDef, synthesised from the ONNX graph's inputs and outputs. */
export interface Signature {
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  readonly methodName: string;
}

/** One loaded model version (TF Serving's servable): its signatures and a way to run it. */
export class Servable {
  readonly signatures: ReadonlyMap<string, Signature>;

  private readonly batcher: Batcher | undefined;

  /** Whether predict requests to this version are batched. */
  get batching(): boolean {
    return this.batcher !== undefined;
  }

  constructor(
    readonly model: string,
    readonly version: number,
    private readonly session: InferenceSession,
    /** Bytes of the model file: the Manager's measure of the memory a version holds. */
    readonly sizeBytes: number,
    /** Dynamic batching for predict requests; none: each request runs on its own. */
    batching?: BatchingParameters,
  ) {
    this.batcher = batching ? new Batcher((feeds) => this.run(feeds), batching) : undefined;
    this.signatures = new Map([
      [DEFAULT_SIGNATURE, { inputs: session.inputs, outputs: session.outputs, methodName: PREDICT_METHOD }],
    ]);
  }

  private inFlight = 0;
  private drained: (() => void) | undefined;

  private released = false;

  async run(feeds: ReadonlyMap<string, Tensor>): Promise<Map<string, Tensor>> {
    // A request can hold a servable that was unloaded (evicted, swapped) before its run began.
    if (this.released) {
      throw new ServingError('UNAVAILABLE', `Version ${this.version} of model ${this.model} was unloaded; retry the request`);
    }
    this.inFlight++;
    try {
      return await this.session.run(feeds);
    } finally {
      if (--this.inFlight === 0) this.drained?.();
    }
  }

  /** A predict request's run: through the batcher when the model batches, else directly. */
  async submit(feeds: ReadonlyMap<string, Tensor>): Promise<BatchedResult> {
    if (this.batcher) return this.batcher.submit(feeds);
    return { outputs: await this.run(feeds), queuedMs: 0 };
  }

  /** Releases the session once the runs already under way have finished. */
  async unload(): Promise<void> {
    this.released = true;
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    await this.session.release();
  }
}
