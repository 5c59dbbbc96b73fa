// Small timing helpers shared by the benchmarks: medians and percentiles of repeated samples.

export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export const median = (samples: readonly number[]) => percentile(samples, 50);

/**
 * Times `a` and `b` alternately, `rounds` times each after a warm-up, so that machine noise hits
 * both alike. Returns per-call durations in microseconds.
 */
export async function interleave(
  a: () => unknown | Promise<unknown>,
  b: () => unknown | Promise<unknown>,
  rounds: number,
  warmup = Math.ceil(rounds / 5),
): Promise<{ a: number[]; b: number[] }> {
  const out = { a: [] as number[], b: [] as number[] };
  for (let i = 0; i < warmup + rounds; i++) {
    for (const [fn, into] of [[a, out.a], [b, out.b]] as const) {
      const t0 = performance.now();
      await fn();
      const us = (performance.now() - t0) * 1000;
      if (i >= warmup) into.push(us);
    }
  }
  return out;
}

/** The example request bodies, formatted as Python's json.dumps writes numpy float32 rows. */
export function pythonStyleRows(rows: readonly Float32Array[]): string {
  const fmt = (v: number) => {
    const s = String(v);
    return /[.eE]/.test(s) || !Number.isFinite(v) ? s : `${s}.0`;
  };
  return `{"instances": [${rows.map((r) => `[${Array.from(r, fmt).join(', ')}]`).join(', ')}]}`;
}

/**
 * Like interleave, for any number of variants: one call of each per round, the order rotated
 * every round so that none always runs first (or right after a GC-heavy neighbour).
 */
export async function interleaveAll<K extends string>(
  fns: Record<K, () => unknown | Promise<unknown>>,
  rounds: number,
  warmup = Math.ceil(rounds / 5),
): Promise<Record<K, number[]>> {
  const keys = Object.keys(fns) as K[];
  const out = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < warmup + rounds; i++) {
    for (let j = 0; j < keys.length; j++) {
      const k = keys[(i + j) % keys.length]!;
      const t0 = performance.now();
      await fns[k]();
      const us = (performance.now() - t0) * 1000;
      if (i >= warmup) out[k].push(us);
    }
  }
  return out;
}

/**
 * A float as Python's json.dumps writes it (repr): the shortest digits that round-trip, exponent
 * form below 1e-4 and from 1e16 (`1e-05`, `1.5e+16`), `.0` on whole numbers. A float32 value
 * written this way is what `json.dumps(array.tolist())` sends for a numpy float32 array.
 */
export function pythonFloat(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = v.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const sign = v < 0 ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const whole = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  return `${sign}${whole}.${digits.slice(exp + 1) || '0'}`;
}

/** A flat float32 tensor as nested JSON lists, as json.dumps(array.tolist()) writes it. */
export function pythonNested(data: Float32Array, dims: readonly number[]): string {
  const write = (offset: number, axis: number): string => {
    const n = dims[axis]!;
    if (axis === dims.length - 1) {
      const parts = new Array<string>(n);
      for (let i = 0; i < n; i++) parts[i] = pythonFloat(data[offset + i]!);
      return `[${parts.join(', ')}]`;
    }
    const stride = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
    const parts = new Array<string>(n);
    for (let i = 0; i < n; i++) parts[i] = write(offset + i * stride, axis + 1);
    return `[${parts.join(', ')}]`;
  };
  return dims.length === 0 ? pythonFloat(data[0]!) : write(0, 0);
}

/** A TF Serving columnar request for one input, as a Python client builds it: {"inputs": [[…]]}. */
export const pythonColumnar = (data: Float32Array, dims: readonly number[]) => `{"inputs": ${pythonNested(data, dims)}}`;

/** One row of the `npm run bench` table: what was measured, against what, and whether its target is met. */
export interface BenchRow {
  what: string;
  edgeserve: string;
  baseline: string;
  ratio: string;
  target: string;
  met: boolean;
}
