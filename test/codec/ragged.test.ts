// A small ragged body must not allocate what its first row claims: the shape is read off the first
// element at every depth, so `[[0 × 1000], 1, 1, …]` claims rows × 1000 elements. The claim is
// checked first; the client gets TF Serving's own error for the ragged list, as for a small one.
import { describe, expect, it } from 'vitest';
import { predictInputsFromJson } from '../../functions/codec/predict-request.ts';
import type { TensorSpec } from '../../functions/tensor/tensor-spec.ts';
import { parseJson } from '../../functions/util/json/parse.ts';
import type { JsonObject } from '../../functions/util/json/value.ts';

const spec: TensorSpec[] = [{ name: 'x', dtype: 'float32', runtimeType: 'float32', dims: [-1, -1] }];

function decode(text: string): unknown {
  try {
    predictInputsFromJson(parseJson(text) as JsonObject, spec, text.length);
    return 'decoded';
  } catch (e) {
    return e instanceof Error ? `${e.name}: ${e.message}` : e;
  }
}

const raggedRows = (rows: number, width: number) => `[[${Array(width).fill(0).join(',')}]${',[1]'.repeat(rows - 1)}]`;

describe('ragged bodies', () => {
  it('row format: a 400 KB body claiming 200,000 × 1000 floats gets the same 400 as a small one, without allocating it', async () => {
    const small = decode(`{"instances": ${raggedRows(3, 1000)}}`);
    expect(small).toBe("ServingError: Failed to process element: 1 of 'instances' list. Error: INVALID_ARGUMENT: Expecting tensor size: 1000 but got: 1");
    const before = process.memoryUsage().arrayBuffers;
    const big = decode(`{"instances": ${raggedRows(200_000, 1000)}}`);
    expect(big).toBe(small);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024); // not 763 MiB
  });

  it('columnar format: the same claim is refused with the ragged list\'s own error', () => {
    const small = decode(`{"inputs": ${raggedRows(3, 1000)}}`);
    expect(small).toBe('ServingError: Encountered list at unexpected size: 1 at level: 1 expected size: 1000');
    expect(decode(`{"inputs": ${raggedRows(300_000, 1000)}}`)).toBe(small);
  });

  it('regular bodies within their size decode as before', () => {
    expect(decode(`{"instances": [[1, 2], [3, 4]]}`)).toBe('decoded');
    expect(decode(`{"inputs": [[1, 2], [3, 4]]}`)).toBe('decoded');
  });
});
