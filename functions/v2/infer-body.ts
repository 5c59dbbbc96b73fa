// An infer request's body: the JSON inference request, then — with the binary tensor data
// extension — the binary inputs, in input order. `Inference-Header-Content-Length` says where the
// JSON ends (absent: the whole body is JSON). The body is read once; each binary input is a view
// of it. The JSON is read by the project's parser (depth limit, numbers counted against
// --max_request_elements as they are parsed, time slices for a big body, exact int64).
import { ElementLimitError } from '../codec/tensor-from-json.ts';
import { readBodyBytes, type BodyLimits } from '../http/body.ts';
import type { RestRequest } from '../http/exchange.ts';
import type { RestScope } from '../http/request-log.ts';
import { JsonParseError, parseJson, parseJsonSliced, TooManyNumbersError } from '../util/json/parse.ts';
import type { JsonValue } from '../util/json/value.ts';
import { invalidArgument } from '../util/status.ts';
import { TimeSlicer } from '../util/time-slicer.ts';
import { parseInferRequest, type V2InferRequest } from './infer-request.ts';

export const HEADER_LENGTH = 'inference-header-content-length';

export interface InferBody {
  readonly request: V2InferRequest;
  /** Each binary input's bytes, by input name (views of the body). */
  readonly binary: ReadonlyMap<string, Uint8Array>;
  /** The body as read (gunzipped), for a remote routing arm. */
  readonly bytes: Uint8Array;
  /** The JSON part's length, when the body has a binary part. */
  readonly headerLength?: number;
}

/** Bodies from this size on are parsed in time slices (as TF Serving's predict bodies are). */
const SLICED_JSON_CHARS = 256 * 1024;
const utf8 = new TextDecoder();
/** Numbers of a request that are not tensor elements (shapes, binary_data_size …), at most. */
const NON_DATA_NUMBERS = 4096;

export async function readInferBody(request: RestRequest, limits: BodyLimits, maxElements: number, scope: RestScope, sampleRate = 0): Promise<InferBody> {
  const headerLength = headerLengthOf(request.header(HEADER_LENGTH));
  const bytes = await readBodyBytes(request, limits, headerLength);
  scope.bytesIn = bytes.byteLength;
  if (headerLength !== undefined && headerLength > bytes.byteLength) {
    throw invalidArgument(`Inference-Header-Content-Length ${headerLength} is past the end of the ${bytes.byteLength}-byte body`);
  }
  const text = utf8.decode(bytes.subarray(0, headerLength ?? bytes.byteLength));
  if (sampleRate > 0 && Math.random() < sampleRate) scope.bodyText = text; // the JSON only, never tensor bytes
  const doc = parse(text, maxElements);
  const parsed = parseInferRequest(doc instanceof Promise ? await doc : doc, maxElements);
  const binary = new Map<string, Uint8Array>();
  let offset = headerLength ?? bytes.byteLength;
  for (const input of parsed.inputs) {
    if (input.binarySize === undefined) continue;
    if (headerLength === undefined) throw invalidArgument(`Input '${input.name}' is binary (binary_data_size), but the request has no Inference-Header-Content-Length header`);
    if (input.binarySize > bytes.byteLength - offset) {
      throw invalidArgument(`Input '${input.name}': binary_data_size ${input.binarySize} reaches past the end of the body (${bytes.byteLength - offset} bytes left)`);
    }
    binary.set(input.name, bytes.subarray(offset, offset + input.binarySize));
    offset += input.binarySize;
  }
  if (offset !== bytes.byteLength) throw invalidArgument(`${bytes.byteLength - offset} bytes of the body follow the last binary input`);
  return { request: parsed, binary, bytes, headerLength };
}

/** The header's value: a non-negative decimal integer, or absent. */
function headerLengthOf(value: string | null): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (!/^\d{1,15}$/.test(trimmed)) throw invalidArgument(`Inference-Header-Content-Length must be a non-negative integer, got: ${trimmed.slice(0, 40)}`);
  return Number(trimmed);
}

/** The JSON, parsed at once when small (no await) or in time slices when big; errors as 400s. */
function parse(text: string, maxElements: number): JsonValue | Promise<JsonValue> {
  if (text.length === 0) throw invalidArgument('The inference request is empty');
  // The exact limit is on the shapes' products (infer-request.ts), which each input's data must
  // match; the parser stops a body whose numbers pass it, with room for the shapes' own numbers.
  const options = { numberRuns: true, maxNumbers: maxElements + NON_DATA_NUMBERS };
  try {
    if (text.length < SLICED_JSON_CHARS) return parseJson(text, undefined, options);
  } catch (e) {
    throw parseError(e);
  }
  return parseJsonSliced(text, new TimeSlicer(), undefined, options).catch((e: unknown) => {
    throw parseError(e);
  });
}

function parseError(e: unknown): unknown {
  if (e instanceof TooManyNumbersError) return new ElementLimitError(e.limit);
  if (e instanceof JsonParseError) return invalidArgument(`JSON parse error: ${e.message}`);
  return e;
}
