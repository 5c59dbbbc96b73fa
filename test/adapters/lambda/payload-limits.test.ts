// Lambda's 6 MB synchronous payload limit, each way: a request is held to the body limit by its
// decoded bytes (AWS itself limits the event as it arrives), and an answer over the limit becomes
// a JSON error instead of an invocation AWS would fail with a bare 502. Events are built in the real API Gateway v2 shape.
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MAX_RESULT_BODY_BYTES, restRequestFromEvent, resultFromRestResponse } from '../../../adapters/lambda/http-event.ts';
import { BodyTooLargeError } from '../../../functions/http/exchange.ts';
import { httpEvent } from '../../lambda-events.ts';

const SIX_MIB = 6 * 1024 * 1024;

describe('Lambda payload limits', () => {
  it('a base64 body is held to the limit by the bytes it decodes to (not its 4/3 longer text), checked before decoding', async () => {
    const event = async (bytes: number) => (await httpEvent('apigw-v2', '/v1/models/m:predict', { method: 'POST', body: new Uint8Array(bytes).fill(0x20), headers: { 'content-type': 'application/octet-stream' } })) as { isBase64Encoded: boolean; body: string };
    const fits = await event(5 * 1024 * 1024); // 5 MiB decoded, 6.7 MiB as base64
    expect(fits.isBase64Encoded).toBe(true);
    expect(fits.body.length).toBeGreaterThan(SIX_MIB);
    expect((await restRequestFromEvent(fits as never).readBody(SIX_MIB)).byteLength).toBe(5 * 1024 * 1024);
    await expect(restRequestFromEvent((await event(SIX_MIB + 1)) as never).readBody(SIX_MIB)).rejects.toBeInstanceOf(BodyTooLargeError);
  });

  it('an answer over 6 MB becomes a 413 JSON error that says why; smaller ones pass unchanged', async () => {
    const event = await httpEvent('apigw-v2', '/v1/models/m:predict', { method: 'POST', body: '{}' });
    const big = (await resultFromRestResponse(event as never, { status: 200, headers: { 'Content-Type': 'application/json', 'x-request-id': 'r1' }, body: 'x'.repeat(MAX_RESULT_BODY_BYTES + 1) })) as { statusCode: number; body: string; headers: Record<string, string> };
    expect(big.statusCode).toBe(413);
    expect(big.headers['x-request-id']).toBe('r1');
    expect(JSON.parse(big.body).error).toMatch(/^The response is \d+ bytes, more than AWS Lambda returns from a synchronous invocation \(6 MB\)/);
    const small = (await resultFromRestResponse(event as never, { status: 200, headers: {}, body: 'ok' })) as { statusCode: number; body: string };
    expect(small).toMatchObject({ statusCode: 200, body: 'ok' });
  });

  it('a big answer the client takes compressed is sent as base64 br or gzip, and fits where the plain text would not', async () => {
    const event = await httpEvent('apigw-v2', '/v1/models/m:predict', { method: 'POST', body: '{}', headers: { 'accept-encoding': 'gzip' } });
    const text = `{\n    "predictions": [\n${Array.from({ length: 700_000 }, (_, i) => `        ${(i % 997) / 1000}`).join(',\n')}\n    ]\n}`;
    expect(text.length).toBeGreaterThan(MAX_RESULT_BODY_BYTES);
    const sent = (await resultFromRestResponse(event as never, { status: 200, headers: { 'Content-Type': 'application/json' }, body: text }, 'gzip')) as { statusCode: number; body: string; headers: Record<string, string>; isBase64Encoded: boolean };
    expect(sent).toMatchObject({ statusCode: 200, isBase64Encoded: true, headers: { 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' } });
    expect(gunzipSync(Buffer.from(sent.body, 'base64')).toString()).toBe(text);
    const plain = (await resultFromRestResponse(event as never, { status: 200, headers: {}, body: text }, null)) as { statusCode: number };
    expect(plain.statusCode).toBe(413);
    const br = (await resultFromRestResponse(event as never, { status: 200, headers: {}, body: text }, 'gzip, br')) as { body: string; headers: Record<string, string> };
    expect(br.headers['Content-Encoding']).toBe('br');
    expect(brotliDecompressSync(Buffer.from(br.body, 'base64')).toString()).toBe(text);
    // API Gateway REST APIs (v1) would pass base64 on as text without binaryMediaTypes: plain there.
    const v1 = await httpEvent('apigw-v1', '/v1/models/m:predict', { method: 'POST', body: '{}', headers: { 'accept-encoding': 'gzip' } });
    const small = text.slice(0, 100_000);
    const plainV1 = (await resultFromRestResponse(v1 as never, { status: 200, headers: {}, body: small }, 'gzip')) as { body: string; headers: Record<string, string>; isBase64Encoded: boolean };
    expect(plainV1).toMatchObject({ body: small, isBase64Encoded: false });
    expect(plainV1.headers['Content-Encoding']).toBeUndefined();
  });
});
