// Reading and writing ONNX for the quantizer, with the protobuf schema the project already uses
// (onnx-proto: protobufjs classes for ONNX 1.10). Decoding checks what a rewrite must not get
// wrong: bytes that are no ModelProto, weights in external files (the rewrite would lose them),
// and fields newer than the schema (protobufjs drops unknown fields, so writing such a model back
// would silently change it).
import onnxProto from 'onnx-proto'; // CommonJS: Node's ESM loader only exposes `default`
import { unknownField } from './unknown-fields.ts';

export const { onnx } = onnxProto;
type P = typeof onnxProto.onnx;
// A decoded message has every repeated field as an array and every scalar set (protobufjs fills
// in defaults), but the generated types say so only of the top-level class: these say it deeper.
export type TensorProto = InstanceType<P['TensorProto']>;
export type ValueInfo = InstanceType<P['ValueInfoProto']>;
export type AttributeProto = InstanceType<P['AttributeProto']>;
export type NodeProto = Omit<InstanceType<P['NodeProto']>, 'attribute'> & { attribute: AttributeProto[] };
export type Graph = Omit<InstanceType<P['GraphProto']>, 'node' | 'initializer' | 'input' | 'output' | 'valueInfo'> & {
  node: NodeProto[]; initializer: TensorProto[]; input: ValueInfo[]; output: ValueInfo[]; valueInfo: ValueInfo[];
};
export type Model = Omit<InstanceType<P['ModelProto']>, 'graph'> & { graph: Graph };

/** A model the quantizer refuses: one line for the operator, exit status 1. */
export class QuantizeError extends Error {
  override name = 'QuantizeError';
}

/** TensorProto.DataType codes the quantizer reads or writes. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, FLOAT16: 10, DOUBLE: 11 } as const;

/** A TensorProto.DataType code as ONNX spells it, for messages ("DOUBLE", or the number). */
export function typeName(code: number): string {
  return onnx.TensorProto.DataType[code] ?? String(code);
}

/** onnxruntime 1.30 reads IR versions up to 11; newer files were written for a newer runtime. */
export const MAX_IR_VERSION = 11;

/** protobufjs gives int64 fields as numbers or Long objects. */
export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v && typeof (v as { toNumber?: unknown }).toNumber === 'function') return (v as { toNumber(): number }).toNumber();
  return Number(v ?? 0);
}

export function decodeModel(bytes: Uint8Array): Model {
  let model: Model;
  try {
    model = onnx.ModelProto.decode(bytes) as unknown as Model;
  } catch (e) {
    throw new QuantizeError(`not an ONNX model (${e instanceof Error ? e.message : String(e)})`);
  }
  const graph = model.graph;
  if (!graph || graph.node.length === 0 || graph.output.length === 0) throw new QuantizeError('not an ONNX model (no graph, nodes or outputs)');
  const ir = num(model.irVersion);
  if (ir < 3 || ir > MAX_IR_VERSION) throw new QuantizeError(`IR version ${ir} is outside what onnxruntime 1.30 reads (3–${MAX_IR_VERSION})`);
  const external = allTensors(graph).find((t) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || t.externalData.length > 0);
  if (external) {
    throw new QuantizeError(`initializer ${external.name} keeps its data in an external file; save the model with its weights inside (onnx.save_model(m, path, save_as_external_data=False)) and quantize that`);
  }
  const unknown = unknownField(bytes);
  if (unknown) throw new QuantizeError(`the model uses ONNX fields newer than the schema edgeserve reads (ONNX 1.10; IR ${ir}, ${unknown}): rewriting it would drop them`);
  if (model.functions?.length) throw new QuantizeError('models with local functions are not supported (inline them first: onnx.inliner)');
  return model;
}

/** Every tensor the graph carries, subgraphs included (an If's branches hold initializers too). */
function allTensors(graph: Graph): TensorProto[] {
  const out: TensorProto[] = [...graph.initializer];
  for (const node of graph.node) {
    for (const a of node.attribute) {
      if (a.t) out.push(a.t as TensorProto);
      if (a.g) out.push(...allTensors(a.g as Graph));
      for (const g of a.graphs ?? []) out.push(...allTensors(g as Graph));
    }
  }
  return out;
}

export function encodeModel(model: Model): Uint8Array {
  // protobufjs returns a view into its (possibly larger) pool buffer: copy to own the bytes.
  return onnx.ModelProto.encode(model as unknown as onnxProto.onnx.IModelProto).finish().slice();
}

/** The default-domain opset the model imports (0 when it imports none). */
export function opsetOf(model: Model): number {
  const ai = model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  return ai ? num(ai.version) : 0;
}

/** An initializer's values as float32, whether stored raw, as float_data, or as float16 / double. */
export function floatValues(t: TensorProto): Float32Array | undefined {
  const count = t.dims.reduce((n: number, d) => n * num(d), 1);
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : undefined;
  const view = raw && new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float32Array(count);
  if (t.dataType === DataType.FLOAT) {
    if (view) for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
    else out.set(t.floatData.slice(0, count));
    return out;
  }
  if (t.dataType === DataType.DOUBLE) {
    if (view) for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
    else out.set(t.doubleData.slice(0, count));
    return out;
  }
  return undefined;
}

export function dimsOf(t: TensorProto): number[] {
  return t.dims.map(num);
}

/** A tensor stored as raw little-endian bytes (the compact form; what ORT and onnx write too). */
export function tensor(name: string, dataType: number, dims: readonly number[], data: Float32Array | Int8Array | Uint8Array | Int32Array | Uint16Array | BigInt64Array): TensorProto {
  const bytes = new Uint8Array(data.byteLength);
  const view = new DataView(bytes.buffer);
  // Typed arrays are host-endian; raw_data is little-endian by definition.
  for (let i = 0; i < data.length; i++) {
    if (data instanceof Float32Array) view.setFloat32(i * 4, data[i]!, true);
    else if (data instanceof Int32Array) view.setInt32(i * 4, data[i]!, true);
    else if (data instanceof Uint16Array) view.setUint16(i * 2, data[i]!, true);
    else if (data instanceof BigInt64Array) view.setBigInt64(i * 8, data[i]!, true);
    else if (data instanceof Int8Array) view.setInt8(i, data[i]!);
    else view.setUint8(i, data[i]!);
  }
  return onnx.TensorProto.create({ name, dataType, dims: [...dims], rawData: bytes });
}

export function node(opType: string, inputs: string[], outputs: string[], name: string, attrs: Record<string, number | number[] | Uint8Array> = {}): NodeProto {
  const A = onnx.AttributeProto.AttributeType;
  const attribute = Object.entries(attrs).map(([k, v]) =>
    onnx.AttributeProto.create(
      typeof v === 'number'
        ? Number.isInteger(v) ? { name: k, type: A.INT, i: v } : { name: k, type: A.FLOAT, f: v }
        : v instanceof Uint8Array ? { name: k, type: A.STRING, s: v } : { name: k, type: A.INTS, ints: v },
    ),
  );
  return onnx.NodeProto.create({ opType, input: inputs, output: outputs, name, attribute }) as unknown as NodeProto;
}

/** An attribute's integer or float value, or `fallback` when the node does not set it. */
export function attr(n: NodeProto, name: string, fallback: number): number {
  const a = n.attribute.find((x) => x.name === name);
  if (!a) return fallback;
  return a.type === onnx.AttributeProto.AttributeType.FLOAT ? a.f : num(a.i);
}
