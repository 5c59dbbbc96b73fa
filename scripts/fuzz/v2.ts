// Open Inference Protocol (V2) infer bodies: a valid JSON or binary request of an example model,
// then mutated — its JSON as the body family mutates TF Serving's, or its binary framing:
// Inference-Header-Content-Length past the body, negative, not a number or off by a few;
// binary_data_size lying; the binary part cut or padded; BYTES lengths that overrun; huge shapes;
// wrong datatypes. Every body stays within 1,000,000 bytes.
import { MAX_BODY_BYTES, mutate } from './body.ts';
import { utf8, type FuzzCase } from './cases.ts';
import type { Random } from './random.ts';

interface V2Valid {
  readonly model: string;
  readonly inputs: readonly { name: string; shape: number[]; datatype: string; data: unknown[] }[];
}

const pixels = (seed: number) => Array.from({ length: 784 }, (_, i) => ((i * 29 + seed * 7) % 256) / 255);

const VALID: readonly V2Valid[] = [
  { model: 'half_plus_two', inputs: [{ name: 'x', shape: [3], datatype: 'FP32', data: [1, 2, 5] }] },
  { model: 'two_io', inputs: [{ name: 'a', shape: [2, 2], datatype: 'FP32', data: [1, 2, 3, 4] }, { name: 'b', shape: [2], datatype: 'INT64', data: [3, -4] }] },
  {
    model: 'all_dtypes',
    inputs: [
      ['f32', 'FP32', 1.5], ['f64', 'FP64', 2.25], ['f16', 'FP16', 0.5], ['i8', 'INT8', -8], ['i16', 'INT16', -16], ['i32', 'INT32', -32], ['i64', 'INT64', -64],
      ['u8', 'UINT8', 8], ['u16', 'UINT16', 16], ['u32', 'UINT32', 32], ['u64', 'UINT64', 64], ['b', 'BOOL', true], ['s', 'BYTES', 'text'],
    ].map(([name, datatype, v]) => ({ name: name as string, shape: [1], datatype: datatype as string, data: [v] })),
  },
  { model: 'mnist', inputs: [{ name: 'image', shape: [1, 784], datatype: 'FP32', data: pixels(1) }] },
  { model: 'mnist_fp16', inputs: [{ name: 'image', shape: [1, 784], datatype: 'FP16', data: pixels(2) }] },
];

const SIZES: Record<string, number> = { BOOL: 1, UINT8: 1, INT8: 1, UINT16: 2, INT16: 2, FP16: 2, UINT32: 4, INT32: 4, FP32: 4, UINT64: 8, INT64: 8, FP64: 8 };

/** One element's little-endian bytes (FP16 as the nearest half by Math.fround's float, truncated). */
function elementBytes(datatype: string, v: unknown): Uint8Array {
  if (datatype === 'BYTES') {
    const text = utf8(String(v));
    const out = new Uint8Array(4 + text.length);
    new DataView(out.buffer).setUint32(0, text.length, true);
    out.set(text, 4);
    return out;
  }
  const out = new Uint8Array(8);
  const dv = new DataView(out.buffer);
  const n = Number(v);
  switch (datatype) {
    case 'FP32': dv.setFloat32(0, n, true); break;
    case 'FP64': dv.setFloat64(0, n, true); break;
    case 'FP16': dv.setUint16(0, (new Uint32Array(new Float32Array([n]).buffer)[0]! >>> 16) & 0xffff, true); break; // a bfloat-ish pattern: any bits are a half
    case 'INT64': dv.setBigInt64(0, BigInt(n), true); break;
    case 'UINT64': dv.setBigUint64(0, BigInt(n), true); break;
    case 'BOOL': dv.setUint8(0, v ? 1 : 0); break;
    default: dv.setInt32(0, n, true); // little-endian: the low bytes come first
  }
  return out.subarray(0, SIZES[datatype]!); // truncated to the element's size
}

const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
};

export function v2Case(r: Random): FuzzCase {
  const valid = r.pick(VALID);
  const path = `/v2/models/${valid.model}${r.chance(0.1) ? '/versions/1' : ''}/infer`;
  const outputs = r.chance(0.3) ? { parameters: { binary_data_output: true } } : {};
  if (r.chance(0.4)) {
    // JSON: valid, or mutated as TF Serving's bodies are.
    const doc = { id: `f-${r.int(0, 999)}`, inputs: valid.inputs, ...outputs };
    const body = r.chance(0.25) ? utf8(JSON.stringify(doc)) : mutate(r, doc);
    return { method: 'POST', path, headers: { 'content-type': 'application/json' }, body: body.subarray(0, MAX_BODY_BYTES) };
  }
  const binaries = valid.inputs.map((i) => concat(i.data.map((v) => elementBytes(i.datatype, v))));
  const inputs = valid.inputs.map((i, k) => ({ name: i.name, shape: i.shape, datatype: i.datatype, parameters: { binary_data_size: binaries[k]!.length } }));
  const mutation = r.int(0, 9);
  if (mutation === 1) inputs[r.int(0, inputs.length - 1)]!.parameters.binary_data_size += r.pick([-1, 1, 7, -1000, 2 ** 40]);
  if (mutation === 2) inputs[r.int(0, inputs.length - 1)]!.shape = r.pick([[2 ** 31, 2 ** 31], [0], [-1], [1, 1, 1, 1], [3.5]]) as number[];
  if (mutation === 3) inputs[r.int(0, inputs.length - 1)]!.datatype = r.pick(['FP32', 'BYTES', 'BOOL', 'INT4', 'fp32', '']);
  if (mutation === 4) { const s = valid.inputs.findIndex((i) => i.datatype === 'BYTES'); if (s >= 0) new DataView(binaries[s]!.buffer).setUint32(0, r.pick([2 ** 32 - 1, 1000, 5]), true); }
  const header = utf8(JSON.stringify({ inputs, ...outputs }));
  let body = concat([header, ...binaries]);
  if (mutation === 5) body = body.subarray(0, r.int(0, body.length - 1));
  if (mutation === 6) body = concat([body, new Uint8Array(r.size(5000)).map(() => r.int(0, 255))]);
  if (mutation === 7) { body = body.slice(); for (let i = r.int(1, 6); i > 0; i--) body[r.int(0, body.length - 1)] = r.int(0, 255); }
  const length = mutation === 8 ? r.pick(['-5', 'abc', '', ' 12', '1e3', String(body.length + 1), String(2 ** 53), '0x10', String(header.length - 1)]) : String(header.length);
  return { method: 'POST', path, headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': length }, body };
}
