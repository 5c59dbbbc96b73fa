// The hot loop of a tensor response: a run of numbers of one element kind, each preceded by the same
// separator (`,\n` and the indentation, or `, ` on a single line), written straight into a
// ByteSink. One loop per kind keeps every element read monomorphic; room is reserved, and the byte
// cap checked, once per block of about 64 KiB.
import { MAX_NUMBER_BYTES, writeFloat32Ascii, writeFloat64Ascii } from './ascii-decimal.ts';
import { writeBigInt, writeInt } from './ascii-integers.ts';
import type { ByteSink } from './byte-sink.ts';

/**
 * How a numeric tensor's elements are written: float32 and float64 by WriteDecimal's rule (float16
 * is widened to float32 first: it widens exactly, and float rules give TF Serving's text), int for
 * the number-valued integer arrays, bigint for int64/uint64, bool as true/false.
 */
export type NumberKind = 'float32' | 'float64' | 'int' | 'bigint' | 'bool';

export type NumberData = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array
  | Uint32Array | BigInt64Array | BigUint64Array;

const BLOCK_BYTES = 1 << 16;
const TRUE = [116, 114, 117, 101];
const FALSE = [102, 97, 108, 115, 101];

/** Writes one element (room for MAX_NUMBER_BYTES reserved by the caller); returns the end position. */
export function writeNumber(buf: Uint8Array, pos: number, kind: NumberKind, data: NumberData, i: number): number {
  switch (kind) {
    case 'float32': return writeFloat32Ascii(buf, pos, data[i] as number);
    case 'float64': return writeFloat64Ascii(buf, pos, data[i] as number);
    case 'int': return writeInt(buf, pos, data[i] as number);
    case 'bigint': return writeBigInt(buf, pos, data[i] as bigint);
    case 'bool': return writeBool(buf, pos, data[i] as number);
  }
}

function writeBool(buf: Uint8Array, pos: number, v: number): number {
  const token = v ? TRUE : FALSE;
  for (let k = 0; k < token.length; k++) buf[pos++] = token[k]!;
  return pos;
}

/** Elements start … start+count-1, the first preceded by `first`, the others by `rest`. */
export function writeNumberRun(
  sink: ByteSink,
  kind: NumberKind,
  data: NumberData,
  start: number,
  count: number,
  first: Uint8Array,
  rest: Uint8Array,
): void {
  const perElement = Math.max(first.length, rest.length) + MAX_NUMBER_BYTES;
  const block = Math.max(1, Math.floor(BLOCK_BYTES / perElement));
  const end = start + count;
  let i = start;
  let sep = first;
  while (i < end) {
    const stop = Math.min(end, i + block);
    sink.reserve((stop - i) * perElement);
    const buf = sink.bytes;
    let pos = sink.pos;
    switch (kind) {
      case 'float32': {
        const d = data as Float32Array;
        for (; i < stop; i++) {
          for (let k = 0; k < sep.length; k++) buf[pos++] = sep[k]!;
          sep = rest;
          pos = writeFloat32Ascii(buf, pos, d[i]!);
        }
        break;
      }
      case 'float64': {
        const d = data as Float64Array;
        for (; i < stop; i++) {
          for (let k = 0; k < sep.length; k++) buf[pos++] = sep[k]!;
          sep = rest;
          pos = writeFloat64Ascii(buf, pos, d[i]!);
        }
        break;
      }
      case 'int': {
        const d = data as Int32Array;
        for (; i < stop; i++) {
          for (let k = 0; k < sep.length; k++) buf[pos++] = sep[k]!;
          sep = rest;
          pos = writeInt(buf, pos, d[i]!);
        }
        break;
      }
      case 'bigint': {
        const d = data as BigInt64Array;
        for (; i < stop; i++) {
          for (let k = 0; k < sep.length; k++) buf[pos++] = sep[k]!;
          sep = rest;
          pos = writeBigInt(buf, pos, d[i]!);
        }
        break;
      }
      case 'bool': {
        const d = data as Uint8Array;
        for (; i < stop; i++) {
          for (let k = 0; k < sep.length; k++) buf[pos++] = sep[k]!;
          sep = rest;
          pos = writeBool(buf, pos, d[i]!);
        }
        break;
      }
    }
    sink.pos = pos;
  }
}
