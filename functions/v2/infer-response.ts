// The inference response ($inference_response): JSON with each output's data as a flat list, or —
// when any output is asked for in binary — the JSON header (outputs in binary carry
// `binary_data_size` and no data) followed by those outputs' bytes, as application/octet-stream
// with the header's length in Inference-Header-Content-Length. Numbers are written straight into a
// byte buffer, a run at a time (util/json); a big answer gives the event loop back between runs.
// Past --max_response_bytes it stops with ResponseTooLargeError (413).
import { ResponseTooLargeError } from '../codec/response-limit.ts';
import type { RestResponse } from '../rest/exchange.ts';
import { jsonResponse, type ResponseOptions } from '../rest/responses.ts';
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

export async function inferResponse(answer: InferAnswer, maxBytes: number, options: ResponseOptions, headers: Record<string, string>): Promise<RestResponse> {
  const binary = answer.outputs.filter((o) => o.binary).map((o) => tensorBytes(o.tensor));
  const binaryBytes = binary.reduce((n, b) => n + b.byteLength, 0);
  if (binaryBytes > maxBytes) throw new ResponseTooLargeError(maxBytes);
  const header = await writeHeader(answer, binary, maxBytes - binaryBytes);
  if (binary.length === 0) return jsonResponse(200, header, options, headers);
  const head = encoder.encode(header);
  // The one copy of the output bytes: header and tensors into the body that is sent.
  const body = new Uint8Array(head.byteLength + binaryBytes);
  body.set(head, 0);
  let at = head.byteLength;
  for (const b of binary) {
    body.set(b, at);
    at += b.byteLength;
  }
  const binaryHeaders = { ...headers, 'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': String(head.byteLength) };
  const { headers: withCors } = jsonResponse(200, '', options, binaryHeaders);
  return { status: 200, headers: withCors, body: null, bytes: body };
}

async function writeHeader(answer: InferAnswer, binary: readonly Uint8Array[], maxBytes: number): Promise<string> {
  let estimate = 256;
  for (const o of answer.outputs) if (!o.binary) estimate += elementCount(o.tensor.dims) * 14;
  const sink = new ByteSink(maxBytes, () => {
    throw new ResponseTooLargeError(maxBytes);
  }, estimate);
  const slicer = new TimeSlicer();
  sink.text('{');
  if (answer.id !== undefined) sink.text(`"id":${quoteJsonString(answer.id)},`);
  sink.text(`"model_name":${quoteJsonString(answer.model)},"model_version":"${answer.version}","outputs":[`);
  let b = 0;
  for (const [k, o] of answer.outputs.entries()) {
    const { tensor } = o;
    sink.text(`${k > 0 ? ',' : ''}{"name":${quoteJsonString(o.name)},"datatype":"${v2Datatype(tensor.dtype)}","shape":[${tensor.dims.join(',')}]`);
    if (o.binary) sink.text(`,"parameters":{"binary_data_size":${binary[b++]!.byteLength}}}`);
    else {
      sink.text(',"data":[');
      await writeData(sink, tensor, slicer);
      sink.text(']}');
    }
  }
  sink.text(']}');
  return sink.finish();
}

async function writeData(sink: ByteSink, tensor: Tensor, slicer: TimeSlicer): Promise<void> {
  const n = elementCount(tensor.dims);
  if (tensor.dtype === 'string') {
    const strings = tensor.data as string[];
    for (let i = 0; i < n; i++) {
      sink.text(i > 0 ? `,${quoteJsonString(strings[i]!)}` : quoteJsonString(strings[i]!));
      if (i % WRITE_STEP === WRITE_STEP - 1) await slicer.pause();
    }
    return;
  }
  const { kind, data } = numbers(tensor);
  for (let done = 0; done < n; done += WRITE_STEP) {
    writeNumberRun(sink, kind, data, done, Math.min(WRITE_STEP, n - done), done === 0 ? EMPTY : COMMA, COMMA);
    await slicer.pause();
  }
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
