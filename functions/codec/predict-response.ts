// Output tensors → `{"predictions": …}` (row) or `{"outputs": …}` (columnar), byte for byte as
// TF Serving's MakeRowFormatJsonFromTensors / MakeColumnarFormatJsonFromTensors write them.
// Written as bytes: each innermost dimension of a numeric tensor is one tight loop
// (PrettyByteWriter.numbers), so a 530,000-float output costs about what JSON.stringify does.
import { fromHalfBits } from '../tensor/float16.ts';
import { elementCount, type Tensor } from '../tensor/tensor.ts';
import { ByteSink } from '../util/json/byte-sink.ts';
import type { NumberData, NumberKind } from '../util/json/number-runs.ts';
import { PrettyByteWriter } from '../util/json/pretty-byte-writer.ts';
import { invalidArgument } from '../util/status.ts';
import { encodeBase64 } from './base64.ts';
import type { RequestFormat } from './predict-request.ts';
import { ResponseTooLargeError } from './response-limit.ts';
import type { TimeSlicer } from '../util/time-slicer.ts';

/**
 * The response body. With maxBytes, throws ResponseTooLargeError as soon as the body's UTF-8 size
 * is known to pass it (checked per block of output, so little is built past the cap).
 */
export function predictResponseBody(
  format: RequestFormat,
  outputs: ReadonlyMap<string, Tensor>,
  maxBytes = Infinity,
): string {
  const { steps, sink } = bodySteps(format, outputs, maxBytes);
  while (!steps.next().done);
  return sink.finish();
}

/**
 * predictResponseBody, giving the event loop back whenever `slicer` says a slice of time is used
 * up (every WRITE_STEP elements is a chance to pause): the same bytes and errors.
 */
export async function predictResponseBodySliced(
  format: RequestFormat,
  outputs: ReadonlyMap<string, Tensor>,
  maxBytes: number,
  slicer: TimeSlicer,
): Promise<string> {
  const { steps, sink } = bodySteps(format, outputs, maxBytes);
  while (!steps.next().done) await slicer.pause();
  return sink.finish();
}

/** Elements written between two chances to pause. */
const WRITE_STEP = 16_384;

function bodySteps(format: RequestFormat, outputs: ReadonlyMap<string, Tensor>, maxBytes: number) {
  if (outputs.size === 0) throw invalidArgument('Cannot convert empty tensor map to JSON');
  if (format === 'row') checkBatch(outputs);
  const sink = new ByteSink(
    maxBytes,
    () => {
      throw new ResponseTooLargeError(maxBytes);
    },
    estimateBytes(format, outputs),
  );
  const w = new PrettyByteWriter(sink);
  return { steps: format === 'row' ? rowFormat(w, outputs) : columnarFormat(w, outputs), sink };
}

type Steps = Generator<undefined, void, undefined>;

function checkBatch(outputs: ReadonlyMap<string, Tensor>): void {
  let batch = -1;
  for (const [name, t] of outputs) {
    if (t.dims.length === 0) throw invalidArgument(`Tensor name: ${name} has no shape information `);
    const b = t.dims[0]!;
    if (batch >= 0 && b !== batch) {
      throw invalidArgument(`Tensor name: ${name} has inconsistent batch size: ${b} expecting: ${batch}`);
    }
    batch = b;
  }
}

function* rowFormat(w: PrettyByteWriter, outputs: ReadonlyMap<string, Tensor>): Steps {
  const writers = [...outputs].map(([name, t]) => new TensorWriter(name, t));
  w.startObject();
  w.key('predictions');
  w.startArray();
  if (writers.length === 1) {
    // One output: its rows are the predictions array's elements, every one written with single-line
    // arrays on (so their separators too), which is the whole tensor from dimension 0.
    w.singleLineArrays = true;
    yield* writers[0]!.elementSteps(w, 0);
    w.singleLineArrays = false;
  } else {
    const batch = writers[0]!.tensor.dims[0]!;
    let perItem = 0;
    for (const tw of writers) perItem += elementCount(tw.tensor.dims) / Math.max(batch, 1);
    const itemsPerStep = Math.ceil(WRITE_STEP / Math.max(perItem, 1));
    for (let item = 0; item < batch; item++) {
      w.startObject();
      w.singleLineArrays = true;
      for (const tw of writers) {
        w.key(tw.name);
        yield* tw.valueSteps(w, 1);
      }
      w.singleLineArrays = false;
      w.endObject();
      if ((item + 1) % itemsPerStep === 0) yield;
    }
  }
  w.endArray();
  w.endObject();
}

