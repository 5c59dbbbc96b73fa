// Dynamic int8 quantization (onnxruntime.quantization.quantize_dynamic's integer-op form), in
// standard-opset operators only, so that onnxruntime-web's WASM build runs it as well as
// onnxruntime-node (the com.microsoft contrib ops — DynamicQuantizeMatMul, MatMulIntegerToFloat —
// are not all in both):
//
//   x ─ DynamicQuantizeLinear ─ x_q, x_scale, x_zp           (uint8, asymmetric, at run time)
//   MatMulInteger(x_q, W_q, x_zp, 0) ─ Cast(float) ─ Mul(x_scale · W_scale) [─ Add(bias)]
//
// Weights are int8 and symmetric (zero point 0, one per tensor, so per-channel needs only a vector
// of scales in the rescale Mul). Conv becomes ConvInteger the same way, with uint8 weights around
// 128: onnxruntime's ConvInteger kernel takes uint8 × uint8 only.
import { GraphEdit } from './graph-edit.ts';
import { attr, DataType, node, opsetOf, QuantizeError, tensor, type Model, type NodeProto } from './onnx-model.ts';
import { quantizeSymmetric, transpose } from './quant-math.ts';

export interface DynamicOptions {
  /** One scale per output channel (MatMul/Gemm columns, Conv filters) instead of one per tensor. */
  readonly perChannel: boolean;
  /** 7-bit weights (onnxruntime's reduce_range): for CPUs whose u8×s8 products saturate. */
  readonly reduceRange: boolean;
}

interface Activation { q: string; scale: string; zeroPoint: string }

