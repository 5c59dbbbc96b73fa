// Activation ranges for static quantization: the float model runs on the calibration requests with
// the tensors to be quantized exposed as extra outputs, and each tensor's range is taken over every
// value seen — its min and max, or (percentile p) onnxruntime's asymmetric percentile: the signed
// values with (100 − p) / 2 % cut from each tail, which ignores rare outliers that would otherwise
// stretch the scale for everyone.
import type { InferenceBackend } from '../../../functions/runtime/backend.ts';
import type { Tensor } from '../../../functions/tensor/tensor.ts';
import { numbers } from './compare.ts';
import { DataType, decodeModel, encodeModel, onnx, QuantizeError, type ValueInfo } from './onnx-model.ts';
import { feedsFor, type SampleInputs } from './sample-inputs.ts';

export interface Range { readonly min: number; readonly max: number }

/** Values kept per tensor for a percentile: beyond it, a deterministic stride sample of them. */
const MAX_SAMPLES = 1_000_000;

export async function calibrate(original: Uint8Array, tensors: readonly string[], inputs: SampleInputs, backend: InferenceBackend, percentile: number | undefined): Promise<Map<string, Range>> {
  const model = decodeModel(original);
  const outputs = new Set(model.graph.output.map((o) => o.name));
  for (const name of tensors) {
    if (outputs.has(name) || model.graph.input.some((i) => i.name === name)) continue;
    model.graph.output.push(onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: DataType.FLOAT } } }) as ValueInfo);
  }
  const session = await backend.createSession(encodeModel(model));
  const seen = new Map<string, Sampler>(tensors.map((t) => [t, new Sampler(percentile !== undefined)]));
  try {
    for (const [i, record] of inputs.records.entries()) {
      const feeds = feedsFor(record, session.inputs, i, inputs.source);
      let results: Map<string, Tensor>;
      try {
        results = await session.run(feeds);
      } catch (e) {
        throw new QuantizeError(`${inputs.source} request ${i + 1} fails on the model: ${(e as Error).message.split('\n')[0]}`);
      }
      for (const [name, sampler] of seen) {
        const t = results.get(name) ?? feeds.get(name);
        const values = t && numbers(t);
        if (values) sampler.add(values);
      }
    }
  } finally {
    await session.release();
  }
  return new Map([...seen].map(([name, s]) => {
    // No finite value to take a range from: a made-up one (scale 1) would quantize it silently wrong.
    if (s.count === 0) throw new QuantizeError(`calibration saw no finite value of ${name} (${inputs.source}, ${inputs.records.length} request${inputs.records.length === 1 ? '' : 's'}): give requests on which it is finite`);
    return [name, s.range(percentile)];
  }));
}

class Sampler {
  min = Infinity;
  max = -Infinity;
  private readonly kept: number[] = [];
  /** Finite values seen. */
  count = 0;

  constructor(private readonly keep: boolean) {}

  add(values: ArrayLike<number>): void {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) continue;
      if (v < this.min) this.min = v;
      if (v > this.max) this.max = v;
      // Every value until the budget is reached, then every k-th: a fixed, reproducible sample.
      if (this.keep && (this.kept.length < MAX_SAMPLES || this.count % Math.ceil(this.count / MAX_SAMPLES) === 0)) {
        if (this.kept.length < MAX_SAMPLES) this.kept.push(v);
        else this.kept[this.count % MAX_SAMPLES] = v;
      }
      this.count++;
    }
  }

  range(percentile: number | undefined): Range {
    if (percentile === undefined || this.kept.length === 0) return { min: this.min, max: this.max };
    return percentileRange(Float64Array.from(this.kept).sort(), percentile);
  }
}

/**
 * onnxruntime's percentile range when not symmetric (calibrate.py's compute_percentile): with
 * cut = (100 − p) / 200, the low end is the smallest value with a fraction ≥ cut of the values at
 * or below it, the high end the smallest with a fraction ≥ 1 − cut. (onnxruntime reads those off a
 * histogram's bin edges; here they are exact values of the sorted sample.)
 */
export function percentileRange(sorted: Float64Array, percentile: number): Range {
  const cut = (100 - percentile) / 200;
  // The 1e-9 keeps a count that is whole in exact arithmetic (0.005 · 1000) from rounding up.
  const at = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length - 1e-9) - 1))]!;
  return { min: at(cut), max: at(1 - cut) };
}
