// Label values on the metrics page are quoted as the Prometheus text format says: a model name
// with a quote, a backslash or a newline (bucket keys and request paths can carry all three) must
// come back from a real parser exactly, and must not break its series line into bogus ones.
import parsePrometheus from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { escapeLabelValue } from '../../functions/metrics/registry.ts';
import { ServingMetrics } from '../../functions/metrics/serving-metrics.ts';

interface Family {
  name: string;
  type: string;
  metrics: { value?: string; labels?: Record<string, string> }[];
}

const AWKWARD = 'a"b\\c\nd';

describe('metric label values', () => {
  it('escapes backslash, double quote and newline, and nothing else', () => {
    expect(escapeLabelValue(AWKWARD)).toBe('a\\"b\\\\c\\nd');
    expect(escapeLabelValue('half_plus_two/2 ümlaut\t')).toBe('half_plus_two/2 ümlaut\t');
  });

  it('a page with an awkward model name parses and gives the exact name back', () => {
    const metrics = new ServingMetrics();
    metrics.requestCount.inc([AWKWARD, 'OK'], 3);
    metrics.coldLoads.inc([AWKWARD]);
    metrics.requestLatency.observe([AWKWARD, 'predict', ''], 120);
    const page = metrics.render();
    expect(page.split('\n').every((line) => line === '' || line.startsWith('# TYPE ') || /^[a-zA-Z_:][a-zA-Z0-9_:]*[{ ]/.test(line))).toBe(true);

    const families = new Map((parsePrometheus(page) as Family[]).map((f) => [f.name, f]));
    // A line broken by a raw newline would have turned into a family named after its tail.
    expect([...families.keys()].every((name) => name.startsWith(':tensorflow:') || name.startsWith(':edgeserve:'))).toBe(true);
    const requests = families.get(':tensorflow:serving:request_count')!.metrics;
    expect(requests).toEqual([{ value: '3', labels: { model_name: AWKWARD, status: 'OK' } }]);
    expect(families.get(':edgeserve:cold_loads')!.metrics[0]!.labels).toEqual({ model_name: AWKWARD });
  });
});
