import type { InferenceSession, TensorSpec } from '../runtime/backend.ts';
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

  constructor(
    readonly model: string,
    readonly version: number,
    private readonly session: InferenceSession,
    /** Bytes of the model file: the Manager's measure of the memory a version holds. */
    readonly sizeBytes: number,
  ) {
    this.signatures = new Map([
      [DEFAULT_SIGNATURE, { inputs: session.inputs, outputs: session.outputs, methodName: PREDICT_METHOD }],
    ]);
  }

  run(feeds: ReadonlyMap<string, Tensor>): Promise<Map<string, Tensor>> {
    return this.session.run(feeds);
  }

  unload(): Promise<void> {
    return this.session.release();
  }
}
