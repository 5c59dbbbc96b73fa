// Offload: a model (or a routing arm) whose config names a remote backend (the GPU container) is
// served by forwarding the request, unchanged, to a server speaking the same protocol. Bounded by
// a timeout; retried once only when the connection was refused (the request never left), so a
// request is never run twice. Failures are RemoteBackendErrors, which protocols answer 502 / 504.
import type { RemoteBackend } from '../config/remote-backend.ts';
import { ServingError } from '../util/status.ts';

/** The request as received, to be sent on as it is. */
export interface ForwardRequest {
  readonly method: string;
  readonly pathAndQuery: string;
  /** Text (TF Serving's JSON), or bytes (V2's binary tensors); undefined: no body. */
  readonly body: string | Uint8Array | undefined;
  /** Headers the body needs (V2's Content-Type and Inference-Header-Content-Length); default: JSON's type. */
  readonly headers?: Record<string, string>;
}

export interface ForwardedResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string | null;
  /** A binary answer (application/octet-stream), as bytes (one part); `body` is then null. */
  readonly bytes?: readonly Uint8Array[];
}

/** The remote backend did not answer in time (504) or could not be reached (502). */
export class RemoteBackendError extends ServingError {
  constructor(
    private readonly status: 502 | 504,
    message: string,
  ) {
    super(status === 504 ? 'DEADLINE_EXCEEDED' : 'UNAVAILABLE', message);
    this.name = 'RemoteBackendError';
  }

  override get httpStatus(): number {
    return this.status;
  }
}

/** Response headers worth passing back to the client. */
const PASSED_HEADERS = ['content-type', 'x-model-version', 'server-timing', 'x-cold-start', 'x-edgeserve-arm', 'inference-header-content-length'];

/** Whether a Content-Type is application/octet-stream, in any case, with or without parameters. */
function isOctetStream(contentType: string | undefined): boolean {
  return contentType !== undefined && contentType.split(';', 1)[0]!.trim().toLowerCase() === 'application/octet-stream';
}

export async function forward(remote: RemoteBackend, request: ForwardRequest, fetchImpl: typeof fetch = fetch): Promise<ForwardedResponse> {
  const url = remote.url.replace(/\/+$/, '') + request.pathAndQuery;
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetchImpl(url, {
        method: request.method,
        body: request.body as BodyInit | undefined,
        headers: request.body === undefined ? {} : (request.headers ?? { 'Content-Type': 'application/json' }),
        signal: AbortSignal.timeout(remote.timeoutMs),
      });
      const headers: Record<string, string> = {};
      for (const name of PASSED_HEADERS) {
        const v = res.headers.get(name);
        if (v !== null) headers[name] = v;
      }
      headers['x-edgeserve-offload'] = remote.url;
      if (isOctetStream(headers['content-type'])) return { status: res.status, headers, body: null, bytes: [new Uint8Array(await res.arrayBuffer())] };
      return { status: res.status, headers, body: await res.text() };
    } catch (e) {
      const error = e as Error & { cause?: { code?: string } };
      if (error.name === 'TimeoutError' || error.name === 'AbortError') {
        throw new RemoteBackendError(504, `Remote backend ${remote.url} did not answer within ${remote.timeoutMs} ms`);
      }
      if (error.cause?.code === 'ECONNREFUSED' && attempt < 2) continue; // never reached it: safe to retry
      throw new RemoteBackendError(502, `Remote backend ${remote.url} is unreachable: ${error.cause?.code ?? error.message}`);
    }
  }
}
