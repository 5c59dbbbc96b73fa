// How V2's binary bodies travel below the protocol: forwarded answers from a remote arm (their
// media type read case- and parameter-insensitively, never compressed), Lambda's body limit on the
// decoded bytes, and Node's body buffer pre-sized only up to a cap from the headers.
import { describe, expect, it } from 'vitest';
import { restRequestFromEvent } from '../../adapters/lambda/http-event.ts';
import { DEFAULT_COMPRESSION, encodeResponse } from '../../adapters/shared/response-compression.ts';
import { forward } from '../../functions/inference/forward.ts';
import { BodyTooLargeError } from '../../functions/rest/exchange.ts';
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
    for (const headers of [{ 'content-type': 'application/octet-stream' }, { 'Content-Type': 'application/octet-stream; charset=x' }, { 'CONTENT-TYPE': 'Application/Octet-Stream' }]) {
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
