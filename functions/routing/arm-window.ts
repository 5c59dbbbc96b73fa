// An arm's recent traffic for operators: the requests of the last few minutes (outcome and
// latency) and the shadow comparisons of the same span, in fixed-size rings. The lifetime counters
// in ArmStats say what happened since start; a rollout is judged on what happens now, so the
// operator API and dashboard show these figures. Bounded by construction: a busy arm keeps its
// newest RING samples, and the window then covers less than WINDOW_MS (the view says how much).

/** How far back the figures reach. */
export const WINDOW_MS = 5 * 60_000;
/** Samples kept per arm: at 100 requests per second per instance, the last 40 s of them. */
const RING = 4096;

export interface WindowFigures {
  readonly requests: number;
  readonly errors: number;
  /** errors / requests; 0 without requests. */
  readonly errorRate: number;
  /** Latency percentiles of the answered (non-failed) requests, in milliseconds; undefined without any. */
  readonly p50Ms: number | undefined;
  readonly p99Ms: number | undefined;
  readonly shadowCompared: number;
  readonly shadowAgreed: number;
  /** The span the figures cover: WINDOW_MS, or less when the ring is full. */
  readonly spanMs: number;
}

class Ring {
  readonly time = new Float64Array(RING);
  readonly value = new Float64Array(RING);
  count = 0;
  next = 0;

  push(time: number, value: number): void {
    this.time[this.next] = time;
    this.value[this.next] = value;
    this.next = (this.next + 1) % RING;
    if (this.count < RING) this.count++;
  }

  /** The newest sample's slot (for a shadow comparison's outcome, set just after it is counted). */
  get last(): number {
    return (this.next + RING - 1) % RING;
  }

  /** Values of the samples at or after `since`, and the oldest time among all kept samples. */
  since(since: number): { values: number[]; oldest: number } {
    const values: number[] = [];
    let oldest = Infinity;
    for (let k = 0; k < this.count; k++) {
      const t = this.time[k]!;
      if (t < oldest) oldest = t;
      if (t >= since) values.push(this.value[k]!);
    }
    return { values, oldest };
  }
}

export class ArmWindow {
  /** value: latency in µs of an answered request, or -1 for a failed one. */
  private readonly requests = new Ring();
  /** value: 1 agreed, 0 disagreed. */
  private readonly shadows = new Ring();

  constructor(private readonly now: () => number = () => Date.now()) {}

  request(ok: boolean, latencyUs: number): void {
    this.requests.push(this.now(), ok ? latencyUs : -1);
  }

  shadowCompared(): void {
    this.shadows.push(this.now(), 0);
  }

  /** The comparison counted last agreed. */
  shadowAgreed(): void {
    if (this.shadows.count > 0) this.shadows.value[this.shadows.last] = 1;
  }

  figures(): WindowFigures {
    const now = this.now();
    const from = now - WINDOW_MS;
    const r = this.requests.since(from);
    const s = this.shadows.since(from);
    const answered = r.values.filter((v) => v >= 0).sort((a, b) => a - b);
    const errors = r.values.length - answered.length;
    // A full ring has dropped older samples: the figures then cover only back to its oldest one.
    const full = this.requests.count === RING ? now - r.oldest : WINDOW_MS;
    return {
      requests: r.values.length,
      errors,
      errorRate: r.values.length ? errors / r.values.length : 0,
      p50Ms: percentileMs(answered, 0.5),
      p99Ms: percentileMs(answered, 0.99),
      shadowCompared: s.values.length,
      shadowAgreed: s.values.filter((v) => v === 1).length,
      spanMs: Math.min(WINDOW_MS, full),
    };
  }
}

/** Nearest-rank percentile of sorted microseconds, in milliseconds (3 decimals). */
function percentileMs(sortedUs: readonly number[], p: number): number | undefined {
  if (sortedUs.length === 0) return undefined;
  const rank = Math.min(sortedUs.length - 1, Math.max(0, Math.ceil(p * sortedUs.length) - 1));
  return Math.round(sortedUs[rank]!) / 1000;
}
