// The request body as TF Serving reads it: whole, gunzipped when `Content-Encoding` contains
// "gzip" (a body that fails to gunzip counts as empty), within edgeserve's size limit, which
// applies to the inflated size too so that a gzip bomb is refused.
import { BodyTooLargeError, readStream, type RestRequest } from './exchange.ts';

const utf8 = new TextDecoder();

/** The body as text (UTF-8, invalid bytes replaced). Throws BodyTooLargeError. */
export async function readBodyText(request: RestRequest, limit: number): Promise<string> {
  const raw = await request.readBody(limit);
  if (!(request.header('content-encoding') ?? '').includes('gzip')) return utf8.decode(raw);
  try {
    const inflated = new Blob([raw as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
    return utf8.decode(await readStream(inflated, limit));
  } catch (e) {
    if (e instanceof BodyTooLargeError) throw e;
    return '';
  }
}
