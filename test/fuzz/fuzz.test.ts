// A short run of the fuzz and abuse suite (scripts/fuzz.ts, docs/fuzzing.md) against a real Node
// server: 300 requests per family, none may end in an undesigned 5xx, a hang, a dropped
// connection, a stack trace or a leaked path. The full run is `npx tsx scripts/fuzz.ts --count 100000`.
import { describe, expect, it } from 'vitest';
import { renderOffenders, renderTable } from '../../scripts/fuzz/report.ts';
import { FAMILIES, fuzzCase, runFuzz } from '../../scripts/fuzz/run.ts';

describe('fuzz suite, short run', () => {
  it('300 requests per family: no undesigned 5xx, hangs, drops, stacks or leaks', async () => {
    // A 256 KiB body limit keeps the gzip bombs (which inflate to 90–110 % of it) cheap on 2 cores;
    // the checks are the full run's.
    const result = await runFuzz({ count: 300, seconds: 30, seed: 1, maxBodyBytes: 256 * 1024 });
    expect(result.families.map((f) => f.family)).toEqual([...FAMILIES]);
    for (const f of result.families) {
      expect(f.sent + f.unsendable, `${f.family} was cut short:\n${renderTable(result)}`).toBe(300);
      expect(f.classes['2xx'], `${f.family} never reached a model`).toBeGreaterThan(0);
      expect(f.classes['4xx']).toBeGreaterThan(0);
    }
    expect(result.offenders, `${renderTable(result)}\n${renderOffenders(result)}`).toBe(0);
  }, 120_000);

  it('is deterministic given the seed', () => {
    for (const family of FAMILIES) {
      for (const index of [0, 17, 299]) expect(fuzzCase(7, family, index)).toEqual(fuzzCase(7, family, index));
      expect(fuzzCase(7, family, 3)).not.toEqual(fuzzCase(8, family, 3));
    }
  });

  it('keeps every body within 1,000,000 bytes', () => {
    for (const family of FAMILIES) {
      for (let i = 0; i < 300; i++) expect(fuzzCase(1, family, i).body?.length ?? 0).toBeLessThanOrEqual(1_000_000);
    }
  });
});
