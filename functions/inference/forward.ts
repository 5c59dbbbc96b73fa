// Offload: a model whose config names a remote backend (the GPU container) is served by
// forwarding the request, unchanged, over the same TF Serving REST contract. Bounded by a
// timeout; retried once only when the connection was refused (the request never left), so a
// request is never run twice; failures are TF-Serving-style JSON errors (502 / 504).
import type { RemoteBackend } from '../config/remote-backend.ts';
import type { RestResponse } from '../rest/exchange.ts';
import { errorBody } from '../rest/responses.ts';

/** Response headers worth passing back to the client. */
const PASSED_HEADERS = ['content-type', 'x-model-version', 'server-timing', 'x-cold-start', 'x-edgeserve-arm'];

export async function forward(
  remote: RemoteBackend,
  method: string,
  pathAndQuery: string,
  body: string | undefined,
  fetchImpl: typeof fetch = fetch,
): Promise<RestResponse> {
  const url = remote.url.replace(/\/+$/, '') + pathAndQuery;
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetchImpl(url, {
        method,
        body,
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        signal: AbortSignal.timeout(remote.timeoutMs),
      });
      const headers: Record<string, string> = {};
      for (const name of PASSED_HEADERS) {
        const v = res.headers.get(name);
        if (v !== null) headers[name] = v;
      }
      headers['x-edgeserve-offload'] = remote.url;
      return { status: res.status, headers, body: await res.text() };
    } catch (e) {
      const error = e as Error & { cause?: { code?: string } };
      if (error.name === 'TimeoutError' || error.name === 'AbortError') {
        return jsonError(504, `Remote backend ${remote.url} did not answer within ${remote.timeoutMs} ms`);
      }
      if (error.cause?.code === 'ECONNREFUSED' && attempt < 2) continue; // never reached it: safe to retry
      return jsonError(502, `Remote backend ${remote.url} is unreachable: ${error.cause?.code ?? error.message}`);
    }
  }
}

function jsonError(status: number, message: string): RestResponse {
  return { status, headers: { 'Content-Type': 'application/json' }, body: errorBody(message) };
}
