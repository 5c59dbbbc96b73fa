// The inference response ($inference_response): JSON with each output's data as a flat list, or —
// when any output is asked for in binary — the JSON header (outputs in binary carry
// `binary_data_size` and no data) followed by those outputs' bytes, as application/octet-stream
// with the header's length in Inference-Header-Content-Length. Numbers are written straight into a
// byte buffer, a run at a time (util/json); a big answer gives the event loop back between runs.
// Past --max_response_bytes it stops with ResponseTooLargeError (413).
import { ResponseTooLargeError } from '../codec/response-limit.ts';
import type { RestResponse } from '../http/exchange.ts';
import { jsonResponse, type ResponseOptions } from '../http/responses.ts';
import { fromHalfBits } from '../tensor/float16.ts';
import { elementCount, type Tensor } from '../tensor/tensor.ts';
import { ByteSink } from '../util/json/byte-sink.ts';
import { writeNumberRun, type NumberData, type NumberKind } from '../util/json/number-runs.ts';
import { quoteJsonString } from '../util/json/pretty-writer.ts';
import { TimeSlicer } from '../util/time-slicer.ts';
import { tensorBytes } from './binary-data.ts';
import { v2Datatype } from './datatype.ts';

export interface ResponseOutput {
  readonly name: string;
  readonly tensor: Tensor;
  readonly binary: boolean;
}

export interface InferAnswer {
  readonly model: string;
  readonly version: number;
  readonly id?: string;
  readonly outputs: readonly ResponseOutput[];
}

/** Elements written between two chances to pause. */
const WRITE_STEP = 16_384;
const EMPTY = new Uint8Array(0);
const COMMA = new Uint8Array([0x2c]);
const encoder = new TextEncoder();

/** The answer; a promise only when a big JSON answer is written in time slices. */
export function inferResponse(answer: InferAnswer, maxBytes: number, options: ResponseOptions, headers: Record<string, string>): RestResponse | Promise<RestResponse> {
  const binary: Uint8Array[] = [];
  let binaryBytes = 0;
  for (const o of answer.outputs) {
    if (!o.binary) continue;
    const bytes = tensorBytes(o.tensor);
    binary.push(bytes);
    binaryBytes += bytes.byteLength;
  }
  if (binaryBytes > maxBytes) throw new ResponseTooLargeError(maxBytes);
  const header = writeHeader(answer, binary, maxBytes - binaryBytes);
  const respond = (text: string) => withHeader(text, binary, options, headers);
  return typeof header === 'string' ? respond(header) : header.then(respond);
}

function withHeader(header: string, binary: readonly Uint8Array[], options: ResponseOptions, headers: Record<string, string>): RestResponse {
  if (binary.length === 0) return jsonResponse(200, header, options, headers);
  const head = encoder.encode(header);
  const binaryHeaders = { ...headers, 'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': String(head.byteLength) };
  const { headers: withCors } = jsonResponse(200, '', options, binaryHeaders);
  // The tensors' bytes are sent as the runtime made them: no copy here (http/exchange.ts).
  return { status: 200, headers: withCors, body: null, bytes: [head, ...binary] };
}

/** Answers from this many JSON elements on are written in time slices (as TF Serving's predict answers). */
const SLICED_OUTPUT_ELEMENTS = 65_536;

function writeHeader(answer: InferAnswer, binary: readonly Uint8Array[], maxBytes: number): string | Promise<string> {
  let elements = 0;
  for (const o of answer.outputs) if (!o.binary) elements += elementCount(o.tensor.dims);
  if (binary.length === answer.outputs.length) {
    // Only binary outputs: a header of a few hundred bytes, no data to write.
    let header = answerStart(answer);
    answer.outputs.forEach((o, k) => (header += outputStart(o, k) + binaryParameters(binary[k]!)));
    header += ']}';
    if (header.length > maxBytes) throw new ResponseTooLargeError(maxBytes);
    return header;
  }
  // JSON outputs, though perhaps of no elements (shape [0]): written below, `binary` indexed apart.
  // About 14 bytes a number, plus the room the number writer reserves for its first block (33 a
  // number, up to ~2,000 numbers): a small answer is written without growing the buffer.
  const sink = new ByteSink(maxBytes, () => {
    throw new ResponseTooLargeError(maxBytes);
  }, 256 + elements * 14 + Math.min(elements, 2048) * 33);
  const steps = outputSteps(sink, answer, binary, elements < SLICED_OUTPUT_ELEMENTS ? Infinity : WRITE_STEP);
  if (elements < SLICED_OUTPUT_ELEMENTS) {
    steps.next(); // one step: everything
    return sink.finish();
  }
  return (async () => {
    const slicer = new TimeSlicer();
    while (!steps.next().done) await slicer.pause();
    return sink.finish();
  })();
}

const answerStart = (a: InferAnswer) =>
  `{${a.id === undefined ? '' : `"id":${quoteJsonString(a.id)},`}"model_name":${quoteJsonString(a.model)},"model_version":"${a.version}","outputs":[`;
const outputStart = (o: ResponseOutput, k: number) =>
  `${k > 0 ? ',' : ''}{"name":${quoteJsonString(o.name)},"datatype":"${v2Datatype(o.tensor.dtype)}","shape":[${o.tensor.dims.join(',')}]`;
const binaryParameters = (b: Uint8Array) => `,"parameters":{"binary_data_size":${b.byteLength}}}`;

/** The whole JSON header, `step` elements between two chances to pause (Infinity: none). */
function* outputSteps(sink: ByteSink, answer: InferAnswer, binary: readonly Uint8Array[], step: number): Generator<undefined, void, undefined> {
  let text = answerStart(answer);
  let b = 0;
  for (const [k, o] of answer.outputs.entries()) {
    text += outputStart(o, k);
    if (o.binary) {
      text += binaryParameters(binary[b++]!);
      continue;
    }
    sink.text(`${text},"data":[`);
    const n = elementCount(o.tensor.dims);
    for (let done = 0; done < n; done += step) {
      writeData(sink, o.tensor, done, Math.min(step, n - done));
      if (done + step < n) yield;
    }
    text = ']}';
  }
  sink.text(`${text}]}`);
}

/** Elements from..from+count-1 of one output's data, with their separators. */
function writeData(sink: ByteSink, tensor: Tensor, from: number, count: number): void {
  if (tensor.dtype === 'string') {
    const strings = tensor.data as string[];
    for (let i = from; i < from + count; i++) sink.text(i > 0 ? `,${quoteJsonString(strings[i]!)}` : quoteJsonString(strings[i]!));
    return;
  }
  const { kind, data } = numbers(tensor);
  writeNumberRun(sink, kind, data, from, count, from === 0 ? EMPTY : COMMA, COMMA);
}

/** How a numeric tensor's elements are written; a half is widened to the float it is exactly. */
function numbers(tensor: Tensor): { kind: NumberKind; data: NumberData } {
  switch (tensor.dtype) {
    case 'float16': return { kind: 'float32', data: Float32Array.from(tensor.data as Uint16Array, fromHalfBits) };
    case 'float32': return { kind: 'float32', data: tensor.data as Float32Array };
    case 'float64': return { kind: 'float64', data: tensor.data as Float64Array };
    case 'bool': return { kind: 'bool', data: tensor.data as Uint8Array };
    case 'int64': case 'uint64': return { kind: 'bigint', data: tensor.data as BigInt64Array };
    default: return { kind: 'int', data: tensor.data as NumberData };
  }
}
