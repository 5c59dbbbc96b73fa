// float32 → float16 (onnxconverter-common's convert_float_to_float16, in TypeScript): every float
// weight, constant and activation becomes float16, halving the file. The graph's inputs and
// outputs keep float32 behind a Cast unless keepIoTypes is false (clients then send and receive
// float16). Ops that have no float16 form stay float32 between casts and are listed in the report.
//
// On CPU — onnxruntime-node's default provider and onnxruntime-web's WASM — most compute kernels
// are float32 only; onnxruntime then runs a float16 node through float32 casts of its own
// (InsertCastTransformer), so the gain there is the file and memory size, not speed.
import { toHalfBits } from '../../../functions/tensor/float16.ts';
import { elementTypes } from './element-types.ts';
import { GraphEdit } from './graph-edit.ts';
import { DataType, dimsOf, floatValues, node, onnx, opsetOf, QuantizeError, tensor, type AttributeProto, type Model, type NodeProto, type TensorProto } from './onnx-model.ts';

/**
 * Ops kept float32: their ONNX schemas or onnxruntime's kernels (CPU and WASM alike) take no
 * float16 — the ai.onnx.ml operators, Range, Resize/Upsample, TopK, NonMaxSuppression, RoiAlign,
 * CumSum, the random generators — and Min/Max, whose float16 kernels onnxruntime lacks on CPU
 * (the same list as onnxconverter-common's default block list).
 */
const FLOAT32_ONLY = new Set([
  'ArrayFeatureExtractor', 'Binarizer', 'CastMap', 'CategoryMapper', 'DictVectorizer', 'FeatureVectorizer', 'Imputer',
  'LabelEncoder', 'LinearClassifier', 'LinearRegressor', 'Normalizer', 'OneHotEncoder', 'SVMClassifier', 'SVMRegressor',
  'Scaler', 'TreeEnsembleClassifier', 'TreeEnsembleRegressor', 'ZipMap', 'NonMaxSuppression', 'TopK', 'RoiAlign',
  'Resize', 'Range', 'CumSum', 'Min', 'Max', 'Upsample', 'RandomUniformLike', 'RandomNormalLike', 'RandomUniform', 'RandomNormal',
  // An int8 model's own ops: DynamicQuantizeLinear takes float32 only (every opset) ...
  'DynamicQuantizeLinear',
]);
/** ... and QuantizeLinear/DequantizeLinear's scales are float32 only below opset 19. */
const FLOAT32_SCALES_BEFORE_19 = new Set(['QuantizeLinear', 'DequantizeLinear']);
const FLOAT = DataType.FLOAT;
const HALF = DataType.FLOAT16;
const HALF_MAX = 65504;

