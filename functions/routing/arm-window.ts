// An arm's recent traffic for operators: the requests of the last few minutes (outcome and
// latency) and the shadow comparisons of the same span. The lifetime counters in ArmStats say what
// happened since start; a rollout is judged on what happens now, so the operator API and dashboard
// show these figures. Kept in time buckets (BUCKETS of BUCKET_MS each, a ring indexed by time), so
// every arm's figures cover the same span however busy it is (the arms' shares compare like with
// like), and the counts are exact; latency goes into a small fixed histogram per bucket
// (log-spaced bins), from which p50/p99 are read. Memory is bounded by construction and does not
// grow with traffic.

/** How far back the figures reach. */
export const WINDOW_MS = 5 * 60_000;
/** One bucket's span; the window is BUCKETS of them, the newest one still filling. */
export const BUCKET_MS = 5_000;
const BUCKETS = WINDOW_MS / BUCKET_MS;
/** Latency bins per doubling: a percentile is within ±2^(1/16) (≈ 4.4 %) of the true value. */
const BINS_PER_DOUBLING = 8;
/** Bins from 1 µs up to 2^27 µs (≈ 134 s); slower answers fall in the last bin. */
const BINS = 27 * BINS_PER_DOUBLING;

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
  /** The span the figures cover: WINDOW_MS (to within the newest bucket's filling), the same for every arm. */
  readonly spanMs: number;
}

export class ArmWindow {
  /** Per slot: the bucket number (time / BUCKET_MS) it holds now, -1 for none. */
  private readonly epoch = new Float64Array(BUCKETS).fill(-1);
  private readonly requests = new Uint32Array(BUCKETS);
  private readonly errors = new Uint32Array(BUCKETS);
  private readonly compared = new Uint32Array(BUCKETS);
  private readonly agreed = new Uint32Array(BUCKETS);
  /** BUCKETS × BINS counts of answered requests' latencies. */
  private readonly latency = new Uint32Array(BUCKETS * BINS);
  /** The bucket of the last shadow comparison (its outcome is counted with it). */
  private lastCompared = -1;

  constructor(private readonly now: () => number = () => Date.now()) {}

  request(ok: boolean, latencyUs: number): void {
    const slot = this.slot();
    this.requests[slot]!++;
    if (!ok) this.errors[slot]!++;
    else this.latency[slot * BINS + bin(latencyUs)]!++;
  }

  shadowCompared(): void {
    const slot = this.slot();
    this.compared[slot]!++;
    this.lastCompared = this.epoch[slot]!;
  }

  /** The comparison counted last agreed. */
  shadowAgreed(): void {
    const slot = this.lastCompared % BUCKETS;
    if (this.lastCompared >= 0 && this.epoch[slot] === this.lastCompared) this.agreed[slot]!++;
  }

  /** Forgets everything (the arm now serves something else). */
  reset(): void {
    this.epoch.fill(-1);
    this.lastCompared = -1;
  }

  figures(): WindowFigures {
    const current = Math.floor(this.now() / BUCKET_MS);
    let requests = 0, errors = 0, compared = 0, agreed = 0;
    const histogram = new Float64Array(BINS);
    for (let slot = 0; slot < BUCKETS; slot++) {
      const e = this.epoch[slot]!;
      if (e < 0 || e <= current - BUCKETS || e > current) continue;
      requests += this.requests[slot]!;
      errors += this.errors[slot]!;
      compared += this.compared[slot]!;
      agreed += this.agreed[slot]!;
      for (let b = 0; b < BINS; b++) histogram[b]! += this.latency[slot * BINS + b]!;
    }
    return {
      requests,
      errors,
      errorRate: requests ? errors / requests : 0,
      p50Ms: percentileMs(histogram, requests - errors, 0.5),
      p99Ms: percentileMs(histogram, requests - errors, 0.99),
      shadowCompared: compared,
      shadowAgreed: agreed,
      spanMs: WINDOW_MS,
    };
  }

  /** The slot of the current bucket, cleared first when it last held an older one. */
  private slot(): number {
    const e = Math.floor(this.now() / BUCKET_MS);
    const slot = ((e % BUCKETS) + BUCKETS) % BUCKETS;
    if (this.epoch[slot] !== e) {
      this.epoch[slot] = e;
      this.requests[slot] = this.errors[slot] = this.compared[slot] = this.agreed[slot] = 0;
      this.latency.fill(0, slot * BINS, (slot + 1) * BINS);
    }
    return slot;
  }
}

function bin(us: number): number {
  if (!(us >= 1)) return 0;
  return Math.min(BINS - 1, Math.floor(Math.log2(us) * BINS_PER_DOUBLING));
}

/** Nearest-rank percentile over the histogram, as its bin's geometric middle, in milliseconds (3 decimals). */
function percentileMs(histogram: Float64Array, n: number, p: number): number | undefined {
  if (n <= 0) return undefined;
  const rank = Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1));
  let seen = 0;
  let b = 0;
  for (; b < BINS - 1; b++) {
    seen += histogram[b]!;
    if (seen > rank) break;
  }
  return Math.round(2 ** ((b + 0.5) / BINS_PER_DOUBLING)) / 1000;
}
