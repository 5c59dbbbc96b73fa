// Every request has an id, in its record and in its response: the caller's x-request-id, else the
// trace id of its traceparent, else a new one.
import { describe, expect, it } from 'vitest';
import { createEdgeserve } from '../../functions/app.ts';
import type { RequestRecord } from '../../functions/metrics/request-record.ts';
import { silentLogger } from '../../functions/util/log.ts';
import { FakeBackend, writeFakeRepository } from '../support/fake-backend.ts';
import { MemoryStore } from '../support/memory-store.ts';

describe('request ids', () => {
  it('come from x-request-id, then traceparent, else are generated; they reach the record and the response', async () => {
    const store = new MemoryStore();
    writeFakeRepository(store, { m: { 1: {} } });
    const records: RequestRecord[] = [];
    const es = createEdgeserve({ store, backend: new FakeBackend(), logger: silentLogger, requestSink: (r) => void records.push(r) });
    const send = async (headers: Record<string, string>) => {
      const r = await es.handle({ method: 'GET', pathAndQuery: '/v1/models/m', header: (n) => headers[n] ?? null, readBody: async () => new Uint8Array() });
      return r.headers['x-request-id'];
    };
    expect(await send({ 'x-request-id': 'abc-123' })).toBe('abc-123');
    expect(await send({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' })).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    const generated = await send({ 'x-request-id': 'has spaces\nand a newline' });
    expect(generated).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(await send({})).not.toBe(generated);
    expect(records.map((r) => r.request_id).slice(0, 3)).toEqual(['abc-123', '4bf92f3577b34da6a3ce929d0e0e4736', generated]);
  });
});
