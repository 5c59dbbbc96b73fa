// One quantization, in memory: read and check the model, rewrite it in the asked mode, load the
// result in both backends edgeserve serves with, measure it against the original on sample
// requests. Nothing is written here: the caller writes the bytes only once all of this succeeded.
import { readFile } from 'node:fs/promises';
import { createNodeBackend } from '../../shared/ort-backends.ts';
import type { InferenceBackend } from '../../../functions/runtime/backend.ts';
import { compareModels } from './compare.ts';
import type { GraphEdit } from './graph-edit.ts';
import { convertFloat16 } from './fp16.ts';
import { quantizeDynamic } from './int8-dynamic.ts';
import { quantizeStatic } from './int8-static.ts';
import { decodeModel, encodeModel, QuantizeError, type Model } from './onnx-model.ts';
import type { QuantizeMode, QuantizeReport } from './report.ts';
import { readSampleInputs, type SampleInputs } from './sample-inputs.ts';

export interface QuantizeRequest {
  readonly input: string;
  readonly mode: QuantizeMode;
  /** int8 modes: one scale per output channel. */
  readonly perChannel: boolean;
  readonly reduceRange: boolean;
  /** fp16: graph inputs and outputs keep their float32 type (casts at the edges). */
  readonly keepIoTypes: boolean;
  /** Predict requests (JSON lines); else the model's warmup records, if it has any. */
  readonly calibration?: string;
  /** Held-out predict requests to measure the error on (else the calibration or warmup ones). */
  readonly eval?: string;
  /** int8-static: min-max when undefined, else the central p % of the signed values (onnxruntime's asymmetric percentile: (100 − p) / 2 % cut from each tail). */
  readonly percentile?: number;
}

export interface Quantized {
  readonly bytes: Uint8Array;
  readonly report: QuantizeReport;
}

/** The rewrite of each mode; static quantization also gets the sample inputs and a backend to calibrate on. */
export type Rewrite = (model: Model, request: QuantizeRequest, context: { inputs?: SampleInputs; backend: InferenceBackend; original: Uint8Array }) => Promise<GraphEdit>;

const REWRITES: Partial<Record<QuantizeMode, Rewrite>> = {
  int8: async (model, r) => quantizeDynamic(model, r),
  fp16: async (model, r) => convertFloat16(model, r.keepIoTypes),
  'int8-static': quantizeStatic,
};

export async function quantizeModel(request: QuantizeRequest): Promise<Quantized> {
  const original = await readFile(request.input).catch((e: NodeJS.ErrnoException) => {
    throw new QuantizeError(`cannot read ${request.input}: ${e.code === 'ENOENT' ? 'no such file' : e.code ?? e.message}`);
  });
  const model = decodeModel(original);
  const node = await createNodeBackend('ort-node');
  const web = await createNodeBackend('ort-web');
  // The original must load in both: a model onnxruntime refuses cannot be measured, nor served,
  // and a result one backend refuses is then the quantizer's fault, not the model's.
  await loads(node, original, `${request.input} does not load in onnxruntime-node`);
  await loads(web, original, `${request.input} does not load in onnxruntime-web`);
  const inputs = await readSampleInputs(request.calibration, request.input);
  const rewrite = REWRITES[request.mode];
  if (!rewrite) throw new QuantizeError(`--${request.mode} is not available`);
  const edit = await rewrite(model, request, { inputs, backend: node, original });
  if (edit.converted.length === 0) {
    const why = edit.skipped.map((s) => `${s.node} (${s.op}): ${s.note}`).join('; ');
    throw new QuantizeError(`nothing to quantize in ${request.input}${why ? `: ${why}` : ' (no MatMul, Gemm or Conv)'}`);
  }
  const bytes = encodeModel(model);
  const loadsIn: string[] = [];
  for (const backend of [node, web]) {
    await loads(backend, bytes, `the ${request.mode} model does not load in ${backend.name} (a bug in edgeserve quantize, please report it)`);
    loadsIn.push(backend.name);
  }
  // Each backend's own figures: their kernels differ (ort-web's WASM rounds otherwise than
  // ort-node's MLAS), and the edge serves with one, a container with the other.
  const measured = request.eval ? await readSampleInputs(request.eval, request.input) : inputs;
  const comparisons = [];
  if (measured) for (const backend of [node, web]) comparisons.push(await compareModels(original, bytes, measured, backend));
  const report: QuantizeReport = {
    mode: request.mode,
    input: request.input,
    sizeBefore: original.length,
    sizeAfter: bytes.length,
    sizeRatio: bytes.length / original.length,
    options: optionsOf(request),
    converted: edit.converted,
    skipped: edit.skipped,
    loadsIn,
    ...(measured ? { comparisons } : { notMeasured: 'no sample requests (give --eval or --calibration FILE, or put warmup records in assets.extra/warmup.json beside the model)' }),
    caveats: measured ? caveatsOf(request) : [],
  };
  return { bytes, report };
}

async function loads(backend: InferenceBackend, bytes: Uint8Array, failure: string): Promise<void> {
  try {
    const session = await backend.createSession(bytes);
    await session.release();
  } catch (e) {
    throw new QuantizeError(`${failure}: ${firstLine(e)}`);
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim();
}

/** What the error figures do not say, in the operator's words. */
function caveatsOf(r: QuantizeRequest): string[] {
  const caveats: string[] = [];
  if (r.mode === 'int8-static' && !r.eval) {
    caveats.push('in-sample: measured on the calibration requests the activation ranges were taken from; give --eval FILE (held-out requests) for a figure that holds for other inputs');
  }
  if (r.mode === 'int8') {
    caveats.push('dynamic quantization computes activation scales per run: these figures hold for the requests batched as in the file; other batches (the server\'s batching, single rows) give other, usually similar, errors');
  }
  return caveats;
}

function optionsOf(r: QuantizeRequest): Record<string, string | number | boolean> {
  if (r.mode === 'fp16') return { keepIoTypes: r.keepIoTypes };
  const base = { perChannel: r.perChannel, reduceRange: r.reduceRange };
  return r.mode === 'int8-static' ? { ...base, calibrate: r.percentile === undefined ? 'minmax' : `percentile=${r.percentile}` } : base;
}
