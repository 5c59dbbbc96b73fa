// fast-check generators of output tensor maps for the response-writer tests: every dtype, ranks 0–4
// with zero-sized dimensions, float bit patterns of every class, int64/uint64 extremes, strings with
// escapes, non-ASCII text and lone surrogates, and `_bytes` names.
import fc from 'fast-check';
import type { DType } from '../../functions/tensor/dtype.ts';
import { allocate, elementCount, type Tensor } from '../../functions/tensor/tensor.ts';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export const DTYPES: readonly DType[] = [
  'float32', 'float64', 'float16', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'bool', 'string',
];

const float32 = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }).map((bits) => ((u32[0] = bits), f32[0]!)),
  fc.double({ min: 0, max: 1, noNaN: true }).map(Math.fround),
  fc.constantFrom(0, -0, 1, 2.5, -3, 1e6, 1234567.125, NaN, Infinity, -Infinity),
);
const float64 = fc.oneof(
  fc.double(),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.integer({ min: -1000, max: 1000 }).map((n) => n / 8),
);

/** Code units, so lone surrogates and control characters come up as often as plain text. */
export const jsonishString = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.array(fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0x80, max: 0xffff }), fc.constantFrom(0xd800, 0xdc00, 0x22, 0x5c, 0x0a)), { maxLength: 6 })
    .map((units) => String.fromCharCode(...units)),
);

function element(dtype: DType): fc.Arbitrary<unknown> {
  switch (dtype) {
    case 'float32': return float32;
    case 'float64': return float64;
    case 'float16': return fc.integer({ min: 0, max: 0xffff });
    case 'int8': return fc.integer({ min: -128, max: 127 });
    case 'int16': return fc.integer({ min: -32768, max: 32767 });
    case 'int32': return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    case 'uint8': return fc.integer({ min: 0, max: 255 });
    case 'uint16': return fc.integer({ min: 0, max: 65535 });
    case 'uint32': return fc.integer({ min: 0, max: 2 ** 32 - 1 });
    case 'int64': return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case 'uint64': return fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
    case 'bool': return fc.integer({ min: 0, max: 1 });
    case 'string': return jsonishString;
  }
}

export function makeTensor(dtype: DType, dims: number[], elements: readonly unknown[]): Tensor {
  const data = allocate(dtype, elementCount(dims));
  for (let i = 0; i < elements.length; i++) (data as unknown[])[i] = elements[i];
  return { dtype, dims, data };
}

/** A tensor of the given dtype; dims[0] = batch when batch is given (and rank ≥ 1). */
export function tensorArb(dtype: DType, batch?: number): fc.Arbitrary<Tensor> {
  const rest = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 });
  const dims = batch === undefined
    ? fc.oneof(fc.constant<number[]>([]), fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 4 }))
    : rest.map((r) => [batch, ...r]);
  return dims.chain((d) =>
    fc.array(element(dtype), { minLength: elementCount(d), maxLength: elementCount(d) }).map((els) => makeTensor(dtype, d, els)),
  );
}

const name = fc.oneof(
  fc.constantFrom('y', 'scores', 'label_bytes', 'x_bytes', 'a"b', 'é', 'n\\m'),
  jsonishString.map((s) => `${s}_bytes`),
  jsonishString,
);

/**
 * 1–3 outputs with distinct names. Usually one batch size for all (so row format gets past its
 * checks), sometimes not, sometimes rank 0.
 */
export const outputsArb: fc.Arbitrary<Map<string, Tensor>> = fc
  .tuple(fc.integer({ min: 0, max: 3 }), fc.boolean(), fc.uniqueArray(fc.tuple(name, fc.constantFrom(...DTYPES)), { minLength: 1, maxLength: 3, selector: ([n]) => n }))
  .chain(([batch, shared, entries]) =>
    fc.tuple(...entries.map(([, dtype]) => tensorArb(dtype, shared ? batch : undefined)))
      .map((tensors) => new Map(entries.map(([n], i) => [n, tensors[i]!] as const))),
  );
