// Static int8 quantization in the QDQ format (onnxruntime.quantization.quantize_static with
// QuantFormat.QDQ): each MatMul, Gemm and Conv reads its activation through
// QuantizeLinear → DequantizeLinear with a scale calibrated beforehand (uint8, asymmetric), and its
// weight through DequantizeLinear from int8 (symmetric, per tensor or per output channel). The op
// itself stays; onnxruntime fuses the pattern into its integer kernels where it has them
// (QLinearMatMul, QLinearConv, MatMulIntegerToFloat) and otherwise runs it as written, so the same
// file serves in both backends. Biases stay float32.
import { calibrate, type Range } from './calibrate.ts';
import { GraphEdit } from './graph-edit.ts';
import { attr, DataType, node, opsetOf, QuantizeError, tensor, type Model, type NodeProto } from './onnx-model.ts';
import { activationParams, quantizeSymmetric } from './quant-math.ts';
import type { Rewrite } from './quantize.ts';

interface Target { readonly node: NodeProto; readonly activation: string; readonly weight: string; readonly axis: number }

export const quantizeStatic: Rewrite = async (model, request, { inputs, backend, original }) => {
  if (!inputs) throw new QuantizeError('--int8-static needs --calibration FILE');
  const opset = opsetOf(model);
  // Per-channel DequantizeLinear (its axis attribute) arrived in opset 13; per-tensor in 10.
  const needed = request.perChannel ? 13 : 10;
  if (opset < needed) throw new QuantizeError(`opset ${opset}: --int8-static${request.perChannel ? ' --per-channel' : ''} needs opset ${needed} or newer; upgrade the model's opset first (onnx.version_converter)`);
  const edit = new GraphEdit(model);
  const targets = findTargets(model, edit);
  const ranges = await calibrate(original, [...new Set(targets.map((t) => t.activation))], inputs, backend, request.percentile);
  const method = request.percentile === undefined ? 'min-max' : `percentile ${request.percentile}`;
  const nodes: NodeProto[] = [];

  const dequantizedActivation = (x: string) =>
    edit.once(`activation:${x}`, () => {
      const range = ranges.get(x)!;
      const { scale, zeroPoint } = activationParams(range.min, range.max);
      const s = edit.addInitializer(tensor(edit.fresh(`${x}_scale`), DataType.FLOAT, [], Float32Array.of(scale)));
      const z = edit.addInitializer(tensor(edit.fresh(`${x}_zero_point`), DataType.UINT8, [], Uint8Array.of(zeroPoint)));
      const q = edit.fresh(`${x}_quantized`);
      const dq = edit.fresh(`${x}_dequantized`);
      nodes.push(node('QuantizeLinear', [x, s, z], [q], edit.fresh(`${x}_QuantizeLinear`)), node('DequantizeLinear', [q, s, z], [dq], edit.fresh(`${x}_DequantizeLinear`)));
      return { dq, range };
    });

  const dequantizedWeight = (w: string, axis: number) =>
    edit.once(`weight:${w}:${axis}`, () => {
      const { values, dims } = edit.constantFloat(w) as { values: Float32Array; dims: number[] };
      const perChannel = request.perChannel && axis >= 0;
      const q = quantizeSymmetric(values, dims, perChannel ? axis : undefined, 'int8', request.reduceRange);
      const scaleDims = perChannel ? [dims[axis]!] : [];
      const qName = edit.addInitializer(tensor(edit.fresh(`${w}_quantized`), DataType.INT8, dims, q.values));
      const s = edit.addInitializer(tensor(edit.fresh(`${w}_scale`), DataType.FLOAT, scaleDims, q.scales));
      const z = edit.addInitializer(tensor(edit.fresh(`${w}_zero_point`), DataType.INT8, scaleDims, new Int8Array(q.scales.length)));
      const dq = edit.fresh(`${w}_dequantized`);
      nodes.push(node('DequantizeLinear', [qName, s, z], [dq], edit.fresh(`${w}_DequantizeLinear`), perChannel ? { axis } : {}));
      return { dq, perChannel };
    });

  const byNode = new Map(targets.map((t) => [t.node, t]));
  for (const n of model.graph.node) {
    const target = byNode.get(n);
    if (target) {
      const a = dequantizedActivation(target.activation);
      const w = dequantizedWeight(target.weight, target.axis);
      n.input = n.input.map((x, i) => (i === 0 ? a.dq : i === 1 ? w.dq : x));
      edit.converted.push({
        node: n.name, op: n.opType,
        note: `QDQ, activation range [${a.range.min.toPrecision(4)}, ${a.range.max.toPrecision(4)}] (${method}), weights ${w.perChannel ? 'per-channel' : 'per-tensor'}`,
      });
    }
    nodes.push(n);
  }
  edit.finish(nodes);
  return edit;
};

/** The nodes to quantize: a float activation times a constant float weight. */
function findTargets(model: Model, edit: GraphEdit): Target[] {
  const targets: Target[] = [];
  for (const n of model.graph.node) {
    if (!n.name) n.name = edit.fresh(n.opType);
    if (n.opType !== 'MatMul' && n.opType !== 'Gemm' && n.opType !== 'Conv') continue;
    const [x, w] = n.input as [string, string];
    const weight = edit.constantFloat(w);
    let why = typeof weight === 'string' ? weight : edit.isConstant(x) ? 'both operands are constants' : edit.notFloatActivation(x);
    if (!why && n.opType === 'Gemm' && attr(n, 'transA', 0) !== 0) why = 'transA=1 (the activation would need a Transpose first)';
    if (why) {
      edit.skipped.push({ node: n.name, op: n.opType, note: why });
      continue;
    }
    const rank = (weight as { dims: number[] }).dims.length;
    // The output channel's axis in the stored weight: MatMul [K, N] → 1; Gemm's B likewise unless
    // transB ([N, K] → 0); Conv [M, C, …] → 0. A MatMul weight of another rank: per tensor (-1).
    const axis = n.opType === 'Conv' ? 0 : n.opType === 'Gemm' ? (attr(n, 'transB', 0) ? 0 : 1) : rank === 2 ? 1 : -1;
    targets.push({ node: n, activation: x, weight: w, axis });
  }
  return targets;
}
