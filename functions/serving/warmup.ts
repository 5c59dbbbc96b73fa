// Warmup requests, TF Serving's tf_serving_warmup_requests in JSON: `assets.extra/warmup.json`
// holds predict request bodies (a JSON array, or one per line), each replayed before the version
// becomes AVAILABLE. Any failure fails the load, as upstream.
import { predictInputsFromJson } from '../codec/predict-request.ts';
import { parseJson, JsonParseError } from '../util/json/parse.ts';
import type { JsonObject, JsonValue } from '../util/json/value.ts';
import { invalidArgument, ServingError } from '../util/status.ts';
import { DEFAULT_SIGNATURE, type Servable } from './servable.ts';

export const WARMUP_FILE = 'assets.extra/warmup.json';
/** TF Serving's limit on warmup records. */
export const MAX_WARMUP_RECORDS = 1000;

export function parseWarmupRecords(text: string, key: string): JsonObject[] {
  const parse = (chunk: string, where: string): JsonValue => {
    try {
      return parseJson(chunk);
    } catch (e) {
      if (e instanceof JsonParseError) throw invalidArgument(`Failed to parse warmup record ${where} from ${key}: ${e.message}`);
      throw e;
    }
  };
  const trimmed = text.trim();
  const records: JsonValue[] = trimmed.startsWith('[')
    ? (() => {
        const doc = parse(trimmed, '(array)');
        if (!Array.isArray(doc)) throw invalidArgument(`${key} must be a JSON array or JSON lines of predict requests`);
        return doc;
      })()
    : trimmed.split('\n').filter((l) => l.trim() !== '').map((line, i) => parse(line, `on line ${i + 1}`));
  if (records.length > MAX_WARMUP_RECORDS) {
    throw invalidArgument(`Number of warmup records exceeds the maximum (${MAX_WARMUP_RECORDS}) at ${key}`);
  }
  return records.map((r, i) => {
    if (!(r instanceof Map)) throw invalidArgument(`Warmup record ${i} in ${key} is not a predict request object`);
    return r;
  });
}

/** Replays every record `iterations` times against a servable that is not yet AVAILABLE. */
export async function runWarmup(servable: Servable, records: readonly JsonObject[], iterations: number, key: string): Promise<void> {
  for (const [i, record] of records.entries()) {
    const name = record.get('signature_name');
    const signature = servable.signatures.get(typeof name === 'string' && name !== '' ? name : DEFAULT_SIGNATURE);
    try {
      if (signature === undefined) throw invalidArgument(`Serving signature name: "${String(name)}" not found in signature def`);
      const { feeds } = predictInputsFromJson(record, signature.inputs);
      for (let n = 0; n < iterations; n++) await servable.run(feeds);
    } catch (e) {
      const inner = e instanceof ServingError ? e : invalidArgument(e instanceof Error ? e.message : String(e));
      throw new ServingError(inner.code, `Warmup record ${i} from ${key} failed: ${inner.message}`);
    }
  }
}
