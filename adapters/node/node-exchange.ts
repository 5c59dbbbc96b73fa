// node:http message ⇄ the REST layer's request/response, without building Fetch objects.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { encodeResponse, type CompressionPolicy } from '../shared/response-compression.ts';
import { BodyTooLargeError, ClientClosedError, partsLength, type RestRequest, type RestResponse } from '../../functions/rest/exchange.ts';

export interface NodeRestRequest extends RestRequest {
  /** True when the body was refused before it was read to the end. */
  readonly abandonedBody: boolean;
}

export function fromIncomingMessage(req: IncomingMessage): NodeRestRequest {
  let abandoned = false;
  return {
    method: req.method ?? 'GET',
    pathAndQuery: req.url ?? '/',
    get abandonedBody() {
      return abandoned;
    },
    header(name) {
      const v = req.headers[name];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
    },
    readBody(limit, alignAt) {
      const declared = Number(req.headers['content-length'] ?? NaN);
      if (declared > limit) {
        abandoned = true;
        return Promise.reject(new BodyTooLargeError(limit));
      }
      // With a declared length and a place to align, the chunks go straight into a buffer laid out
      // so that byte `alignAt` is 8-aligned: the one copy a body costs here (as Buffer.concat's).
      const into = alignAt !== undefined && Number.isSafeInteger(declared) && declared > 0 ? alignedBuffer(declared, alignAt) : undefined;
      return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let filled = 0; // bytes in `into`; past its end (more than declared) the rest are chunks
        const cleanup = () => {
          req.off('data', onData);
          req.off('end', onEnd);
          req.off('error', onError);
        };
        const onData = (chunk: Buffer) => {
          if (into && chunks.length === 0 && filled + chunk.length <= into.length) {
            into.set(chunk, filled);
            filled += chunk.length;
          } else chunks.push(chunk);
          size += chunk.length;
          if (size > limit) {
            cleanup();
            abandoned = true;
            reject(new BodyTooLargeError(limit));
          }
        };
        const onEnd = () => {
          cleanup();
          if (into && filled === into.length && chunks.length === 0) resolve(into);
          else if (!into) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
          else resolve(Buffer.concat([into.subarray(0, filled), ...chunks])); // not the declared length: unaligned
        };
        const onError = (e: Error) => {
          cleanup();
          reject(new ClientClosedError(e));
        };
        req.on('data', onData);
        req.on('end', onEnd);
        req.on('error', onError);
      });
    },
  };
}

/** `size` bytes whose byte `alignAt` starts at an 8-byte boundary of their buffer. */
function alignedBuffer(size: number, alignAt: number): Uint8Array {
  const pad = (8 - (alignAt % 8)) % 8;
  return new Uint8Array(new ArrayBuffer(size + pad), pad, size);
}

const isParts = (body: string | Uint8Array | readonly Uint8Array[]): body is readonly Uint8Array[] => Array.isArray(body);

export async function writeResponse(res: ServerResponse, response: RestResponse, request: NodeRestRequest, compression: CompressionPolicy): Promise<void> {
  const encoded = await encodeResponse(response, request.header('accept-encoding'), compression);
  const headers: Record<string, string | number> = { ...encoded.headers };
  const { body } = encoded;
  if (body !== null) headers['Content-Length'] = typeof body === 'string' ? Buffer.byteLength(body) : isParts(body) ? partsLength(body) : body.byteLength;
  // A refused body is never read: close rather than drain it to keep the connection.
  if (request.abandonedBody) headers.Connection = 'close';
  res.writeHead(response.status, headers);
  if (body === null || !isParts(body)) {
    res.end(body ?? undefined);
    return;
  }
  // Binary parts are written as they are (the tensors' own bytes): no copy to join them.
  for (const part of body) res.write(part);
  res.end();
}
