// onnxruntime-web and onnxruntime-node share onnxruntime-common's API, so one adapter serves both:
// the platform hands in the `ort` module it can load (DESIGN.md: functions/ imports nothing
// platform-specific; the WASM build is portable, the native one is passed in by the Node adapter).
import type * as OrtCommon from 'onnxruntime-common';
import { isDType } from '../tensor/dtype.ts';
import type { Tensor, TensorData } from '../tensor/tensor.ts';
import { memoryNeed, type InferenceBackend, type InferenceSession, type MemoryEstimate } from './backend.ts';
import type { TensorSpec } from '../tensor/tensor-spec.ts';

export type OrtModule = Pick<typeof OrtCommon, 'InferenceSession' | 'Tensor'>;

/** What a runtime can tell about its memory: ort-web's WASM heap, where the adapter can see it. */
export interface RuntimeMemory {
  readonly estimate: MemoryEstimate;
  /** The runtime's heap beyond its size when it started (0 before), so a session's growth of it can be measured. */
  heapBytes?(): number;
}

export function createOrtBackend(
  ort: OrtModule,
  name: string,
  options: OrtCommon.InferenceSession.SessionOptions = {},
  memory?: RuntimeMemory,
): InferenceBackend {
  return {
    name,
    memoryEstimate: memory?.estimate,
    async createSession(model) {
      const before = memory?.heapBytes?.() ?? 0;
      const session = await ort.InferenceSession.create(model, options);
      // The heap grows in steps and reuses what unloaded sessions freed, so its growth is a lower
      // or an upper bound by turns: the session is counted at the larger of it and the estimate.
      // Growth from runs or loads happening meanwhile is charged to this session too: the budget
      // errs on the side of counting more.
      const grown = (memory?.heapBytes?.() ?? 0) - before;
      return new OrtSession(ort, session, name, memory && Math.max(grown, memoryNeed({ memoryEstimate: memory.estimate }, model.byteLength)));
    },
  };
}

/**
 * onnxruntime-web keeps the model and its initialised weights inside its WASM heap, which never
 * shrinks: measured 3–4.5× the file (ocr-sized models: 4.7 MB → 33 MiB, 10.8 MB → 48 MiB).
 */
export const ORT_WEB_MEMORY: MemoryEstimate = {
  bytes: (fileBytes) => 4 * fileBytes,
  basis: "onnxruntime-web's WASM memory, estimated at 4× the file",
};

class OrtSession implements InferenceSession {
  readonly inputs: TensorSpec[];
  readonly outputs: TensorSpec[];

  constructor(
    private readonly ort: OrtModule,
    private readonly session: OrtCommon.InferenceSession,
    readonly backend: string,
    readonly heldBytes?: number,
  ) {
    this.inputs = session.inputMetadata.map(toSpec);
    this.outputs = session.outputMetadata.map(toSpec);
  }

  async run(feeds: ReadonlyMap<string, Tensor>): Promise<Map<string, Tensor>> {
    const ortFeeds: Record<string, OrtCommon.Tensor> = {};
    for (const [name, t] of feeds) {
      ortFeeds[name] = new this.ort.Tensor(t.dtype, t.data as never, t.dims as number[]);
    }
    const results = await this.session.run(ortFeeds);
    const out = new Map<string, Tensor>();
    for (const spec of this.outputs) {
      const r = results[spec.name];
      if (r === undefined) continue;
      if (!isDType(r.type)) throw new Error(`Output ${spec.name} has unsupported type ${r.type}`);
      out.set(spec.name, { dtype: r.type, dims: r.dims, data: halfBitsIfFloat16(r.type, r.data) });
    }
    return out;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/**
 * Where the platform has Float16Array (workerd), onnxruntime-web answers float16 outputs with one;
 * edgeserve's tensors carry half bits in a Uint16Array: the same bytes, viewed as such.
 */
function halfBitsIfFloat16(type: string, data: unknown): TensorData {
  if (type !== 'float16' || data instanceof Uint16Array) return data as TensorData;
  const halves = data as { buffer: ArrayBuffer; byteOffset: number; length: number };
  return new Uint16Array(halves.buffer, halves.byteOffset, halves.length);
}

function toSpec(meta: OrtCommon.InferenceSession.ValueMetadata): TensorSpec {
  if (!meta.isTensor) return { name: meta.name, dtype: undefined, runtimeType: 'non-tensor', dims: undefined };
  return {
    name: meta.name,
    dtype: isDType(meta.type) ? meta.type : undefined,
    runtimeType: meta.type,
    dims: meta.shape.length === 0 && meta.type === undefined ? undefined : meta.shape,
  };
}
