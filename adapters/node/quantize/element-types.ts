// Which tensors of a graph are float: the float16 rewrite must know where float32 flows to insert
// casts around the ops that stay float32. A small forward propagation over the ops' type rules
// (ONNX's shape inference is Python/C++ only): a tensor's type comes from the graph's inputs and
// initializers, then node by node — most ops answer the type of their first input in their first
// output; the rest are listed. A type it cannot tell (another output of an op not listed) stays
// unknown, and no cast is put on it.
import { attr, DataType, type Graph, type NodeProto } from './onnx-model.ts';

const BOOL = 9;
const INT64 = DataType.INT64;
/** Ops whose outputs are all of one type, whatever their inputs. */
const FIXED: Readonly<Record<string, number>> = {
  Shape: INT64, Size: INT64, NonZero: INT64, ArgMax: INT64, ArgMin: INT64, NonMaxSuppression: INT64,
  Equal: BOOL, Less: BOOL, Greater: BOOL, LessOrEqual: BOOL, GreaterOrEqual: BOOL, And: BOOL, Or: BOOL, Xor: BOOL, Not: BOOL, IsNaN: BOOL, IsInf: BOOL,
  MatMulInteger: DataType.INT32, ConvInteger: DataType.INT32, DequantizeLinear: DataType.FLOAT,
};
/** Ops whose every output has their first input's type (Split's pieces, the recurrent ops' states). */
const ALL_LIKE_FIRST = new Set(['Split', 'LSTM', 'GRU', 'RNN', 'BatchNormalization']);
/** Ops whose first output has their first input's type and the others are indices (int64) or a mask (bool). */
const SECOND_TYPE: Readonly<Record<string, number>> = { MaxPool: INT64, Unique: INT64, TopK: INT64, Dropout: BOOL };
/** Ops with a `dtype` attribute naming their output's type; the random generators default to float. */
const DTYPE_LIKE_INPUT = new Set(['EyeLike', 'RandomNormalLike', 'RandomUniformLike', 'Bernoulli']);
const DTYPE_FLOAT_DEFAULT = new Set(['RandomNormal', 'RandomUniform']);

export function elementTypes(graph: Graph): Map<string, number> {
  const types = new Map<string, number>();
  for (const v of [...graph.input, ...graph.valueInfo, ...graph.output]) {
    const t = v.type?.tensorType?.elemType;
    if (t) types.set(v.name, t);
  }
  for (const t of graph.initializer) types.set(t.name, t.dataType);
  for (const n of graph.node) {
    n.output.forEach((out, i) => {
      const t = outputType(n, i, types);
      if (t !== undefined && !types.has(out)) types.set(out, t);
    });
  }
  return types;
}

function outputType(n: NodeProto, index: number, types: ReadonlyMap<string, number>): number | undefined {
  const first = types.get(n.input[0] ?? '');
  switch (n.opType) {
    case 'Cast': return attr(n, 'to', 0) || undefined;
    case 'Constant': {
      const a = n.attribute.find((x) => x.name.startsWith('value'));
      if (a?.t) return a.t.dataType ?? undefined;
      return a?.name === 'value_float' || a?.name === 'value_floats' ? DataType.FLOAT : a ? INT64 : undefined;
    }
    case 'ConstantOfShape': return n.attribute.find((x) => x.name === 'value')?.t?.dataType ?? DataType.FLOAT;
    case 'DynamicQuantizeLinear': return [DataType.UINT8, DataType.FLOAT, DataType.UINT8][index];
    case 'QuantizeLinear': return types.get(n.input[2] ?? '') ?? DataType.UINT8;
    case 'Where': return types.get(n.input[1] ?? '');
    case 'OneHot': return types.get(n.input[2] ?? ''); // its `values`
  }
  if (DTYPE_LIKE_INPUT.has(n.opType)) return attr(n, 'dtype', 0) || first;
  if (DTYPE_FLOAT_DEFAULT.has(n.opType)) return attr(n, 'dtype', DataType.FLOAT);
  if (n.opType in SECOND_TYPE) return index === 0 ? first : SECOND_TYPE[n.opType];
  if (FIXED[n.opType] !== undefined) return FIXED[n.opType];
  return index === 0 || ALL_LIKE_FIRST.has(n.opType) ? first : undefined;
}
