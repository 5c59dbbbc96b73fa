// The recent window behind the operator API's per-arm figures: counts, error rate, nearest-rank
// percentiles of answered requests, shadow agreement, and samples older than the window dropped.
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
    expect(f).toMatchObject({ requests: 101, errors: 1, p50Ms: 50, p99Ms: 99, spanMs: WINDOW_MS });
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

  it('stays bounded: a full ring covers less than the window and says so', () => {
    let now = 0;
    const w = new ArmWindow(() => now);
    for (let i = 0; i < 5000; i++) {
      now += 10;
      w.request(true, 100);
    }
    const f = w.figures();
    expect(f.requests).toBe(4096);
    expect(f.spanMs).toBeLessThan(WINDOW_MS);
    expect(f.spanMs).toBe(4095 * 10);
  });
});
