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
