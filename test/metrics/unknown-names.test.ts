// Anyone can ask for a model that does not exist: those names must not become metric series
// (before: one permanent series per name, 40,000 names grew the process by hundreds of MB).
import { describe, expect, it } from 'vitest';
import { createEdgeserve } from '../../functions/app.ts';
import { silentLogger } from '../../functions/util/log.ts';
import { FakeBackend, writeFakeRepository } from '../support/fake-backend.ts';
import { MemoryStore } from '../support/memory-store.ts';

describe('unknown model names', () => {
  it('10,000 requests for made-up names add one series, not 10,000', async () => {
    const store = new MemoryStore();
    writeFakeRepository(store, { m: { 1: {} } });
    const es = createEdgeserve({ store, backend: new FakeBackend(), logger: silentLogger, metricsPath: '/metrics', routingAdmin: true });
    const body = new TextEncoder().encode('{"instances": [1]}');
    for (let i = 0; i < 10_000; i++) {
      const r = await es.handle({ method: 'POST', pathAndQuery: `/v1/models/nope-${i}-${'x'.repeat(200)}:predict`, header: () => null, readBody: async () => body });
      expect(r.status).toBe(404);
    }
    const page = (await es.handle({ method: 'GET', pathAndQuery: '/metrics', header: () => null, readBody: async () => new Uint8Array() })).body!;
    expect(page).not.toContain('nope-');
    expect(page).toContain(':tensorflow:serving:request_count{model_name="(unknown)",status="NOT_FOUND"} 10000');
    expect(page.length).toBeLessThan(64 * 1024);
  });
});
