// Bounded work per request (issue #13): what one request may make the server inflate, decode and
// write. Each limit answers with a JSON error naming the limit, before the work it bounds is done.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createEdgeserve, type EdgeserveOptions } from '../../functions/app.ts';
import type { RestRequest } from '../../functions/http/exchange.ts';
import { silentLogger } from '../../functions/util/log.ts';
import { FakeBackend, writeFakeRepository } from '../support/fake-backend.ts';
import { MemoryStore } from '../support/memory-store.ts';

function server(options: Partial<EdgeserveOptions> = {}) {
  const store = new MemoryStore();
  writeFakeRepository(store, { echo: { 1: {} } });
  return createEdgeserve({ store, backend: new FakeBackend(), logger: silentLogger, ...options });
}

function post(body: Uint8Array | string, headers: Record<string, string> = {}): RestRequest {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  return {
    method: 'POST',
    pathAndQuery: '/v1/models/echo:predict',
    header: (n) => headers[n] ?? null,
    readBody: async (limit) => {
      if (bytes.byteLength > limit) throw new Error('the test body is over the limit');
      return bytes;
    },
  };
}

const zeros = (n: number) => `{"instances": [${'0,'.repeat(n - 1)}0]}`;

describe('gzip inflation ratio', () => {
  it('refuses a gzip body that inflates more than --max_gzip_ratio times past the first MiB, with 413', async () => {
    const text = zeros(1_000_000); // 2 MB of JSON, a few KB of gzip
    const bomb = gzipSync(text);
    expect(text.length / bomb.length).toBeGreaterThan(100);
    const es = server();
    const r = await es.handle(post(bomb, { 'content-encoding': 'gzip' }));
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body!)).toEqual({ error: 'Request body inflates more than 100 times its gzip size (--max_gzip_ratio)' });
    // The same bytes uncompressed are within every limit, and so is the gzip body with a higher ratio.
    expect((await es.handle(post(text))).status).toBe(200);
    expect((await server({ maxGzipRatio: 10_000 }).handle(post(bomb, { 'content-encoding': 'gzip' }))).status).toBe(200);
  });

  it('lets small gzip bodies inflate as much as they like', async () => {
    const text = zeros(100_000); // 200 KB: under the ratio-free first MiB
    const r = await server().handle(post(gzipSync(text), { 'content-encoding': 'gzip' }));
    expect(r.status).toBe(200);
  });

  it('still answers the body limit, not the ratio, when that is what the inflated body passes', async () => {
    const r = await server({ maxBodyBytes: 1000 }).handle(post(gzipSync(zeros(1000)), { 'content-encoding': 'gzip' }));
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body!)).toEqual({ error: 'Request body is larger than the limit of 1000 bytes' });
  });
});

describe('response size', () => {
  it('refuses an answer past --max_response_bytes with 413 naming the limit, and serves smaller ones', async () => {
    const es = server({ maxResponseBytes: 100_000 });
    const r = await es.handle(post(zeros(50_000))); // the echo of 50,000 floats, pretty-printed: ~600 KB
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body!)).toEqual({
      error: "The response would be larger than this server's limit of 100000 bytes (--max_response_bytes): ask for fewer instances or outputs",
    });
    expect((await es.handle(post(zeros(1000)))).status).toBe(200);
  });
});

describe('tensor elements', () => {
  it('refuses a request past --max_request_elements with 400, before allocating, and serves one at the limit', async () => {
    const es = server({ maxRequestElements: 1000 });
    const over = await es.handle(post(zeros(1001)));
    expect(over.status).toBe(400);
    expect(JSON.parse(over.body!)).toEqual({ error: "The request's tensors hold more than 1000 elements, this server's limit (--max_request_elements)" });
    expect((await es.handle(post(zeros(1000)))).status).toBe(200);
    // Columnar and row forms count alike.
    const columnar = await es.handle(post(`{"inputs": [${'0,'.repeat(1000)}0]}`));
    expect(columnar.status).toBe(400);
  });

  it('holds by default: 16.7 M one-character elements in a 32 MiB body are refused', async () => {
    const es = server();
    const r = await es.handle(post(zeros(16_000_000)));
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body!).error).toContain('8388608 elements');
  });
});

describe('one big body and the others', () => {
  it('a small predict sent while a big body is parsed is answered before the big one reaches its model', async () => {
    const store = new MemoryStore();
    writeFakeRepository(store, { echo: { 1: {} } });
    const backend = new FakeBackend();
    const es = createEdgeserve({ store, backend, logger: silentLogger });
    await es.warmup();
    const big = `{"inputs": [${Array.from({ length: 600_000 }, (_, i) => ((i * 7919) % 10007) / 10007).join(', ')}]}`; // ≈ 6 MB
    const bigAnswer = es.handle(post(big));
    const small = await es.handle(post('{"instances": [1.5]}'));
    expect(small.status).toBe(200);
    // The big body is still being parsed in slices: only the small request has run its model.
    expect(backend.runsStarted).toBe(1);
    expect((await bigAnswer).status).toBe(200);
    expect(backend.runsStarted).toBe(2);
  });
});

describe('numbers counted while parsing', () => {
  it('refuses a predict body with more numbers than --max_request_elements before storing them, whatever its shape', async () => {
    const es = server({ maxRequestElements: 1000 });
    for (const body of [zeros(5000), `{"inputs": [[${'1.5,'.repeat(600)}1], [NaN, ${'2,'.repeat(600)}2]]}`, `{"inputs": {"x": [${'0,'.repeat(2000)}0], "junk": "${'y'.repeat(10)}"}}`]) {
      const r = await es.handle(post(body));
      expect(r.status).toBe(400);
      expect(JSON.parse(r.body!)).toEqual({ error: "The request's tensors hold more than 1000 elements, this server's limit (--max_request_elements)" });
    }
  });

  it('the parser stops at the first number past the limit, in runs and in ordinary lists', async () => {
    const { parseJson, TooManyNumbersError } = await import('../../functions/util/json/parse.ts');
    for (const numberRuns of [true, false]) {
      expect(() => parseJson(`[${'1,'.repeat(20)}1]`, undefined, { numberRuns, maxNumbers: 20 })).toThrow(TooManyNumbersError);
      expect(() => parseJson(`[[1, 2], [NaN, ${'1,'.repeat(17)}1]]`, undefined, { numberRuns, maxNumbers: 20 })).toThrow(TooManyNumbersError);
      expect(parseJson(`[${'1,'.repeat(19)}1]`, undefined, { numberRuns, maxNumbers: 20 })).toBeTruthy();
    }
  });
});
