// The inputs a quantization is measured (and a static one calibrated) on: predict request bodies,
// as clients send them — a JSON-lines (or JSON array) file given with --calibration, or else the
// version's own warmup records (TF Serving's assets.extra, next to the model file). Each body is
// decoded by the same codec the server uses, against each model's own signature, so a float16
// input of a converted model gets the same numbers as the float32 one.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { predictInputsFromJson } from '../../../functions/codec/predict-request.ts';
import type { TensorSpec } from '../../../functions/tensor/tensor-spec.ts';
import type { Tensor } from '../../../functions/tensor/tensor.ts';
import { parseJson } from '../../../functions/util/json/parse.ts';
import type { JsonObject } from '../../../functions/util/json/value.ts';
import { WARMUP_FILE } from '../../../functions/serving/warmup.ts';
import { QuantizeError } from './onnx-model.ts';

export interface SampleInputs {
  /** Where they came from, for the report: the file's path. */
  readonly source: string;
  readonly records: readonly JsonObject[];
}

/** `--calibration FILE`, else the warmup records beside the model, else none. */
export async function readSampleInputs(calibration: string | undefined, modelPath: string): Promise<SampleInputs | undefined> {
  const path = calibration ?? join(dirname(modelPath), WARMUP_FILE);
  if (calibration === undefined && !existsSync(path)) return undefined;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new QuantizeError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const trimmed = text.trim();
  const docs = trimmed.startsWith('[') ? [[trimmed, '(the array)'] as const] : trimmed.split('\n').map((l, i) => [l, `line ${i + 1}`] as const).filter(([l]) => l.trim() !== '');
  const records: JsonObject[] = [];
  for (const [chunk, where] of docs) {
    let doc;
    try {
      doc = parseJson(chunk);
    } catch (e) {
      throw new QuantizeError(`${path} ${where}: not JSON (${(e as Error).message})`);
    }
    for (const r of Array.isArray(doc) ? doc : [doc]) {
      if (!(r instanceof Map)) throw new QuantizeError(`${path} ${where}: not a predict request object`);
      records.push(r);
    }
  }
  if (records.length === 0) throw new QuantizeError(`${path} holds no predict requests`);
  return { source: path, records };
}

/** One record's feeds for a model with these inputs; a record that does not fit is the operator's error. */
export function feedsFor(record: JsonObject, inputs: readonly TensorSpec[], index: number, source: string): Map<string, Tensor> {
  try {
    return predictInputsFromJson(record, inputs).feeds;
  } catch (e) {
    throw new QuantizeError(`${source} request ${index + 1} does not fit the model: ${(e as Error).message}`);
  }
}
