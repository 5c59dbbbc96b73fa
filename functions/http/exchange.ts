// The request/response pair the REST layer works on. Workers and Lambda (through hono) hand in a
// Fetch Request; the Node server hands in node:http's message directly, because on Node 20
// building a Fetch Request and Response costs ~30 µs per call, more than the rest of the layer.

export interface RestRequest {
  readonly method: string;
  /** The request target as sent: path and query, not percent-decoded. */
  readonly pathAndQuery: string;
  /** A header value by lower-case name, or null. */
  header(name: string): string | null;
  /**
   * The raw body; rejects with BodyTooLargeError once more than `limit` bytes arrive. `alignAt`: a
   * byte offset the caller will view typed arrays from (V2's binary tensors), which a platform that
   * copies the body anyway places at an 8-byte boundary, so that the tensors need no second copy.
   */
  readBody(limit: number, alignAt?: number): Promise<Uint8Array>;
  /** Keeps background work (refresh, loads) alive after the response, where the platform can. */
  waitUntil?(work: Promise<unknown>): void;
  /** false where nothing may run after the response (a frozen Lambda environment). */
  readonly background?: boolean;
}

export interface RestResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** null: no body at all (CORS preflight), or the body is `bytes`. */
  readonly body: string | null;
  /**
   * A binary body (V2's binary tensors), in parts sent one after another, so that an output
   * tensor's bytes go out as the runtime made them (Node writes each part; a platform that needs
   * one buffer joins them). `body` is then null. A field of its own rather than a wider `body`, so
   * that every reader of a text body keeps its type.
   */
  readonly bytes?: readonly Uint8Array[];
}

/** The body's size in bytes when it is binary (`bytes`), else its text's length. */
export function bodyLength(response: RestResponse): number {
  return response.bytes ? partsLength(response.bytes) : (response.body?.length ?? 0);
}

export function partsLength(parts: readonly Uint8Array[]): number {
  let n = 0;
  for (const p of parts) n += p.byteLength;
  return n;
}

/** The parts as one buffer: the one part itself, or a copy of them all. */
export function joinParts(parts: readonly Uint8Array[]): Uint8Array {
  return parts.length === 1 ? parts[0]! : concatBytes(parts, partsLength(parts));
}

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body is larger than the limit of ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** The client went away before its body arrived: nobody to answer, nothing to log as a fault. */
export class ClientClosedError extends Error {
  constructor(cause: unknown) {
    super('client closed the request', { cause });
    this.name = 'ClientClosedError';
  }
}

export function fromFetchRequest(request: Request, waitUntil?: (work: Promise<unknown>) => void): RestRequest {
  return {
    waitUntil,
    method: request.method,
    pathAndQuery: rawPathAndQuery(request.url),
    header: (name) => request.headers.get(name),
    async readBody(limit) {
      const declared = Number(request.headers.get('content-length') ?? NaN);
      if (declared > limit) throw new BodyTooLargeError(limit);
      if (request.body === null) return new Uint8Array(0);
      // With a declared length the platform has framed the body already: one read is cheapest.
      if (Number.isFinite(declared)) return new Uint8Array(await request.arrayBuffer());
      return readStream(request.body, limit);
    },
  };
}

export function toFetchResponse(response: RestResponse): Response {
  // A Blob of the parts: the platform copies them into one body (the one copy of the output).
  const body = response.bytes ? new Blob(response.bytes as Uint8Array<ArrayBuffer>[]) : response.body;
  return new Response(body, { status: response.status, headers: response.headers });
}

/** Reads a byte stream to the end, giving up (and cancelling it) past `limit` bytes. */
export async function readStream(stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  return concatBytes(chunks, size);
}

export function concatBytes(chunks: readonly Uint8Array[], size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

function rawPathAndQuery(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start < 0) return '/';
  const hash = url.indexOf('#', start);
  return hash < 0 ? url.slice(start) : url.slice(start, hash);
}
