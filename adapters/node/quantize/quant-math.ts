// The arithmetic of linear quantization, as ONNX's QuantizeLinear defines it:
// q = saturate(round(x / scale) + zero_point), round half to even; x ≈ (q - zero_point) * scale.

export interface QuantizedWeights {
  readonly values: Int8Array | Uint8Array;
  /** One scale (per tensor) or one per slice along `axis` (per channel). */
  readonly scales: Float32Array;
  readonly zeroPoint: number;
}

/** Round half to even, as QuantizeLinear does (Math.round rounds half up). */
export function roundEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Symmetric weights: zero maps to the zero point exactly, so one zero point serves every channel
 * and MatMulInteger/ConvInteger need no per-channel zero-point input (which onnxruntime's kernels
 * do not all take). int8 uses [-127, 127] around 0 (the -128 code is left out so the range is
 * symmetric, as onnxruntime's tools do); uint8 (ConvInteger's only weight type in onnxruntime)
 * uses [1, 255] around 128. `reduceRange` keeps 7 bits, for CPUs whose u8×s8 dot products
 * saturate 16-bit intermediates: onnxruntime's reduce_range, whose symmetric int8 range is
 * (-64, 64) (quant_utils' reduced ranges), so the largest weight maps to ±64, not ±63.
 *
 * `dims` is the weight's shape and `axis` the channel axis, or undefined for one scale.
 */
export function quantizeSymmetric(w: Float32Array, dims: readonly number[], axis: number | undefined, type: 'int8' | 'uint8', reduceRange = false): QuantizedWeights {
  const qmax = reduceRange ? 64 : 127;
  const zeroPoint = type === 'int8' ? 0 : 128;
  const channels = axis === undefined ? 1 : dims[axis]!;
  const inner = axis === undefined ? 1 : dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number) => (axis === undefined ? 0 : Math.floor(i / inner) % channels);
  const max = new Float32Array(channels);
  for (let i = 0; i < w.length; i++) max[channelOf(i)] = Math.max(max[channelOf(i)]!, Math.abs(w[i]!));
  // An all-zero channel gets scale 1: any scale reproduces zeros, and 0 would divide by zero.
  const scales = Float32Array.from(max, (m) => (m > 0 ? m / qmax : 1));
  const values = type === 'int8' ? new Int8Array(w.length) : new Uint8Array(w.length);
  for (let i = 0; i < w.length; i++) {
    const q = roundEven(w[i]! / scales[channelOf(i)]!);
    values[i] = Math.max(-qmax, Math.min(qmax, q)) + zeroPoint;
  }
  return { values, scales, zeroPoint };
}

/**
 * uint8 scale and zero point for an activation range, as DynamicQuantizeLinear computes them at
 * run time (the range always includes 0, so zero is exact: padding and ReLU outputs stay exact).
 */
export function activationParams(min: number, max: number): { scale: number; zeroPoint: number } {
  const lo = Math.min(0, min);
  const hi = Math.max(0, max);
  const scale = hi > lo ? (hi - lo) / 255 : 1;
  const zeroPoint = Math.max(0, Math.min(255, roundEven(-lo / scale)));
  return { scale, zeroPoint };
}

/** Transposes a row-major [rows, cols] matrix (Gemm's transB folded into the stored weight). */
export function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c]!;
  return out;
}
