// The response writer as it was before issue #14 (one PrettyWriter token and one writeDecimal string
// per element), kept frozen as the reference oracle the fast writer is property-tested against.
// Do not optimise this file: its value is that it is the old, obviously-faithful model.
import { fromHalfBits } from '../../functions/tensor/float16.ts';
import type { Tensor } from '../../functions/tensor/tensor.ts';
import { writeDecimal } from '../../functions/util/json/decimal.ts';
import { PrettyWriter } from '../../functions/util/json/pretty-writer.ts';
import { invalidArgument } from '../../functions/util/status.ts';
import { encodeBase64 } from '../../functions/codec/base64.ts';
import type { RequestFormat } from '../../functions/codec/predict-request.ts';

export function oracleResponseBody(format: RequestFormat, outputs: ReadonlyMap<string, Tensor>): string {
  if (outputs.size === 0) throw invalidArgument('Cannot convert empty tensor map to JSON');
  return format === 'row' ? rowFormat(outputs) : columnarFormat(outputs);
}

function rowFormat(outputs: ReadonlyMap<string, Tensor>): string {
  let batch = -1;
  for (const [name, t] of outputs) {
    if (t.dims.length === 0) throw invalidArgument(`Tensor name: ${name} has no shape information `);
    const b = t.dims[0]!;
    if (batch >= 0 && b !== batch) {
      throw invalidArgument(`Tensor name: ${name} has inconsistent batch size: ${b} expecting: ${batch}`);
    }
    batch = b;
  }
  const named = outputs.size > 1;
  const writers = [...outputs].map(([name, t]) => new TensorWriter(name, t));
  const w = new PrettyWriter();
  w.startObject();
  w.key('predictions');
  w.startArray();
  for (let item = 0; item < batch; item++) {
    if (named) w.startObject();
    w.singleLineArrays = true;
    for (const tw of writers) {
      if (named) w.key(tw.name);
      tw.write(w, 1);
    }
    w.singleLineArrays = false;
    if (named) w.endObject();
  }
  w.endArray();
  w.endObject();
  return w.toString();
}

function columnarFormat(outputs: ReadonlyMap<string, Tensor>): string {
  const named = outputs.size > 1;
  const w = new PrettyWriter();
  w.startObject();
  w.key('outputs');
  if (named) w.startObject();
  for (const [name, t] of outputs) {
    if (named) w.key(name);
    new TensorWriter(name, t).write(w, 0);
  }
  if (named) w.endObject();
  w.endObject();
  return w.toString();
}

const utf8 = new TextEncoder();

/** Walks one tensor in row-major order, writing the sub-tensor below a given dimension. */
class TensorWriter {
  private offset = 0;
  private readonly value: (i: number) => string | undefined;

  constructor(
    readonly name: string,
    private readonly tensor: Tensor,
  ) {
    this.value = scalarFormatter(tensor);
  }

  /** AddTensorValues: from dimension `dim` down; a dim past the last writes one scalar. */
  write(w: PrettyWriter, dim: number): void {
    const { dims } = this.tensor;
    if (dim > dims.length - 1) {
      this.scalar(w);
      return;
    }
    w.startArray();
    const n = dims[dim]!;
    for (let k = 0; k < n; k++) this.write(w, dim + 1);
    w.endArray();
  }

  private scalar(w: PrettyWriter): void {
    const i = this.offset++;
    const token = this.value(i);
    if (token !== undefined) {
      w.raw(token);
      return;
    }
    const s = (this.tensor.data as string[])[i]!;
    if (this.name.endsWith('_bytes')) {
      w.startObject();
      w.key('b64');
      w.string(encodeBase64(utf8.encode(s)));
      w.endObject();
    } else {
      w.string(s);
    }
  }
}

/** The JSON token for element i, or undefined for strings (written by the caller). */
function scalarFormatter(t: Tensor): (i: number) => string | undefined {
  const d = t.data;
  switch (t.dtype) {
    case 'float32': return (i) => writeDecimal((d as Float32Array)[i]!, true);
    case 'float64': return (i) => writeDecimal((d as Float64Array)[i]!, false);
    // A half widens exactly to a float, so float rules give the shortest faithful text.
    case 'float16': return (i) => writeDecimal(fromHalfBits((d as Uint16Array)[i]!), true);
    case 'bool': return (i) => ((d as Uint8Array)[i] ? 'true' : 'false');
    case 'string': return () => undefined;
    default: return (i) => String((d as ArrayLike<number | bigint>)[i]);
  }
}