export function convertFloat16(model: Model, keepIoTypes: boolean): GraphEdit {
  const graph = model.graph;
  if (graph.node.some((n) => n.attribute.some((a) => a.g || a.graphs?.length))) {
    throw new QuantizeError('--fp16 does not convert models with control flow (If, Loop, Scan subgraphs)');
  }
  const types = elementTypes(graph);
  const float32Only = (op: string) => FLOAT32_ONLY.has(op) || (opsetOf(model) < 19 && FLOAT32_SCALES_BEFORE_19.has(op));
  const edit = new GraphEdit(model);
  const nodes: NodeProto[] = [];
  const isFloat = (name: string) => types.get(name) === FLOAT;
  let clamped = 0;

  // Weights: float16 copies in place (same names, so every reader follows) — except, with
  // keepIoTypes, an initializer that is also a graph input (a default a caller may override): it
  // keeps its float32 type and value, as its input does, and is cast after it like any input.
  const inputs = new Set(graph.input.map((i) => i.name));
  graph.initializer = graph.initializer.map((t) => (t.dataType === FLOAT && !(keepIoTypes && inputs.has(t.name)) ? half(t) : t));

  // Graph inputs: float16 inside; with keepIoTypes a Cast from the float32 the caller sends.
  const renamed = new Map<string, string>();
  for (const input of graph.input) {
    if (!isFloat(input.name)) continue;
    if (keepIoTypes) {
      const inner = edit.fresh(`${input.name}_fp16`);
      types.set(inner, FLOAT); // a float tensor (float16 from here on), as the input it replaces
      nodes.push(node('Cast', [input.name], [inner], edit.fresh(`${input.name}_Cast_fp16`), { to: HALF }));
      renamed.set(input.name, inner);
    } else setType(input, HALF);
  }
  const outputs = new Map(graph.output.filter((o) => isFloat(o.name)).map((o) => [o.name, o]));

  for (const n of graph.node) {
    n.input = n.input.map((x) => renamed.get(x) ?? x);
    if (!n.name) n.name = edit.fresh(n.opType);
    if (n.domain !== '' && n.domain !== 'ai.onnx' || float32Only(n.opType)) {
      const why = n.domain !== '' && n.domain !== 'ai.onnx' ? `domain ${n.domain}: float16 support unknown` : 'no float16 kernel in onnxruntime (CPU, WASM)';
      keepFloat32(n, why);
      continue;
    }
    // Ops told to make float32 by a dtype attribute (EyeLike, Bernoulli): onnxruntime has no float16
    // EyeLike kernel on CPU, so they stay float32 and their output is cast down like any other.
    if (n.attribute.some((a) => a.name === 'dtype' && Number(a.i) === FLOAT)) {
      keepFloat32(n, 'dtype=FLOAT (no float16 kernel in onnxruntime for it)');
      continue;
    }
    if (n.opType === 'Cast' && n.attribute.some((a) => a.name === 'to' && Number(a.i) === FLOAT)) retarget(n, 'to');
    // ConstantOfShape without `value` makes float32 zeros: say float16 zeros explicitly.
    if (n.opType === 'ConstantOfShape' && !n.attribute.some((a) => a.name === 'value')) n.attribute.push(tensorAttribute('value', [0]));
    for (const a of n.attribute) if (a.t && a.t.dataType === FLOAT) a.t = half(a.t as TensorProto);
    if (n.opType === 'Constant') n.attribute = n.attribute.map((a) => (a.name === 'value_float' || a.name === 'value_floats' ? tensorAttribute('value', a.name === 'value_float' ? [a.f] : a.floats, a.name === 'value_float') : a));
    if (n.output.some(isFloat)) edit.converted.push({ node: n.name, op: n.opType, note: 'float16' });
    nodes.push(n);
  }

  // Graph outputs: a Cast back to float32, or the float16 value itself.
  for (const [name, output] of outputs) {
    if (!keepIoTypes) {
      setType(output, HALF);
      continue;
    }
    const inner = edit.fresh(`${name}_fp16`);
    for (const n of nodes) n.output = n.output.map((o) => (o === name ? inner : o));
    for (const n of nodes) n.input = n.input.map((x) => (x === name ? inner : x));
    nodes.push(node('Cast', [inner], [name], edit.fresh(`${name}_Cast_fp32`), { to: FLOAT }));
  }
  for (const v of graph.valueInfo) if (isFloat(v.name)) setType(v, HALF);
  if (clamped > 0) edit.skipped.push({ node: '(weights)', op: 'initializers', note: `${clamped} values beyond float16's ±65504 clamped` });
  edit.finish(nodes);
  return edit;

  /** A float32-only node: its float inputs cast up from float16, its float outputs cast back down. */
  function keepFloat32(n: NodeProto, why: string): void {
    n.input = n.input.map((x) => {
      if (!isFloat(x)) return x;
      const up = edit.fresh(`${x}_fp32`);
      nodes.push(node('Cast', [x], [up], edit.fresh(`${n.name}_${x}_Cast_fp32`), { to: FLOAT }));
      return up;
    });
    const downs: NodeProto[] = [];
    n.output = n.output.map((o) => {
      if (!isFloat(o)) return o;
      const inner = edit.fresh(`${o}_fp32`);
      downs.push(node('Cast', [inner], [o], edit.fresh(`${n.name}_${o}_Cast_fp16`), { to: HALF }));
      return inner;
    });
    nodes.push(n, ...downs);
    edit.skipped.push({ node: n.name, op: n.opType, note: `kept float32: ${why}` });
  }

  function half(t: TensorProto): TensorProto {
    const values = floatValues(t)!;
    const bits = new Uint16Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      // A finite weight beyond float16's range would become infinite: clamp it, and say so.
      if (Number.isFinite(v) && Math.abs(v) > HALF_MAX) clamped++;
      bits[i] = toHalfBits(Number.isFinite(v) ? Math.max(-HALF_MAX, Math.min(HALF_MAX, v)) : v);
    }
    return tensor(t.name, HALF, dimsOf(t), bits);
  }
}

function retarget(n: NodeProto, name: string): void {
  for (const a of n.attribute) if (a.name === name) a.i = HALF;
}

/** A float16 tensor attribute (Constant's value_float(s) as `value`; ConstantOfShape's [1] fill value). */
function tensorAttribute(name: string, values: readonly number[], scalar = false): AttributeProto {
  const t = tensor('', HALF, scalar ? [] : [values.length], Uint16Array.from(values, toHalfBits));
  return onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.TENSOR, t }) as AttributeProto;
}

function setType(v: { type?: { tensorType?: { elemType?: number | null } | null } | null }, elemType: number): void {
  if (v.type?.tensorType) v.type.tensorType.elemType = elemType;
}
