// Metrics and Server-Timing on a real server: counts move exactly as requests, errors, loads and
// warmups happen, and the page parses with a Prometheus text parser.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import parsePrometheus from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeServer } from '../../adapters/node/server.ts';
import { call } from '../conformance/cases.ts';
import { scratchRepository, startTestServer } from '../helpers.ts';

const PATH = '/monitoring/prometheus/metrics';
let server: NodeServer;
let repo: Awaited<ReturnType<typeof scratchRepository>>;
const f = (path: string, init?: RequestInit) => fetch(server.url + path, init);

interface Family {
  name: string;
  type: string;
  metrics: { value?: string; labels?: Record<string, string>; count?: string; sum?: string; buckets?: Record<string, string> }[];
}

interface Scrape {
  families: Map<string, Family>;
  text: string;
}

/** The page, parsed by a Prometheus text parser (it throws on any malformed line). */
async function scrape(): Promise<Scrape> {
  const res = await f(PATH);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain');
  const text = await res.text();
  expect(text.endsWith('\n')).toBe(true);
  expect(text).not.toContain('# HELP'); // TF Serving's exporter writes only TYPE lines
  return { text, families: new Map((parsePrometheus(text) as Family[]).map((family) => [family.name, family])) };
}

/**
 * A counter's value, or a histogram's count. The parser flattens labelled histograms away, so
 * their `_count` line is read from the page itself (after the parser has accepted it).
 */
function value({ families, text }: Scrape, name: string, labels: Record<string, string>): number {
  const family = families.get(name);
  if (family?.type === 'HISTOGRAM') {
    const line = text.split('\n').find((l) => l.startsWith(`${name}_count`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
    return Number(line?.split(' ').pop() ?? 0);
  }
  const series = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => (m.labels?.[k] ?? '') === v));
  return Number(series?.value ?? 0);
}

beforeAll(async () => {
  repo = await scratchRepository();
  await mkdir(join(repo.dir, 'half_plus_two/2/assets.extra'), { recursive: true });
  await writeFile(join(repo.dir, 'half_plus_two/2/assets.extra/warmup.json'), '{"instances": [1.0]}\n{"instances": [2.0]}\n');
  server = await startTestServer({ root: repo.dir, preload: false, metricsPath: PATH });
});
afterAll(async () => {
  await server.close();
  await repo.remove();
});

describe('Prometheus metrics', () => {
  it('count requests by model and status, latency on success, loads, warmups and storage', async () => {
    const cold = await call(f, 'POST', '/v1/models/half_plus_two:predict', '{"instances": [1.0]}');
    expect(cold.status).toBe(200);
    expect(cold.headers.get('x-cold-start')).toBe('1');
    const warm = await call(f, 'POST', '/v1/models/half_plus_two:predict', '{"instances": [1.0]}');
    expect(warm.headers.get('x-cold-start')).toBeNull();
    expect((await call(f, 'POST', '/v1/models/nope:predict', '{"instances": [1.0]}')).status).toBe(404);
    expect((await call(f, 'POST', '/v1/models/half_plus_two:predict', '{"instances": ["x"]}')).status).toBe(400);
    expect((await call(f, 'GET', '/v1/models/half_plus_two:predict')).status).toBe(400);
    expect((await call(f, 'GET', '/v1/models/half_plus_two')).status).toBe(200);

    const m = await scrape();
    const rc = ':tensorflow:serving:request_count';
    expect(value(m, rc, { model_name: 'half_plus_two', status: 'OK' })).toBe(3);
    expect(value(m, rc, { model_name: '(unknown)', status: 'NOT_FOUND' })).toBe(1); // unknown names share one series
    expect(value(m, rc, { model_name: 'half_plus_two', status: 'INVALID_ARGUMENT' })).toBe(1);
    expect(value(m, rc, { model_name: '', status: 'INVALID_ARGUMENT' })).toBe(1); // malformed: model unknown
    const rl = ':tensorflow:serving:request_latency';
    expect(value(m, rl, { model_name: 'half_plus_two', API: 'predict', entrypoint: 'REST' })).toBe(2);
    expect(value(m, rl, { model_name: 'half_plus_two', API: '', entrypoint: 'REST' })).toBe(1);
    expect(m.families.get(rl)!.type).toBe('HISTOGRAM');
    expect(value(m, ':tensorflow:serving:runtime_latency', { model_name: 'half_plus_two', API: 'predict' })).toBe(2);
    expect(value(m, ':tensorflow:cc:saved_model:load_attempt_count', { model_path: 'half_plus_two/2', status: 'success' })).toBe(1);
    expect(value(m, ':tensorflow:serving:model_warmup_records_read', { model_path: 'half_plus_two/2', status: 'OK' })).toBe(2);
    expect(value(m, ':tensorflow:serving:model_warmup_latency', { model_path: 'half_plus_two/2', status: 'OK' })).toBe(1);
    expect(value(m, ':edgeserve:cold_loads', { model_name: 'half_plus_two' })).toBe(1);
    expect(value(m, ':edgeserve:storage:requests', { operation: 'list', outcome: 'ok' })).toBe(1);
    expect(value(m, ':edgeserve:storage:bytes_read', {})).toBeGreaterThan(0);
    expect(value(m, ':edgeserve:backend', { name: 'ort-node(cpu)' })).toBe(1);
  });

  it('answers a query string on its path as TF Serving does', async () => {
    const res = await f(`${PATH}?x=1`);
    expect(res.status).toBe(400);
    expect(await res.text()).toBe(`Unexpected path: ${PATH}?x=1. Should be ${PATH}`);
  });

  it('Server-Timing names where a cold request spent its time, and its parts add up to at most the total', async () => {
    const res = await f('/v1/models/mnist:predict', { method: 'POST', body: JSON.stringify({ instances: [Array(784).fill(0.5)] }) });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-cold-start')).toBe('1');
    const timing = Object.fromEntries(
      res.headers.get('server-timing')!.split(', ').map((part) => {
        const [name, dur] = part.split(';dur=');
        return [name!, Number(dur)];
      }),
    );
    expect(Object.keys(timing)).toEqual(['storage', 'session', 'warmup', 'run', 'total']);
    expect(timing.storage! + timing.session! + timing.warmup! + timing.run!).toBeLessThanOrEqual(timing.total!);
  });
});
