// Reads a request body within a size limit, gunzipping it when TF Serving would
// (`Content-Encoding` containing "gzip"; a body that fails to gunzip counts as empty).

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body is larger than the limit of ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

const utf8 = new TextDecoder();

/** The body as text (UTF-8, invalid bytes replaced). Throws BodyTooLargeError. */
export async function readBodyText(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (declared > limit) throw new BodyTooLargeError(limit);
  const gzip = (request.headers.get('content-encoding') ?? '').includes('gzip');
  if (request.body === null) return '';
  if (!gzip && Number.isFinite(declared)) {
    // Framing is the server's job; with a declared length one read is cheapest.
    return utf8.decode(await request.arrayBuffer());
  }
  const raw = await readLimited(request.body, limit);
  if (!gzip) return utf8.decode(raw);
  try {
    const inflated = new Blob([raw]).stream().pipeThrough(new DecompressionStream('gzip'));
    return utf8.decode(await readLimited(inflated, limit));
  } catch (e) {
    if (e instanceof BodyTooLargeError) throw e;
    return '';
  }
}

async function readLimited(stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array<ArrayBuffer>> {
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
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}
