// Shadow traffic: the same inputs run on a candidate arm after the response is decided, its
// outputs compared with the served ones. It never changes or delays the response.
import { fromHalfBits } from '../tensor/float16.ts';
import type { Tensor } from '../tensor/tensor.ts';

/** Same output names, shapes and values (numbers within `tolerance`, everything else equal). */
export function outputsAgree(served: ReadonlyMap<string, Tensor>, shadow: ReadonlyMap<string, Tensor>, tolerance: number): boolean {
  if (served.size !== shadow.size) return false;
  for (const [name, a] of served) {
    const b = shadow.get(name);
    if (b === undefined || a.dtype !== b.dtype || a.dims.length !== b.dims.length || a.dims.some((d, i) => d !== b.dims[i])) return false;
    const x = a.data as ArrayLike<number | bigint | string>;
    const y = b.data as ArrayLike<number | bigint | string>;
    for (let i = 0; i < x.length; i++) {
      const p = x[i]!;
      const q = y[i]!;
      if (typeof p === 'number' && typeof q === 'number') {
        if (!(Math.abs(p - q) <= tolerance || (Number.isNaN(p) && Number.isNaN(q)))) return false;
      } else if (p !== q) return false;
    }
  }
  return true;
}

/** One output's absolute error between the served and the shadow answers, over the requests compared. */
export interface OutputErrorStats {
  /** Shadow runs whose answer had this output with the served shape. */
  readonly compared: number;
  readonly elements: number;
  readonly maxAbsError: number;
  readonly meanAbsError: number;
}

/**
 * Per-output error statistics for a shadow arm, besides agree/disagree: a quantized candidate
 * never agrees to 1e-5, and how far it is off, per output, is what decides its promotion. Only
 * numeric outputs of the same shape count (a missing or reshaped output is a disagreement, which
 * outputsAgree already reports); int64 is compared as numbers, float16 by its values (not its
 * half bits). NaN in one answer only is an infinite error, NaN in both none.
 */
export class ShadowErrorStats {
  private readonly byOutput = new Map<string, { compared: number; elements: number; max: number; sum: number }>();

  add(served: ReadonlyMap<string, Tensor>, shadow: ReadonlyMap<string, Tensor>): void {
    for (const [name, a] of served) {
      const b = shadow.get(name);
      if (b === undefined || a.dtype === 'string' || b.dtype === 'string' || a.dims.length !== b.dims.length || a.dims.some((d, i) => d !== b.dims[i])) continue;
      const x = a.data as ArrayLike<number | bigint>;
      const y = b.data as ArrayLike<number | bigint>;
      const value = (t: Tensor, v: number | bigint) => (t.dtype === 'float16' ? fromHalfBits(v as number) : Number(v));
      const s = this.byOutput.get(name) ?? { compared: 0, elements: 0, max: 0, sum: 0 };
      for (let i = 0; i < x.length; i++) {
        const p = value(a, x[i]!);
        const q = value(b, y[i]!);
        const d = Number.isNaN(p) || Number.isNaN(q) ? (Number.isNaN(p) && Number.isNaN(q) ? 0 : Infinity) : Math.abs(p - q);
        if (d > s.max) s.max = d;
        s.sum += d;
      }
      s.compared++;
      s.elements += x.length;
      this.byOutput.set(name, s);
    }
  }

  /** By output name, in the order outputs were first seen. */
  snapshot(): Record<string, OutputErrorStats> {
    const out: Record<string, OutputErrorStats> = {};
    for (const [name, s] of this.byOutput) {
      out[name] = { compared: s.compared, elements: s.elements, maxAbsError: s.max, meanAbsError: s.elements ? s.sum / s.elements : 0 };
    }
    return out;
  }
}