export function quantizeDynamic(model: Model, options: DynamicOptions): GraphEdit {
  const opset = opsetOf(model);
  if (opset < 11) throw new QuantizeError(`opset ${opset}: --int8 needs opset 11 or newer (DynamicQuantizeLinear); upgrade the model's opset first (onnx.version_converter)`);
  const edit = new GraphEdit(model);
  const nodes: NodeProto[] = [];

  const activation = (x: string): Activation =>
    edit.once(`activation:${x}`, () => {
      const a = { q: edit.fresh(`${x}_quantized`), scale: edit.fresh(`${x}_scale`), zeroPoint: edit.fresh(`${x}_zero_point`) };
      nodes.push(node('DynamicQuantizeLinear', [x], [a.q, a.scale, a.zeroPoint], edit.fresh(`${x}_DynamicQuantizeLinear`)));
      return a;
    });

  /** int32 accumulator → float output `out`: Cast, then Mul by the two scales (and `extra`, e.g. Gemm's alpha, folded in). */
  const rescale = (n: NodeProto, acc: string, a: Activation, weightScale: string, out: string) => {
    const f = edit.fresh(`${acc}_float`);
    const scale = edit.fresh(`${n.name || out}_scale`);
    nodes.push(
      node('Cast', [acc], [f], edit.fresh(`${n.name}_Cast`), { to: DataType.FLOAT }),
      node('Mul', [a.scale, weightScale], [scale], edit.fresh(`${n.name}_scale_Mul`)),
      node('Mul', [f, scale], [out], edit.fresh(`${n.name}_output_Mul`)),
    );
  };

  for (const n of model.graph!.node) {
    if (!n.name) n.name = edit.fresh(n.opType); // the report and the new nodes' names need one
    const why = n.opType === 'MatMul' ? matMul(n) : n.opType === 'Gemm' ? gemm(n) : n.opType === 'Conv' ? conv(n) : undefined;
    if (why === undefined) {
      nodes.push(n);
    } else if (typeof why === 'string') {
      edit.skipped.push({ node: n.name, op: n.opType, note: why });
      nodes.push(n);
    }
  }
  edit.finish(nodes);
  return edit;

  function matMul(n: NodeProto): true | string {
    const [x, w] = n.input as [string, string];
    if (edit.isConstant(x)) return 'both operands are constants';
    const weight = edit.constantFloat(w);
    if (typeof weight === 'string') return weight;
    const notFloat = edit.notFloatActivation(x);
    if (notFloat) return notFloat;
    const perChannel = options.perChannel && weight.dims.length === 2;
    const q = weightOf(w, weight.values, weight.dims, perChannel ? 1 : undefined, 'int8', 1);
    const a = activation(x);
    const acc = edit.fresh(`${n.output[0]}_int32`);
    nodes.push(node('MatMulInteger', [a.q, q.values, a.zeroPoint, q.zeroPoint], [acc], edit.fresh(`${n.name}_MatMulInteger`)));
    rescale(n, acc, a, q.scale, n.output[0]!);
    edit.converted.push({ node: n.name, op: 'MatMul', note: `MatMulInteger, ${granularity(perChannel, weight.dims.length)}` });
    return true;
  }

  function gemm(n: NodeProto): true | string {
    const [x, w, c] = n.input as [string, string, string | undefined];
    if (attr(n, 'transA', 0) !== 0) return 'transA=1 (the activation would need a Transpose first)';
    if (edit.isConstant(x)) return 'both operands are constants';
    const weight = edit.constantFloat(w);
    if (typeof weight === 'string') return weight;
    const notFloat = edit.notFloatActivation(x);
    if (notFloat) return notFloat;
    if (weight.dims.length !== 2) return `the weight has rank ${weight.dims.length}, Gemm's must be 2`;
    const transB = attr(n, 'transB', 0) !== 0;
    const alpha = attr(n, 'alpha', 1);
    const beta = attr(n, 'beta', 1);
    const [rows, cols] = weight.dims as [number, number];
    // MatMulInteger has no transpose attribute: store B already transposed, [K, N].
    const values = transB ? transpose(weight.values, rows, cols) : weight.values;
    const dims = transB ? [cols, rows] : [rows, cols];
    const q = weightOf(`${w}${transB ? '_transposed' : ''}`, values, dims, options.perChannel ? 1 : undefined, 'int8', alpha);
    const a = activation(x);
    const acc = edit.fresh(`${n.output[0]}_int32`);
    const out = n.output[0]!;
    const product = c ? edit.fresh(`${out}_product`) : out;
    nodes.push(node('MatMulInteger', [a.q, q.values, a.zeroPoint, q.zeroPoint], [acc], edit.fresh(`${n.name}_MatMulInteger`)));
    rescale(n, acc, a, q.scale, product);
    if (c) {
      let bias = c;
      if (beta !== 1) {
        bias = edit.fresh(`${c}_beta`);
        const betaName = edit.addInitializer(tensor(edit.fresh(`${n.name}_beta`), DataType.FLOAT, [], Float32Array.of(beta)));
        nodes.push(node('Mul', [c, betaName], [bias], edit.fresh(`${n.name}_beta_Mul`)));
      }
      nodes.push(node('Add', [product, bias], [out], edit.fresh(`${n.name}_bias_Add`)));
    }
    edit.converted.push({ node: n.name, op: 'Gemm', note: `MatMulInteger, ${granularity(options.perChannel, 2)}${transB ? ', transB folded' : ''}` });
    return true;
  }

  function conv(n: NodeProto): true | string {
    const [x, w, b] = n.input as [string, string, string | undefined];
    const weight = edit.constantFloat(w);
    if (typeof weight === 'string') return weight;
    const notFloat = edit.notFloatActivation(x);
    if (notFloat) return notFloat;
    const rank = weight.dims.length;
    const q = weightOf(w, weight.values, weight.dims, options.perChannel ? 0 : undefined, 'uint8', 1);
    const a = activation(x);
    const acc = edit.fresh(`${n.output[0]}_int32`);
    const out = n.output[0]!;
    const product = b ? edit.fresh(`${out}_product`) : out;
    const integer = node('ConvInteger', [a.q, q.values, a.zeroPoint, q.zeroPoint], [acc], edit.fresh(`${n.name}_ConvInteger`));
    integer.attribute = n.attribute; // the same geometry: pads, strides, dilations, group, kernel_shape
    nodes.push(integer);
    rescale(n, acc, a, q.scale, product);
    if (b) {
      // Conv adds its [M] bias per channel; a plain Add needs it shaped [M, 1, …] to broadcast so.
      const shape = edit.addInitializer(tensor(edit.fresh(`${b}_shape`), DataType.INT64, [rank - 1], BigInt64Array.from([BigInt(weight.dims[0]!), ...Array(rank - 2).fill(1n)])));
      const bias = edit.fresh(`${b}_reshaped`);
      nodes.push(node('Reshape', [b, shape], [bias], edit.fresh(`${n.name}_bias_Reshape`)), node('Add', [product, bias], [out], edit.fresh(`${n.name}_bias_Add`)));
    }
    edit.converted.push({ node: n.name, op: 'Conv', note: `ConvInteger, ${options.perChannel ? 'per-channel' : 'per-tensor'}` });
    return true;
  }

  /** A weight's quantized form (once per weight, layout and scale: shared weights stay shared). */
  function weightOf(name: string, values: Float32Array, dims: number[], axis: number | undefined, type: 'int8' | 'uint8', alpha: number) {
    return edit.once(`weight:${name}:${axis}:${type}:${alpha}`, () => {
      const q = quantizeSymmetric(values, dims, axis, type, options.reduceRange);
      // Per channel: scales shaped to broadcast against the output (MatMul: [N]; Conv: [M, 1, …]).
      const scaleDims = axis === undefined ? [] : axis === 1 ? [dims[1]!] : [dims[0]!, ...Array(dims.length - 2).fill(1)];
      const scales = alpha === 1 ? q.scales : q.scales.map((s) => s * alpha);
      const code = type === 'int8' ? DataType.INT8 : DataType.UINT8;
      return {
        values: edit.addInitializer(tensor(edit.fresh(`${name}_quantized`), code, dims, q.values)),
        scale: edit.addInitializer(tensor(edit.fresh(`${name}_scale`), DataType.FLOAT, scaleDims, scales)),
        zeroPoint: edit.addInitializer(tensor(edit.fresh(`${name}_zero_point`), code, [], type === 'int8' ? Int8Array.of(q.zeroPoint) : Uint8Array.of(q.zeroPoint))),
      };
    });
  }
}

function granularity(perChannel: boolean, rank: number): string {
  if (perChannel && rank === 2) return 'per-channel';
  return perChannel ? `per-tensor (per-channel needs a 2-D weight, this one is ${rank}-D)` : 'per-tensor';
}
