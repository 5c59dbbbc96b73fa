// API Gateway (REST v1, HTTP API v2), Function URL and ALB events ⇄ the REST layer's
// request/response, without building Fetch objects (which cost more than the whole REST layer on
// Node; same reason as the Node server). Query strings are rebuilt from what each source keeps.
import type { ALBEvent, ALBResult, APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyResult, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { BodyTooLargeError, joinParts, type RestRequest, type RestResponse } from '../../functions/http/exchange.ts';
import { errorBody } from '../../functions/http/responses.ts';
import { DEFAULT_COMPRESSION, encodeResponse, type CompressionPolicy } from '../shared/response-compression.ts';

const NO_COMPRESSION: CompressionPolicy = { enabled: false, minBytes: Infinity };

type HttpEvent = APIGatewayProxyEventV2 | APIGatewayProxyEvent | ALBEvent;
export type HttpResult = APIGatewayProxyStructuredResultV2 | APIGatewayProxyResult | ALBResult;

const isV2 = (e: HttpEvent): e is APIGatewayProxyEventV2 => (e as APIGatewayProxyEventV2).version === '2.0';
const isAlb = (e: HttpEvent): e is ALBEvent => 'elb' in ((e as ALBEvent).requestContext ?? {});

export function restRequestFromEvent(event: HttpEvent): RestRequest {
  const headers = new Map<string, string>();
  let method: string;
  let pathAndQuery: string;
  if (isV2(event)) {
    method = event.requestContext.http.method;
    pathAndQuery = event.rawQueryString ? `${event.rawPath}?${event.rawQueryString}` : event.rawPath;
    for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers.set(k.toLowerCase(), v);
    if (event.cookies?.length) headers.set('cookie', event.cookies.join('; '));
  } else {
    method = event.httpMethod;
    const multi = event.multiValueQueryStringParameters;
    const single = event.queryStringParameters;
    const pairs: string[] = [];
    // ALB passes query values as received (still encoded); API Gateway v1 decodes them.
    const encode = isAlb(event) ? (s: string) => s : encodeURIComponent;
    if (multi) for (const [k, vs] of Object.entries(multi)) for (const v of vs ?? []) pairs.push(`${encode(k)}=${encode(v)}`);
    else if (single) for (const [k, v] of Object.entries(single)) pairs.push(`${encode(k)}=${encode(v ?? '')}`);
    pathAndQuery = pairs.length ? `${event.path}?${pairs.join('&')}` : event.path;
    const multiHeaders = event.multiValueHeaders;
    // Cookies split over several values join with "; " (the Cookie header's own separator).
    if (multiHeaders) for (const [k, vs] of Object.entries(multiHeaders)) headers.set(k.toLowerCase(), (vs ?? []).join(k.toLowerCase() === 'cookie' ? '; ' : ', '));
    else for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers.set(k.toLowerCase(), v);
  }
  return {
    method,
    pathAndQuery,
    background: false, // the environment freezes once the result is returned
    header: (name) => headers.get(name) ?? null,
    async readBody(limit, alignAt) {
      const raw = event.body ?? '';
      // Checked before decoding, on the size the body decodes to: base64 is 4/3 of the bytes, and
      // the limit is on the body's bytes (Lambda's own 6 MB on the event is AWS's to enforce).
      if ((event.isBase64Encoded ? decodedLength(raw) : raw.length) > limit) throw new BodyTooLargeError(limit);
      const bytes = event.isBase64Encoded ? fromBase64(raw, alignAt ?? 0) : new TextEncoder().encode(raw);
      if (bytes.byteLength > limit) throw new BodyTooLargeError(limit);
      return bytes;
    },
  };
}

/** The bytes a base64 text decodes to: 3 per 4 characters, less its `=` padding. */
function decodedLength(text: string): number {
  let padding = 0;
  while (padding < 2 && text.charCodeAt(text.length - 1 - padding) === 0x3d) padding++;
  return Math.floor((text.length * 3) / 4) - padding;
}

/**
 * A base64 body decoded once, straight into a buffer where byte `alignAt` starts 8-aligned (V2's
 * binary tensors are then viewed, not copied again).
 */
function fromBase64(text: string, alignAt: number): Uint8Array {
  const pad = (8 - (alignAt % 8)) % 8;
  const buffer = Buffer.allocUnsafeSlow(pad + Math.ceil((text.length * 3) / 4));
  const written = buffer.write(text, pad, 'base64');
  return buffer.subarray(pad, pad + written);
}

const REASONS: Record<number, string> = { 200: 'OK', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 413: 'Payload Too Large', 429: 'Too Many Requests', 499: 'Client Closed Request', 500: 'Internal Server Error', 501: 'Not Implemented', 503: 'Service Unavailable', 504: 'Gateway Timeout' };

/**
 * Lambda fails a synchronous invocation whose result is over 6 MB (the client would get a bare 502
 * from API Gateway): such an answer is replaced by a JSON error that says so. The margin covers
 * the result's JSON framing and headers.
 */
export const MAX_RESULT_BODY_BYTES = 6 * 1024 * 1024 - 64 * 1024;

/**
 * The invocation's result: compressed where the client accepts it and the answer is big enough
 * (binary bodies go base64-encoded, as API Gateway, Function URLs and ALB expect), then held to
 * Lambda's payload limit as sent.
 */
export async function resultFromRestResponse(
  event: HttpEvent,
  response: RestResponse,
  acceptEncoding: string | null = null,
  compression: CompressionPolicy = DEFAULT_COMPRESSION,
): Promise<HttpResult> {
  // API Gateway's REST APIs (v1) pass a base64 body on as text unless binaryMediaTypes are set up,
  // which edgeserve cannot see: they get the text as it is.
  const v1 = !isV2(event) && !isAlb(event);
  const encoded = await encodeResponse(response, acceptEncoding, v1 ? NO_COMPRESSION : compression);
  // Bytes (compressed text, or a binary answer even on a REST API, whose binaryMediaTypes must then
  // list application/octet-stream) go base64-encoded, as API Gateway, Function URLs and ALB expect.
  const isBase64Encoded = encoded.body !== null && typeof encoded.body !== 'string';
  const sent = encoded.body === null ? '' : typeof encoded.body === 'string' ? encoded.body : base64Of(Array.isArray(encoded.body) ? joinParts(encoded.body) : (encoded.body as Uint8Array));
  const size = isBase64Encoded ? sent.length : Buffer.byteLength(sent);
  if (size > MAX_RESULT_BODY_BYTES) return result(event, tooLargeForLambda(response, size), false);
  return result(event, { status: response.status, headers: encoded.headers, body: sent }, isBase64Encoded);
}

function base64Of(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function result(event: HttpEvent, response: RestResponse, isBase64Encoded: boolean): HttpResult {
  const body = response.body ?? '';
  if (isAlb(event)) {
    // An ALB target group with multi-value headers on expects them back in the same form.
    const statusDescription = `${response.status} ${REASONS[response.status] ?? ''}`.trim();
    if (event.multiValueHeaders) {
      const multiValueHeaders = Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k, [v]]));
      return { statusCode: response.status, statusDescription, multiValueHeaders, body, isBase64Encoded };
    }
    return { statusCode: response.status, statusDescription, headers: response.headers, body, isBase64Encoded };
  }
  return { statusCode: response.status, headers: response.headers, body, isBase64Encoded };
}

function tooLargeForLambda(response: RestResponse, size: number): RestResponse {
  const message = `The response is ${size} bytes, more than AWS Lambda returns from a synchronous invocation (6 MB): ask for fewer instances, or send this model's traffic to the container`;
  return { status: 413, headers: { 'Content-Type': 'application/json', ...(response.headers['x-request-id'] ? { 'x-request-id': response.headers['x-request-id'] } : {}) }, body: errorBody(message) };
}
