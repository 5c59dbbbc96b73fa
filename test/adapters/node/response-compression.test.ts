// Response compression on the Node server (Lambda's is in test/adapters/lambda): big answers go
// out as br or gzip when the request accepts it, small ones and unaccepting clients get the text.
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_COMPRESSION, encodeResponse, negotiateCoding } from '../../../adapters/shared/response-compression.ts';
import type { NodeServer } from '../../../adapters/node/server.ts';
import { startTestServer } from '../../helpers.ts';

describe('Accept-Encoding negotiation', () => {
  it('prefers br, then gzip, honours q=0 and *, and takes nothing else', () => {
    expect(negotiateCoding('gzip, deflate, br')).toBe('br');
    expect(negotiateCoding('gzip')).toBe('gzip');
    expect(negotiateCoding('br;q=0, gzip;q=0.5')).toBe('gzip');
    expect(negotiateCoding('*')).toBe('br');
    expect(negotiateCoding('*, br;q=0')).toBe('gzip');
    expect(negotiateCoding('gzip;q=0, br;q=0')).toBeUndefined();
    expect(negotiateCoding('identity')).toBeUndefined();
    expect(negotiateCoding('deflate')).toBeUndefined();
    expect(negotiateCoding(null)).toBeUndefined();
    expect(negotiateCoding('')).toBeUndefined();
  });
});

describe('binary bodies (V2)', () => {
  const parts = [new TextEncoder().encode('{"a":1}'), new Uint8Array(100_000).fill(7), new Uint8Array([1, 2, 3])];
  const joined = Buffer.concat(parts);

  it('a binary body in parts compresses as the bytes of its parts joined', async () => {
    const encoded = await encodeResponse({ status: 200, headers: { 'Content-Type': 'application/x-test' }, body: null, bytes: parts }, 'gzip', DEFAULT_COMPRESSION);
    expect(encoded.headers['Content-Encoding']).toBe('gzip');
    expect(gunzipSync(encoded.body as Uint8Array).equals(joined)).toBe(true);
  });

  it('raw tensor bytes (application/octet-stream) go out as their parts, uncompressed', async () => {
    const encoded = await encodeResponse({ status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: null, bytes: parts }, 'br, gzip', DEFAULT_COMPRESSION);
    expect(encoded.headers['Content-Encoding']).toBeUndefined();
    expect(encoded.body).toBe(parts);
  });
});

/** A raw request (fetch would decompress for us and hide what was sent). */
function post(url: string, path: string, body: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const r = request(url + path, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, bytes: Buffer.concat(chunks) }));
    });
    r.on('error', reject);
    r.end(body);
  });
}

describe('Node response compression', () => {
  let server: NodeServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());
  const big = JSON.stringify({ instances: Array.from({ length: 20_000 }, (_, i) => i / 7) }); // an answer of ~400 KB

  it('sends a big answer as br or gzip when accepted, byte-identical once decoded', async () => {
    const plain = await post(server.url, '/v1/models/half_plus_two:predict', big, {});
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('Accept-Encoding');
    const gz = await post(server.url, '/v1/models/half_plus_two:predict', big, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.bytes.length).toBeLessThan(plain.bytes.length / 4);
    expect(gunzipSync(gz.bytes).equals(plain.bytes)).toBe(true);
    const br = await post(server.url, '/v1/models/half_plus_two:predict', big, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.bytes).equals(plain.bytes)).toBe(true);
  });

  it('sends small answers as they are', async () => {
    const small = await post(server.url, '/v1/models/half_plus_two:predict', '{"instances": [1.0]}', { 'accept-encoding': 'gzip, br' });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(small.bytes.toString())).toEqual({ predictions: [2.5] });
  });
});
