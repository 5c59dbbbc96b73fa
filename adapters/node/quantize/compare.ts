// "Validate any model after quantization and before deployment": both models run on the same
// predict requests, and each output's difference is measured — max and mean absolute error over
// every element, and for classifier-like outputs ([batch, classes] floats) how often the two pick
// the same class (top-1 agreement).
import { fromHalfBits } from '../../../functions/tensor/float16.ts';
import type { InferenceBackend, InferenceSession } from '../../../functions/runtime/backend.ts';
import type { Tensor } from '../../../functions/tensor/tensor.ts';
import { QuantizeError } from './onnx-model.ts';
import { feedsFor, type SampleInputs } from './sample-inputs.ts';

export interface OutputError {
  readonly name: string;
  /** Elements compared, over every request. */
  readonly elements: number;
  readonly maxAbsError: number;
  readonly meanAbsError: number;
  /** Classifier-like outputs only: rows whose argmax agrees / rows. */
  readonly top1Agreement?: number;
  readonly rows?: number;
}

export interface Comparison {
  readonly source: string;
  readonly requests: number;
  readonly runtime: string;
  readonly outputs: readonly OutputError[];
}

/** Numbers of a numeric tensor (float16 half bits decoded); undefined for strings. */
export function numbers(t: Tensor): ArrayLike<number> | undefined {
  if (t.dtype === 'string') return undefined;
  if (t.dtype === 'float16') return Array.from(t.data as Uint16Array, fromHalfBits);
  if (t.data instanceof BigInt64Array || t.data instanceof BigUint64Array) return Array.from(t.data, Number);
  return t.data as ArrayLike<number>;
}

export function classifierLike(t: Tensor): boolean {
  return (t.dtype === 'float32' || t.dtype === 'float16' || t.dtype === 'float64') && t.dims.length === 2 && t.dims[1]! >= 2;
}

export function argmaxRow(v: ArrayLike<number>, row: number, width: number): number {
  let best = 0;
  for (let i = 1; i < width; i++) if (v[row * width + i]! > v[row * width + best]!) best = i;
  return best;
}

class Accumulator {
  elements = 0;
  max = 0;
  sum = 0;
  rows = 0;
  agreeing = 0;
  classifier = true;

  add(name: string, a: Tensor, b: Tensor): void {
    const x = numbers(a);
    const y = numbers(b);
    if (!x || !y || x.length !== y.length) throw new Error(`output ${name} differs in type or shape between the models (${a.dtype}${JSON.stringify(a.dims)} vs ${b.dtype}${JSON.stringify(b.dims)})`);
    for (let i = 0; i < x.length; i++) {
      const d = Math.abs(x[i]! - y[i]!);
      // NaN in both is agreement; NaN in one is an infinite error, not a silently ignored one.
      const e = Number.isNaN(d) ? (Number.isNaN(x[i]!) && Number.isNaN(y[i]!) ? 0 : Infinity) : d;
      this.max = Math.max(this.max, e);
      this.sum += e;
    }
    this.elements += x.length;
    this.classifier &&= classifierLike(a);
    if (this.classifier) {
      const width = a.dims[1]!;
      for (let r = 0; r < a.dims[0]!; r++) if (argmaxRow(x, r, width) === argmaxRow(y, r, width)) this.agreeing++;
      this.rows += a.dims[0]!;
    }
  }

  result(name: string): OutputError {
    const base = { name, elements: this.elements, maxAbsError: this.max, meanAbsError: this.elements ? this.sum / this.elements : 0 };
    return this.classifier && this.rows > 0 ? { ...base, top1Agreement: this.agreeing / this.rows, rows: this.rows } : base;
  }
}

async function runOne(session: InferenceSession, feeds: Map<string, Tensor>, failure: string): Promise<Map<string, Tensor>> {
  try {
    return await session.run(feeds);
  } catch (e) {
    throw new QuantizeError(`${failure}: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
  }
}

/** Runs both models (on `backend`) over every request and measures each numeric output. */
export async function compareModels(reference: Uint8Array, candidate: Uint8Array, inputs: SampleInputs, backend: InferenceBackend): Promise<Comparison> {
  const sessions: InferenceSession[] = [];
  try {
    const a = await backend.createSession(reference);
    sessions.push(a);
    const b = await backend.createSession(candidate);
    sessions.push(b);
    const stats = new Map<string, Accumulator>();
    for (const [i, record] of inputs.records.entries()) {
      const x = await runOne(a, feedsFor(record, a.inputs, i, inputs.source), `${inputs.source} request ${i + 1} does not fit the model`);
      const y = await runOne(b, feedsFor(record, b.inputs, i, inputs.source), `${inputs.source} request ${i + 1} fails on the quantized model`);
      for (const [name, t] of x) {
        const u = y.get(name);
        if (u === undefined || t.dtype === 'string' || t.dtype === 'bool') continue;
        const acc = stats.get(name) ?? new Accumulator();
        stats.set(name, acc);
        acc.add(name, t, u);
      }
    }
    return { source: inputs.source, requests: inputs.records.length, runtime: backend.name, outputs: [...stats].map(([name, acc]) => acc.result(name)) };
  } finally {
    for (const s of sessions) await s.release();
  }
}