function* columnarFormat(w: PrettyByteWriter, outputs: ReadonlyMap<string, Tensor>): Steps {
  const named = outputs.size > 1;
  w.startObject();
  w.key('outputs');
  if (named) w.startObject();
  for (const [name, t] of outputs) {
    if (named) w.key(name);
    yield* new TensorWriter(name, t).valueSteps(w, 0);
  }
  if (named) w.endObject();
  w.endObject();
}

/** A first buffer size near the body's: a number and its indentation per element. */
function estimateBytes(format: RequestFormat, outputs: ReadonlyMap<string, Tensor>): number {
  let bytes = 64;
  for (const t of outputs.values()) {
    const perElement = format === 'row' ? 14 : 14 + 4 * (t.dims.length + 2);
    bytes += elementCount(t.dims) * (t.dtype === 'string' ? perElement + 16 : perElement);
  }
  return bytes;
}

const utf8 = new TextEncoder();

/** Walks one tensor in row-major order, writing the sub-tensor below a given dimension. */
class TensorWriter {
  private offset = 0;
  private readonly kind: NumberKind | undefined;
  private readonly data: NumberData | undefined;

  constructor(
    readonly name: string,
    readonly tensor: Tensor,
  ) {
    this.kind = numberKind(tensor);
    // A half widens exactly to a float, so float rules give the shortest faithful text.
    this.data = tensor.dtype === 'float16'
      ? widenHalves(tensor.data as Uint16Array)
      : tensor.dtype === 'string' ? undefined : (tensor.data as NumberData);
  }

  /** value(), as steps of about WRITE_STEP elements (each yield is a chance to pause). */
  *valueSteps(w: PrettyByteWriter, dim: number): Steps {
    if (dim > this.tensor.dims.length - 1) {
      this.scalar(w);
      return;
    }
    w.startArray();
    yield* this.elementSteps(w, dim);
    w.endArray();
  }

  /**
   * elements(), as steps: an innermost numeric row in chunks of WRITE_STEP; big sub-tensors one by
   * one; small ones as many at a time as make a step (no generator per small row).
   */
  *elementSteps(w: PrettyByteWriter, dim: number): Steps {
    const { dims } = this.tensor;
    const n = dims[dim]!;
    if (dim === dims.length - 1 && this.kind !== undefined) {
      for (let done = 0; done < n; done += WRITE_STEP) {
        const count = Math.min(WRITE_STEP, n - done);
        w.numbers(this.kind, this.data!, this.offset, count);
        this.offset += count;
        if (done + count < n) yield;
      }
      return;
    }
    const sub = elementCount(dims.slice(dim + 1));
    if (sub * n <= WRITE_STEP) return this.elements(w, dim);
    if (sub >= WRITE_STEP) {
      for (let k = 0; k < n; k++) yield* this.valueSteps(w, dim + 1);
      return;
    }
    const perStep = Math.ceil(WRITE_STEP / Math.max(sub, 1));
    for (let k = 0; k < n; k++) {
      this.value(w, dim + 1);
      if ((k + 1) % perStep === 0) yield;
    }
  }

  /** AddTensorValues: the sub-tensor from dimension `dim` down; a dim past the last is one scalar. */
  value(w: PrettyByteWriter, dim: number): void {
    if (dim > this.tensor.dims.length - 1) {
      this.scalar(w);
      return;
    }
    w.startArray();
    this.elements(w, dim);
    w.endArray();
  }

  /** The dims[dim] sub-tensors of dimension `dim`, as elements of the array that is open. */
  elements(w: PrettyByteWriter, dim: number): void {
    const { dims } = this.tensor;
    const n = dims[dim]!;
    if (dim === dims.length - 1 && this.kind !== undefined) {
      w.numbers(this.kind, this.data!, this.offset, n);
      this.offset += n;
      return;
    }
    for (let k = 0; k < n; k++) this.value(w, dim + 1);
  }

  private scalar(w: PrettyByteWriter): void {
    const i = this.offset++;
    if (this.kind !== undefined) {
      w.number(this.kind, this.data!, i);
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

// Every half's float value, built on first use (256 KiB): widening is then one load per element
// (Float32Array.from with a mapper goes through the iterator protocol, ~10× slower).
let halfTable: Float32Array | undefined;

function widenHalves(bits: Uint16Array): Float32Array {
  if (halfTable === undefined) {
    halfTable = new Float32Array(0x10000);
    for (let h = 0; h < 0x10000; h++) halfTable[h] = fromHalfBits(h);
  }
  const table = halfTable;
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]!]!;
  return out;
}

function numberKind(t: Tensor): NumberKind | undefined {
  switch (t.dtype) {
    case 'float32': case 'float16': return 'float32';
    case 'float64': return 'float64';
    case 'bool': return 'bool';
    case 'string': return undefined;
    case 'int64': case 'uint64': return 'bigint';
    default: return 'int';
  }
}
