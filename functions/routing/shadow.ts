// Shadow traffic: the same inputs run on a candidate arm after the response is decided, its
// outputs compared with the served ones. It never changes or delays the response.
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
