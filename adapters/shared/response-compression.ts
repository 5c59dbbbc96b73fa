// Response compression for the platforms that answer clients themselves (Node, Lambda; on Workers
// Cloudflare's edge compresses). TF Serving never compresses, and its clients keep working: a
// body is compressed only when the request's Accept-Encoding allows it, and only from a size on.
// Measured (`npm run bench`, the 16 MiB 2×40×6625 float32 answer in TF Serving's format): brotli
// quality 1 takes ~75 ms and shrinks it 4.4×, gzip level 1 ~120 ms for 4.2×, against ~1 s to send
// the saved 13 MB at 100 Mbit/s; at 64 KiB, 0.2 / 0.4 ms against 4 ms. Below that the fixed cost
// (~50 µs) buys too little on a fast link. Brotli is preferred where the client takes both. zlib's async calls run on libuv's pool: the event loop is
// not blocked while a big answer compresses.
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { bodyLength, joinParts, type RestResponse } from '../../functions/http/exchange.ts';

export type ContentCoding = 'br' | 'gzip';

export interface CompressionPolicy {
  readonly enabled: boolean;
  /** Bodies of at least this many bytes are compressed. */
  readonly minBytes: number;
}

export const DEFAULT_COMPRESSION: CompressionPolicy = { enabled: true, minBytes: 64 * 1024 };

/** The policy the option table's two settings give (unset: the defaults). */
export function compressionPolicy(values: { readonly compressResponses?: boolean; readonly compressMinBytes?: number }): CompressionPolicy {
  return { enabled: values.compressResponses ?? DEFAULT_COMPRESSION.enabled, minBytes: values.compressMinBytes ?? DEFAULT_COMPRESSION.minBytes };
}

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * The coding to answer with, from an Accept-Encoding value (RFC 9110 §12.5.3): the listed codings
 * with q > 0, `*` standing for any not listed; brotli first, then gzip; none: undefined.
 */
export function negotiateCoding(acceptEncoding: string | null): ContentCoding | undefined {
  if (acceptEncoding === null) return undefined;
  const q = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const weight = params.map((p) => /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    q.set(name, weight === undefined ? 1 : Number(weight));
  }
  const weightOf = (coding: ContentCoding) => q.get(coding) ?? q.get('*') ?? 0;
  for (const coding of ['br', 'gzip'] as const) if (weightOf(coding) > 0) return coding;
  return undefined;
}

export interface EncodedBody {
  readonly headers: Record<string, string>;
  /** The body to send: the text or the parts as they were, or their compressed bytes. */
  readonly body: string | readonly Uint8Array[] | Uint8Array | null;
}

/**
 * Raw tensor bytes (V2's binary answers) are sent as they are: float data barely compresses
 * (measured on the 2 MiB 2×40×6625 float32 ocr answer: brotli quality 1 saves 12 % in 26 ms,
 * gzip level 1 12 % in 74 ms, against the model's ~1.5 ms run), and the client that asked for
 * binary did so to skip work, not to add it.
 */
const UNCOMPRESSED_TYPES = new Set(['application/octet-stream']);

/**
 * The response's media type, lower-case and without parameters; the header looked up in any case
 * (edgeserve's own answers say Content-Type, forwarded ones keep fetch's content-type).
 */
function mediaTypeOf(headers: Record<string, string>): string {
  let value = headers['Content-Type'];
  if (value === undefined) {
    for (const [name, v] of Object.entries(headers)) if (name.toLowerCase() === 'content-type') value = v;
  }
  return (value ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

/** The response as it goes on the wire for this Accept-Encoding: compressed when that pays. */
export async function encodeResponse(response: RestResponse, acceptEncoding: string | null, policy: CompressionPolicy): Promise<EncodedBody> {
  const body = response.bytes ?? response.body;
  // A string's length bounds its UTF-8 size from below: the cheap test first.
  if (!policy.enabled || body === null || bodyLength(response) < policy.minBytes || UNCOMPRESSED_TYPES.has(mediaTypeOf(response.headers))) {
    return { headers: response.headers, body };
  }
  // Whether this answer is compressed depends on the request's header: caches must keep them apart.
  const headers = { ...response.headers, Vary: 'Accept-Encoding' };
  const coding = negotiateCoding(acceptEncoding);
  if (coding === undefined) return { headers, body };
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : joinParts(body);
  const compressed = coding === 'br'
    ? await brotli(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 1, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } })
    : await gzipAsync(bytes, { level: 1 });
  return { headers: { ...headers, 'Content-Encoding': coding }, body: compressed };
}
