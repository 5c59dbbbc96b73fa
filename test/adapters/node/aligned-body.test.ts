// Binary V2 bodies are read with their binary part 8-aligned (RestRequest.readBody's alignAt), so
// that float64/int64 inputs are views of the body, not second copies: on Node from the socket's
// chunks (a real node:http server on 127.0.0.1), on Lambda from the event's base64.
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { restRequestFromEvent } from '../../../adapters/lambda/http-event.ts';
import { fromIncomingMessage } from '../../../adapters/node/node-exchange.ts';
import { httpEvent } from '../../lambda-events.ts';

const body = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 31) % 256); // several socket chunks

function readOverHttp(alignAt: number | undefined): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const server = createServer((req, res) => {
      fromIncomingMessage(req).readBody(1 << 20, alignAt).then((bytes) => {
        res.end();
        server.close();
        resolve(bytes);
      }, reject);
    });
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      const r = httpRequest({ host: '127.0.0.1', port, method: 'POST', headers: { 'content-length': body.length } }, (res) => res.resume());
      r.on('error', reject);
      r.end(Buffer.from(body));
    });
  });
}

describe('aligned bodies', () => {
  it('Node: the body arrives whole, its byte alignAt at an 8-byte boundary', async () => {
    for (const alignAt of [0, 1, 13, 142]) {
      const bytes = await readOverHttp(alignAt);
      expect(Buffer.from(bytes).equals(Buffer.from(body))).toBe(true);
      expect((bytes.byteOffset + alignAt) % 8, `alignAt ${alignAt}`).toBe(0);
    }
    expect(Buffer.from(await readOverHttp(undefined)).equals(Buffer.from(body))).toBe(true);
  });

  it('Lambda: a base64 body is decoded once, its byte alignAt at an 8-byte boundary', async () => {
    const event = await httpEvent('apigw-v2', '/v2/models/m/infer', { method: 'POST', body: body as BodyInit });
    for (const alignAt of [0, 5, 13, 142]) {
      const bytes = await restRequestFromEvent(event as never).readBody(1 << 20, alignAt);
      expect(Buffer.from(bytes).equals(Buffer.from(body))).toBe(true);
      expect((bytes.byteOffset + alignAt) % 8, `alignAt ${alignAt}`).toBe(0);
    }
  });
});
