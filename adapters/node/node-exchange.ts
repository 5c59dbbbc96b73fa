// node:http message ⇄ the REST layer's request/response, without building Fetch objects.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { encodeResponse, type CompressionPolicy } from '../shared/response-compression.ts';
import { BodyTooLargeError, ClientClosedError, partsLength, type RestRequest, type RestResponse } from '../../functions/http/exchange.ts';

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
      // The headers alone reserve at most PRESIZE_BYTES (a stalled client must not pin up to the
      // body limit); past that the buffer grows as bytes arrive, its layout kept.
      const into = alignAt !== undefined && Number.isSafeInteger(declared) && declared > 0 ? new AlignedBody(declared, alignAt) : undefined;
      return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const cleanup = () => {
          req.off('data', onData);
          req.off('end', onEnd);
          req.off('error', onError);
        };
        const onData = (chunk: Buffer) => {
          if (!into || chunks.length > 0 || !into.add(chunk)) chunks.push(chunk); // past the declared length: chunks
          size += chunk.length;
          if (size > limit) {
            cleanup();
            abandoned = true;
            reject(new BodyTooLargeError(limit));
          }
        };
        const onEnd = () => {
          cleanup();
          if (into && into.complete && chunks.length === 0) resolve(into.bytes());
          else if (!into) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
          else resolve(Buffer.concat([into.bytes(), ...chunks])); // not the declared length: unaligned
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

/** What a declared Content-Length reserves before any byte arrives; a bigger body grows into place. */
export const PRESIZE_BYTES = 4 * 1024 * 1024;

/**
 * A body of a declared length filled chunk by chunk, in a buffer whose byte `alignAt` (of the body)
 * is at an 8-byte boundary: pre-sized up to PRESIZE_BYTES, doubled (up to the declared length) as
 * bytes arrive, each copy at the same padding.
 */
class AlignedBody {
  private readonly pad: number;
  private buffer: Uint8Array;
  private filled = 0;

  constructor(
    private readonly declared: number,
    alignAt: number,
  ) {
    this.pad = (8 - (alignAt % 8)) % 8;
    this.buffer = this.allocate(Math.min(declared, PRESIZE_BYTES));
  }

  get complete(): boolean {
    return this.filled === this.declared;
  }

  /** Appends a chunk; false (nothing taken) when it would go past the declared length. */
  add(chunk: Uint8Array): boolean {
    const end = this.filled + chunk.length;
    if (end > this.declared) return false;
    if (end > this.buffer.length) {
      const grown = this.allocate(Math.min(this.declared, Math.max(end, this.buffer.length * 2)));
      grown.set(this.buffer.subarray(0, this.filled));
      this.buffer = grown;
    }
    this.buffer.set(chunk, this.filled);
    this.filled = end;
    return true;
  }

  /** The bytes so far, aligned as laid out. */
  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.filled);
  }

  private allocate(size: number): Uint8Array {
    return new Uint8Array(new ArrayBuffer(size + this.pad), this.pad, size);
  }
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
