// (issue #14) Writing a predict response: a 2×40×6625 float32 output (530,000 softmax-like values)
// as TF Serving's columnar and row bodies, against JSON.stringify of the same numbers as a flat
// array, the floor any JSON writer in JS is measured against.
import { predictResponseBody } from '../functions/codec/predict-response.ts';
import type { Tensor } from '../functions/tensor/tensor.ts';
import { interleave, median } from './stats.ts';

const DIMS = [2, 40, 6625];

/** Deterministic softmax rows over the last dimension: every value in (0, 1), rows summing to 1. */
export function softmaxTensor(dims: readonly number[] = DIMS, seed = 0x2545f491): Tensor {
  let state = seed >>> 0;
  const next = () => {
    // xorshift32: deterministic across runs and platforms.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const n = dims.reduce((a, b) => a * b, 1);
  const row = dims[dims.length - 1]!;
  const data = new Float32Array(n);
  for (let start = 0; start < n; start += row) {
    let sum = 0;
    for (let i = start; i < start + row; i++) sum += data[i] = Math.exp(next() * 12 - 6);
    for (let i = start; i < start + row; i++) data[i] = data[i]! / sum;
  }
  return { dtype: 'float32', dims, data };
}

export async function benchResponseWriter(): Promise<{
  floats: number;
  columnarMs: number;
  rowMs: number;
  stringifyMs: number;
  bodyBytes: number;
}> {
  const tensor = softmaxTensor();
  const data = tensor.data as Float32Array;
  const outputs = new Map([['probabilities', tensor]]);
  let bodyBytes = 0;
  let sink = 0;
  const rounds = 9;
  const columnar = await interleave(
    () => {
      bodyBytes = predictResponseBody('columnar', outputs).length;
    },
    () => {
      sink += JSON.stringify(Array.from(data)).length;
    },
    rounds,
    2,
  );
  const row = await interleave(
    () => {
      sink += predictResponseBody('row', outputs).length;
    },
    () => {
      sink += JSON.stringify(Array.from(data)).length;
    },
    rounds,
    2,
  );
  if (sink === 0) throw new Error('response writer benchmark wrote nothing');
  const ms = (us: number[]) => Math.round(median(us) / 100) / 10;
  return {
    floats: data.length,
    columnarMs: ms(columnar.a),
    rowMs: ms(row.a),
    stringifyMs: ms([...columnar.b, ...row.b]),
    bodyBytes,
  };
}
