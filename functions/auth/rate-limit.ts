// Per-caller token buckets (per instance: each isolate, Lambda environment or server counts its
// own). A bucket holds one second's worth of requests. Bounded: API keys are as many as the config
// names; JWT subjects are capped, the least recently seen dropped first.
const MAX_BUCKETS = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** undefined: allowed (one token taken); else the seconds until a token is there again. */
  take(caller: string, ratePerSecond: number): number | undefined {
    const now = this.now();
    let bucket = this.buckets.get(caller);
    if (bucket === undefined) {
      if (this.buckets.size >= MAX_BUCKETS) this.buckets.delete(this.buckets.keys().next().value!);
      bucket = { tokens: ratePerSecond, at: now };
    } else {
      this.buckets.delete(caller); // re-inserted below: the map's order is recency
      bucket.tokens = Math.min(ratePerSecond, bucket.tokens + ((now - bucket.at) / 1000) * ratePerSecond);
      bucket.at = now;
    }
    this.buckets.set(caller, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerSecond));
  }
}
