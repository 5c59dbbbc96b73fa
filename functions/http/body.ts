// The request body as TF Serving reads it: whole, gunzipped when `Content-Encoding` contains
// "gzip" (a body that fails to gunzip counts as empty), within edgeserve's size limit, which
// applies to the inflated size too so that a gzip bomb is refused. Past the first MiB, a gzip body
// may also inflate only so many times its own size: TF Serving caps decompression at 100 MiB, but
// a 32 KB upload that becomes 32 MB of JSON is work an anonymous caller should not get for free.
import { BodyTooLargeError, readStream, type RestRequest } from './exchange.ts';

const utf8 = new TextDecoder();

/** Inflated bodies up to this size are never refused for their ratio (small JSON compresses well). */
const RATIO_FREE_BYTES = 1024 * 1024;

export interface BodyLimits {
  /** Bytes, after gunzip too. */
  readonly maxBytes: number;
  /** The largest inflated/compressed size ratio past RATIO_FREE_BYTES. */
  readonly maxGzipRatio: number;
}

export class GzipRatioError extends BodyTooLargeError {
  constructor(limit: number, ratio: number) {
    super(limit);
    this.message = `Request body inflates more than ${ratio} times its gzip size (--max_gzip_ratio)`;
    this.name = 'GzipRatioError';
  }
}

/** The body as text (UTF-8, invalid bytes replaced). Throws BodyTooLargeError. */
export async function readBodyText(request: RestRequest, limits: BodyLimits): Promise<string> {
  return utf8.decode(await readBodyBytes(request, limits));
}

/**
 * The body as bytes, gunzipped as readBodyText does (a body that fails to gunzip is empty).
 * `alignAt`: see RestRequest.readBody (it applies to a body that arrives uncompressed).
 */
export async function readBodyBytes(request: RestRequest, limits: BodyLimits, alignAt?: number): Promise<Uint8Array> {
  const gzipped = (request.header('content-encoding') ?? '').includes('gzip');
  const raw = await request.readBody(limits.maxBytes, gzipped ? undefined : alignAt);
  if (!gzipped) return raw;
  const ratioLimit = Math.max(RATIO_FREE_BYTES, raw.byteLength * limits.maxGzipRatio);
  const limit = Math.min(limits.maxBytes, ratioLimit);
  try {
    const inflated = new Blob([raw as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
    return await readStream(inflated, limit);
  } catch (e) {
    if (e instanceof BodyTooLargeError) throw limit < limits.maxBytes ? new GzipRatioError(limit, limits.maxGzipRatio) : e;
    return new Uint8Array(0);
  }
}
