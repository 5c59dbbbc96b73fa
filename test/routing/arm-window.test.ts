// The recent window behind the operator API's per-arm figures: counts, error rate, nearest-rank
// percentiles of answered requests (from a histogram), shadow agreement, samples older than the
// window dropped, and every arm's figures over the same span however busy it is.
import { describe, expect, it } from 'vitest';
import { ArmWindow, WINDOW_MS } from '../../functions/routing/arm-window.ts';
import { ArmStats } from '../../functions/routing/router.ts';

describe('ArmWindow', () => {
  it('counts requests and errors, and takes p50/p99 of the answered ones', () => {
    let now = 1_000_000;
    const w = new ArmWindow(() => now);
    for (let i = 1; i <= 100; i++) w.request(true, i * 1000); // 1..100 ms
    w.request(false, 5); // a failure counts, but not in the latency
    const f = w.figures();
    expect(f).toMatchObject({ requests: 101, errors: 1, spanMs: WINDOW_MS });
    // From a histogram of log-spaced bins: within 2^(1/16) of the true percentile.
    expect(Math.abs(f.p50Ms! / 50 - 1)).toBeLessThan(0.045);
    expect(Math.abs(f.p99Ms! / 99 - 1)).toBeLessThan(0.045);
    expect(f.errorRate).toBeCloseTo(1 / 101, 12);
    now += WINDOW_MS + 1; // all of it is now older than the window
    expect(w.figures()).toMatchObject({ requests: 0, errors: 0, errorRate: 0, p50Ms: undefined, p99Ms: undefined });
  });

  it('keeps shadow comparisons and whether each agreed, through ArmStats\' counters', () => {
    const s = new ArmStats();
    s.shadowCompared++;
    s.shadowAgreed++;
    s.shadowCompared++; // disagreed
    s.shadowCompared++;
    s.shadowAgreed++;
    expect([s.shadowCompared, s.shadowAgreed]).toEqual([3, 2]);
    expect(s.recent.figures()).toMatchObject({ shadowCompared: 3, shadowAgreed: 2 });
  });
});

describe('ArmWindow over time buckets', () => {
  it('compares arms over the same span: 100 rps vs 10 rps for 5 minutes → share ≈ 9.1 %, exact counts', () => {
    let now = 1_000_000_000;
    const stable = new ArmWindow(() => now);
    const canary = new ArmWindow(() => now);
    // 5 simulated minutes, in 10 ms steps: stable every step, the canary every 10th.
    const steps = WINDOW_MS / 10;
    for (let i = 0; i < steps; i++) {
      now += 10;
      stable.request(true, 2000);
      if (i % 10 === 0) canary.request(i % 100 !== 0, 5000);
    }
    const s = stable.figures();
    const c = canary.figures();
    // Everything of the last 5 minutes (less the part of the oldest bucket that has just left).
    expect(s.requests).toBeGreaterThan(29_000);
    expect(c.requests).toBeGreaterThan(2_900);
    const share = c.requests / (s.requests + c.requests);
    expect(share).toBeCloseTo(10 / 110, 3);
    expect(s.errors).toBe(0);
    expect(c.errorRate).toBeCloseTo(0.1, 2);
    expect(s.p50Ms).toBeCloseTo(2, 0);
    expect(c.p99Ms).toBeCloseTo(5, 0);
  });

  it('counts exactly within the window, beyond any sample cap, and lets old buckets expire', () => {
    let now = 0;
    const w = new ArmWindow(() => now);
    for (let i = 0; i < 20_000; i++) {
      now += 1; // 20 s of 1000 rps
      w.request(true, 100);
    }
    expect(w.figures().requests).toBe(20_000);
    now += WINDOW_MS - 10_000; // the first half is now older than the window
    // The window reaches back 295 to 300 s (whole 5 s buckets): the buckets of the second half remain.
    const half = w.figures().requests;
    expect(half).toBeGreaterThanOrEqual(5_000);
    expect(half).toBeLessThanOrEqual(10_000);
    now += 20_000;
    expect(w.figures()).toMatchObject({ requests: 0, errors: 0, p50Ms: undefined, shadowCompared: 0 });
  });
});
