// How V2's binary bodies travel below the protocol: forwarded answers from a remote arm (their
// media type read case- and parameter-insensitively, never compressed), Lambda's body limit on the
// decoded bytes, and Node's body buffer pre-sized only up to a cap from the headers.
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { restRequestFromEvent } from '../../adapters/lambda/http-event.ts';
import { fromIncomingMessage } from '../../adapters/node/node-exchange.ts';
import { DEFAULT_COMPRESSION, encodeResponse } from '../../adapters/shared/response-compression.ts';
import { forward } from '../../functions/inference/forward.ts';
import { BodyTooLargeError } from '../../functions/http/exchange.ts';
import { httpEvent } from '../lambda-events.ts';

const REMOTE = { url: 'http://remote.test', timeoutMs: 1000 } as Parameters<typeof forward>[0];
const tensorBytes = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7) % 256);

describe('forwarded binary answers', () => {
  it('an octet-stream answer with parameters is read as bytes, its header passed on lower-case', async () => {
    for (const type of ['application/octet-stream; charset=x', 'Application/Octet-Stream']) {
      const fake = (async () => new Response(tensorBytes, { status: 200, headers: { 'content-type': type, 'inference-header-content-length': '0' } })) as typeof fetch;
      const r = await forward(REMOTE, { method: 'POST', pathAndQuery: '/v2/models/m/infer', body: '{}' }, fake);
      expect(r.body, type).toBeNull();
      expect(Buffer.from(r.bytes![0]!).equals(Buffer.from(tensorBytes)), type).toBe(true);
      expect(r.headers['content-type']).toBe(type);
    }
  });

  it('a forwarded octet-stream answer of 64 KiB and more is not compressed, whatever the header name\'s case or parameters', async () => {
    const variants: Record<string, string>[] = [{ 'content-type': 'application/octet-stream' }, { 'Content-Type': 'application/octet-stream; charset=x' }, { 'CONTENT-TYPE': 'Application/Octet-Stream' }];
    for (const headers of variants) {
      const encoded = await encodeResponse({ status: 200, headers, body: null, bytes: [tensorBytes] }, 'br, gzip', DEFAULT_COMPRESSION);
      expect(encoded.headers['Content-Encoding'], JSON.stringify(headers)).toBeUndefined();
      expect(encoded.body).toEqual([tensorBytes]);
    }
    // JSON of that size still is.
    const json = await encodeResponse({ status: 200, headers: { 'content-type': 'application/json' }, body: 'x'.repeat(100_000) }, 'gzip', DEFAULT_COMPRESSION);
    expect(json.headers['Content-Encoding']).toBe('gzip');
  });
});

describe('Lambda body limit', () => {
  it('a base64 body is held to the limit by its decoded bytes, not its base64 text', async () => {
    const limit = 1000;
    const read = async (size: number, alignAt?: number) => {
      const event = await httpEvent('apigw-v2', '/v2/models/m/infer', { method: 'POST', body: tensorBytes.slice(0, size) as BodyInit, headers: { 'content-type': 'application/octet-stream' } });
      expect((event as { isBase64Encoded: boolean }).isBase64Encoded).toBe(true);
      return restRequestFromEvent(event as never).readBody(limit, alignAt);
    };
    for (const size of [750, 900, 998, 999, 1000]) {
      const bytes = await read(size, 13);
      expect(Buffer.from(bytes).equals(Buffer.from(tensorBytes.subarray(0, size))), String(size)).toBe(true);
      expect((bytes.byteOffset + 13) % 8).toBe(0);
    }
    for (const size of [1001, 1002, 1003, 2000]) await expect(read(size), String(size)).rejects.toBeInstanceOf(BodyTooLargeError);
  });
});

describe('Node body buffer', () => {
  /** A server reading one body with readBody(limit, alignAt); `observe` sees the request at once. */
  function serve(limit: number, alignAt: number, observe?: () => void) {
    return new Promise<{ port: number; body: Promise<Uint8Array>; close: () => void }>((resolve) => {
      let settle!: (p: Promise<Uint8Array>) => void;
      const body = new Promise<Uint8Array>((r) => (settle = (p) => r(p)));
      const server = createServer((req, res) => {
        const before = process.memoryUsage().arrayBuffers;
        const reading = fromIncomingMessage(req).readBody(limit, alignAt);
        grown = process.memoryUsage().arrayBuffers - before;
        observe?.();
        settle(reading.finally(() => res.end()));
      });
      server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as AddressInfo).port, body, close: () => { server.closeAllConnections(); server.close(); } }));
    });
  }
  let grown = 0;

  it('a declared length does not allocate its whole size before the bytes arrive', async () => {
    let seen!: () => void;
    const arrived = new Promise<void>((r) => (seen = r));
    const s = await serve(64 << 20, 11, seen);
    const r = httpRequest({ host: '127.0.0.1', port: s.port, method: 'POST', headers: { 'content-length': 32 << 20 } });
    r.on('error', () => {});
    r.write(Buffer.alloc(100));
    await arrived;
    expect(grown).toBeLessThan(8 << 20);
    s.body.catch(() => {}); // the client goes away: the read fails, as it should
    r.destroy();
    s.close();
  });

  it('a body larger than the pre-sized part arrives whole, its byte alignAt 8-aligned', async () => {
    const big = Uint8Array.from({ length: (9 << 20) + 5 }, (_, i) => (i * 13 + (i >> 12)) % 256);
    for (const alignAt of [0, 3, 142]) {
      const s = await serve(32 << 20, alignAt);
      const r = httpRequest({ host: '127.0.0.1', port: s.port, method: 'POST', headers: { 'content-length': big.length } }, (res) => res.resume());
      r.end(Buffer.from(big));
      const bytes = await s.body;
      expect(bytes.byteLength).toBe(big.length);
      expect(Buffer.from(bytes).equals(Buffer.from(big)), `alignAt ${alignAt}`).toBe(true);
      expect((bytes.byteOffset + alignAt) % 8, `alignAt ${alignAt}`).toBe(0);
      s.close();
    }
  });
});
