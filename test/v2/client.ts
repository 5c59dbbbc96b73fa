// A small Open Inference Protocol client, written from the specification (KServe's v2 REST API and
// the binary tensor data extension), not from edgeserve's code: it builds JSON or binary infer
// bodies and reads JSON or binary answers. Byte layouts are made here with DataView, element by
// element, little-endian, so that a test compares the server's bytes with independently made ones.
import { parseJson } from '../../functions/util/json/parse.ts';
import { plain, type Fetcher } from '../conformance/cases.ts';

export type V2Datatype =
  | 'BOOL' | 'UINT8' | 'UINT16' | 'UINT32' | 'UINT64' | 'INT8' | 'INT16' | 'INT32' | 'INT64'
  | 'FP16' | 'FP32' | 'FP64' | 'BYTES';

export type Element = number | bigint | boolean | string;

export interface ClientInput {
  readonly name: string;
  readonly shape: readonly number[];
  readonly datatype: V2Datatype;
  /** JSON data (flat or nested) … */
  readonly data?: unknown;
  /** … or binary: these bytes after the JSON header (binary_data_size). */
  readonly binary?: Uint8Array;
  readonly parameters?: Record<string, unknown>;
}

export interface ClientRequest {
  readonly id?: string;
  readonly inputs: readonly ClientInput[];
  readonly outputs?: readonly { name: string; parameters?: Record<string, unknown> }[];
  readonly parameters?: Record<string, unknown>;
}

export interface ClientOutput {
  readonly name: string;
  readonly datatype: V2Datatype;
  readonly shape: number[];
  readonly data?: unknown[];
  readonly parameters?: Record<string, unknown>;
  /** The output's bytes, when it came in binary. */
  readonly binary?: Uint8Array;
}

export interface ClientAnswer {
  readonly status: number;
  readonly headers: Headers;
  /** The JSON (the whole body, or the binary answer's header). */
  readonly json: any;
  readonly outputs: ClientOutput[];
  /** The whole body as received. */
  readonly body: Uint8Array;
}

const encoder = new TextEncoder();

/** The body and headers for a request: JSON alone, or JSON then the binary inputs in order. */
export function encodeRequest(request: ClientRequest): { body: Uint8Array; headers: Record<string, string> } {
  const inputs = request.inputs.map((i) => ({
    name: i.name,
    shape: i.shape,
    datatype: i.datatype,
    ...(i.binary ? { parameters: { ...i.parameters, binary_data_size: i.binary.byteLength } } : i.parameters ? { parameters: i.parameters } : {}),
    ...(i.binary ? {} : { data: i.data }),
  }));
  const json = encoder.encode(JSON.stringify({ ...request, inputs }, (_k, v) => (typeof v === 'bigint' ? `@@${v}@@` : v)).replace(/"@@(-?\d+)@@"/g, '$1'));
  const binaries = request.inputs.flatMap((i) => (i.binary ? [i.binary] : []));
  if (binaries.length === 0) return { body: json, headers: { 'Content-Type': 'application/json' } };
  const body = concat([json, ...binaries]);
  return { body, headers: { 'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': String(json.byteLength) } };
}

export async function infer(fetcher: Fetcher, path: string, request: ClientRequest, extraHeaders: Record<string, string> = {}): Promise<ClientAnswer> {
  const { body, headers } = encodeRequest(request);
  return send(fetcher, path, body, { ...headers, ...extraHeaders });
}

/** POSTs bytes as they are (for malformed bodies) and reads the answer as the protocol says. */
export async function send(fetcher: Fetcher, path: string, body: Uint8Array | string, headers: Record<string, string> = {}): Promise<ClientAnswer> {
  const res = await fetcher(path, { method: 'POST', body: body as BodyInit, headers });
  return readAnswer(res);
}

export async function readAnswer(res: Response): Promise<ClientAnswer> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  const lengthHeader = res.headers.get('inference-header-content-length');
  const headerLength = lengthHeader === null ? bytes.byteLength : Number(lengthHeader);
  const text = new TextDecoder().decode(bytes.subarray(0, headerLength));
  // The project's parser keeps int64 digits beyond 2^53 (as strings, through plain()).
  const json = text === '' ? undefined : (plain(parseJson(text)) as any);
  let offset = headerLength;
  const outputs: ClientOutput[] = (json?.outputs ?? []).map((o: ClientOutput) => {
    const size = o.parameters?.binary_data_size as number | undefined;
    if (size === undefined) return o;
    const binary = bytes.slice(offset, offset + size);
    offset += size;
    return { ...o, binary };
  });
  if (res.status === 200 && offset !== bytes.byteLength) throw new Error(`binary answer: ${bytes.byteLength - offset} bytes past its outputs`);
  return { status: res.status, headers: res.headers, json, outputs, body: bytes };
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** IEEE 754 half bits of a float, by hand (for the values the tests use: exact in half precision). */
export function halfBits(v: number): number {
  if (v === 0) return Object.is(v, -0) ? 0x8000 : 0;
  const sign = v < 0 ? 0x8000 : 0;
  const a = Math.abs(v);
  const exp = Math.floor(Math.log2(a));
  const mant = Math.round((a / 2 ** exp - 1) * 1024);
  return sign | ((exp + 15) << 10) | mant;
}

/** The binary form of elements of a datatype, little-endian, one element after another. */
export function binaryOf(datatype: V2Datatype, values: readonly Element[]): Uint8Array {
  if (datatype === 'BYTES') {
    return concat(values.map((v) => {
      const text = encoder.encode(String(v));
      const out = new Uint8Array(4 + text.byteLength);
      new DataView(out.buffer).setUint32(0, text.byteLength, true);
      out.set(text, 4);
      return out;
    }));
  }
  const size = { BOOL: 1, UINT8: 1, INT8: 1, UINT16: 2, INT16: 2, FP16: 2, UINT32: 4, INT32: 4, FP32: 4, UINT64: 8, INT64: 8, FP64: 8 }[datatype];
  const out = new Uint8Array(size * values.length);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => {
    const at = i * size;
    switch (datatype) {
      case 'BOOL': dv.setUint8(at, v ? 1 : 0); break;
      case 'UINT8': dv.setUint8(at, Number(v)); break;
      case 'INT8': dv.setInt8(at, Number(v)); break;
      case 'UINT16': dv.setUint16(at, Number(v), true); break;
      case 'INT16': dv.setInt16(at, Number(v), true); break;
      case 'FP16': dv.setUint16(at, halfBits(Number(v)), true); break;
      case 'UINT32': dv.setUint32(at, Number(v), true); break;
      case 'INT32': dv.setInt32(at, Number(v), true); break;
      case 'FP32': dv.setFloat32(at, Number(v), true); break;
      case 'UINT64': dv.setBigUint64(at, BigInt(v), true); break;
      case 'INT64': dv.setBigInt64(at, BigInt(v), true); break;
      case 'FP64': dv.setFloat64(at, Number(v), true); break;
    }
  });
  return out;
}

export const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
