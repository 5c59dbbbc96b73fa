// The binary tensor data extension's element layout: little-endian, row-major, no padding; BOOL one
// byte (0 or 1), BYTES each element a 4-byte little-endian length and its bytes. Every platform
// edgeserve runs on is little-endian, so a fixed-size tensor is its typed array's bytes: an input
// is viewed in place where its offset is aligned for its element (one copy otherwise), an output
// is viewed, not converted.
import type { DType } from '../tensor/dtype.ts';
import type { Tensor, TensorData } from '../tensor/tensor.ts';
import { invalidArgument } from '../util/status.ts';
import { elementBytes, v2Datatype } from './datatype.ts';
import type { DataTarget } from './json-data.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

export function tensorDataFromBytes(bytes: Uint8Array, target: DataTarget): TensorData {
  const { dtype, elements, name } = target;
  if (dtype === 'string') return bytesElements(bytes, target);
  const size = elementBytes(dtype);
  if (bytes.byteLength !== elements * size) {
    throw invalidArgument(
      `Input '${name}': binary_data_size ${bytes.byteLength} does not match shape [${target.shape.join(',')}] of ${v2Datatype(dtype)} (${elements * size} bytes)`,
    );
  }
  // A copy where the view would be misaligned (new Uint8Array copies; Buffer's slice would not).
  const aligned = bytes.byteOffset % size === 0 ? bytes : new Uint8Array(bytes);
  const data = view(dtype, aligned.buffer as ArrayBuffer, aligned.byteOffset, elements);
  if (dtype === 'bool') {
    const bad = (data as Uint8Array).findIndex((b) => b > 1);
    if (bad >= 0) throw invalidArgument(`Input '${name}': BOOL element ${bad} is byte ${(data as Uint8Array)[bad]}, not 0 or 1`);
  }
  return data;
}

function view(dtype: Exclude<DType, 'string'>, buffer: ArrayBuffer, offset: number, n: number): TensorData {
  switch (dtype) {
    case 'float32': return new Float32Array(buffer, offset, n);
    case 'float64': return new Float64Array(buffer, offset, n);
    case 'float16': case 'uint16': return new Uint16Array(buffer, offset, n);
    case 'int8': return new Int8Array(buffer, offset, n);
    case 'int16': return new Int16Array(buffer, offset, n);
    case 'int32': return new Int32Array(buffer, offset, n);
    case 'int64': return new BigInt64Array(buffer, offset, n);
    case 'uint8': case 'bool': return new Uint8Array(buffer, offset, n);
    case 'uint32': return new Uint32Array(buffer, offset, n);
    case 'uint64': return new BigUint64Array(buffer, offset, n);
  }
}

/** BYTES: exactly `elements` length-prefixed strings, filling the input's bytes to the end. */
function bytesElements(bytes: Uint8Array, target: DataTarget): string[] {
  // Each element takes 4 bytes at least: a shape claiming more than the bytes hold is refused first.
  if (target.elements * 4 > bytes.byteLength) {
    throw invalidArgument(`Input '${target.name}': binary BYTES data of ${bytes.byteLength} bytes cannot hold the ${target.elements} elements of shape [${target.shape.join(',')}]`);
  }
  const out = new Array<string>(target.elements);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  for (let i = 0; i < target.elements; i++) {
    if (pos + 4 > bytes.byteLength) throw invalidArgument(`Input '${target.name}': binary BYTES data ends before element ${i}'s length (shape [${target.shape.join(',')}])`);
    const length = view.getUint32(pos, true);
    pos += 4;
    if (length > bytes.byteLength - pos) throw invalidArgument(`Input '${target.name}': BYTES element ${i} claims ${length} bytes, past the end of its binary data`);
    // onnxruntime carries strings as JS strings: bytes that are not UTF-8 cannot survive the trip,
    // so they are refused rather than silently changed to U+FFFD.
    out[i] = utf8Element(bytes.subarray(pos, pos + length), target.name, i);
    pos += length;
  }
  if (pos !== bytes.byteLength) throw invalidArgument(`Input '${target.name}': ${bytes.byteLength - pos} bytes of binary data follow its last BYTES element`);
  return out;
}

function utf8Element(bytes: Uint8Array, name: string, i: number): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw invalidArgument(`Input '${name}': BYTES element ${i} is not valid UTF-8 (this server passes strings to the model as text)`);
  }
}

/** An output's bytes in binary form: a view of a fixed-size tensor, BYTES encoded. */
export function tensorBytes(tensor: Tensor): Uint8Array {
  if (tensor.dtype !== 'string') {
    const data = tensor.data as Exclude<TensorData, string[]>;
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  const strings = tensor.data as string[];
  const encoded = strings.map((s) => encoder.encode(s));
  let size = 4 * encoded.length;
  for (const e of encoded) size += e.byteLength;
  const out = new Uint8Array(size);
  const lengths = new DataView(out.buffer);
  let pos = 0;
  for (const e of encoded) {
    lengths.setUint32(pos, e.byteLength, true);
    out.set(e, pos + 4);
    pos += 4 + e.byteLength;
  }
  return out;
}
