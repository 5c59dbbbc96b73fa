// Request records: one per /v1 request, with the numbers operators need and no payload unless
// sampled in; and their CloudWatch EMF form, validated against the EMF specification's shape.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createNodeBackend } from '../../adapters/shared/ort-backends.ts';
import { FileSystemStore } from '../../adapters/storage/fs.ts';
import { createEdgeserve } from '../../functions/app.ts';
import { silentLogger } from '../../functions/util/log.ts';
import { emfLine } from '../../functions/metrics/emf.ts';
import type { RequestRecord } from '../../functions/metrics/request-record.ts';
import type { RestRequest } from '../../functions/http/exchange.ts';
import { exampleRepository } from '../helpers.ts';

/** The EMF specification's structure (CloudWatch_Embedded_Metric_Format_Specification). */
const EmfSchema = z
  .object({
    _aws: z.object({
      Timestamp: z.number().int().positive(),
      CloudWatchMetrics: z.array(
        z.object({
          Namespace: z.string().min(1).max(255),
          Dimensions: z.array(z.array(z.string()).max(30)),
          Metrics: z.array(z.object({ Name: z.string().min(1), Unit: z.enum(['Count', 'Milliseconds', 'Microseconds', 'Bytes', 'None']) })).max(100),
        }),
      ),
    }),
  })
  .passthrough()
  .superRefine((doc, ctx) => {
    for (const directive of doc._aws.CloudWatchMetrics) {
      for (const name of directive.Dimensions.flat()) {
        if (typeof (doc as Record<string, unknown>)[name] !== 'string') ctx.addIssue({ code: 'custom', message: `dimension ${name} is not a string member` });
      }
      for (const { Name } of directive.Metrics) {
        if (typeof (doc as Record<string, unknown>)[Name] !== 'number') ctx.addIssue({ code: 'custom', message: `metric ${Name} is not a number member` });
      }
    }
  });

async function setup(requestBodySampleRate = 0) {
  const records: RequestRecord[] = [];
  const es = createEdgeserve({
    store: new FileSystemStore(await exampleRepository()), backend: await createNodeBackend('ort-node'), logger: silentLogger,
    requestSink: (r) => void records.push(r), requestBodySampleRate,
  });
  const send = (method: string, path: string, body = '') => {
    const bytes = new TextEncoder().encode(body);
    const request: RestRequest = { method, pathAndQuery: path, header: () => null, readBody: async () => bytes };
    return es.handle(request);
  };
  return { records, send };
}

describe('request records', () => {
  it('one per /v1 request, failures included, with durations and sizes but no payload', async () => {
    const { records, send } = await setup();
    await send('POST', '/v1/models/half_plus_two:predict', '{"instances": [1.0, 2.0]}');
    await send('POST', '/v1/models/half_plus_two:predict', '{"instances": [1.0, 2.0]}');
    await send('POST', '/v1/models/nope:predict', '{"instances": [1.0]}');
    await send('GET', '/v1/models/half_plus_two');
    await send('GET', '/healthz'); // not /v1: no record, as TF Serving does not count it either
    expect(records).toHaveLength(4);
    const [cold, warm, missing, status] = records;
    expect(cold).toMatchObject({ method: 'POST', model: 'half_plus_two', api: 'predict', status: 'OK', http_status: 200, version: 2, cold_start: true, bytes_in: 25 });
    expect(cold!.storage_ms).toBeGreaterThanOrEqual(0);
    expect(warm).toMatchObject({ cold_start: false, status: 'OK' });
    expect(warm!.run_ms!).toBeLessThanOrEqual(warm!.duration_ms);
    expect(warm!.bytes_out).toBeGreaterThan(0);
    expect(missing).toMatchObject({ model: 'nope', status: 'NOT_FOUND', http_status: 404 });
    expect(status).toMatchObject({ api: '', status: 'OK' });
    for (const r of records) {
      expect(r.request_body).toBeUndefined();
      expect(JSON.stringify(r)).not.toContain('instances');
    }
  });

  it('includes request bodies only at the configured sample rate', async () => {
    const { records, send } = await setup(1);
    await send('POST', '/v1/models/half_plus_two:predict', '{"instances": [1.0]}');
    expect(records[0]!.request_body).toBe('{"instances": [1.0]}');
  });

  it('EMF lines carry the record and validate against the EMF shape', async () => {
    const { records, send } = await setup();
    await send('POST', '/v1/models/half_plus_two:predict', '{"instances": [1.0]}');
    await send('POST', '/v1/models/nope:predict', '{"instances": [1.0]}');
    for (const record of records) {
      const doc = JSON.parse(emfLine(record)) as Record<string, unknown>;
      EmfSchema.parse(doc);
      expect(doc).toMatchObject({ model_name: record.model, status: record.status, request_count: 1 });
    }
    expect(EmfSchema.safeParse({ _aws: { Timestamp: 1, CloudWatchMetrics: [{ Namespace: 'x', Dimensions: [['m']], Metrics: [{ Name: 'n', Unit: 'Count' }] }] } }).success).toBe(false);
  });
});
