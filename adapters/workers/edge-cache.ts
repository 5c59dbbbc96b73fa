// Opt-in edge caching of predictions: for the models named in EDGESERVE_CACHE_MODELS (whose
// versions must be deterministic), an identical predict body to the same model version is
// answered from the Workers Cache API. The key is model, version and the body's SHA-256, so a
// new version never serves an old answer. `x-edgeserve-cache: hit|miss` says which happened.
import type { Edgeserve } from '../../functions/app.ts';
import { BodyTooLargeError, fromFetchRequest, toFetchResponse, type RestRequest } from '../../functions/http/exchange.ts';
import { giveWay } from '../../functions/util/time-slicer.ts';
import { parseRestCall } from '../../functions/rest/url-grammar.ts';

export interface CacheLike {
  match(key: Request): Promise<Response | undefined>;
  put(key: Request, response: Response): Promise<void>;
}

const CACHE_HOST = 'https://edgeserve-predict-cache.internal';

export async function cachedPredict(
  request: Request,
  edgeserve: Edgeserve,
  cache: CacheLike,
  cachedModels: ReadonlySet<string>,
  ctx: { waitUntil(p: Promise<unknown>): void },
  next: (request: Request) => Promise<Response>,
): Promise<Response> {
  if (request.method !== 'POST' || cachedModels.size === 0) return next(request);
  let call;
  try {
    const url = new URL(request.url);
    call = parseRestCall('POST', url.pathname + url.search);
  } catch {
    return next(request); // not a predict URL: the handler answers with TF Serving's error
  }
  if (call.api !== 'predict' || !cachedModels.has(call.model)) return next(request);
  // A cached answer is still only for callers allowed this model: anyone else goes to the handler,
  // which answers the 401/403/429.
  const guard = edgeserve.guard;
  const path = new URL(request.url).pathname;
  const access = guard && (await guard.authenticate((n) => request.headers.get(n), path));
  if (access && (!access.ok || !guard!.permits(access.principal, 'predict', call.model))) return next(request);
  const background = { waitUntil: (p: Promise<unknown>) => ctx.waitUntil(p) };
  // The body is read and hashed while the version is looked up (neither waits for the other).
  const rest = fromFetchRequest(request);
  const hashed = bodyAndHash(rest, edgeserve.maxBodyBytes);
  hashed.catch(() => {}); // a failure is answered below, after the version
  // The version that would serve this request now, looked up without loading it: a hit on a fresh
  // isolate costs no onnxruntime start and no model load. Errors fall through. A routed model is
  // never cached: its version depends on the user, which the key cannot see.
  let version: number | undefined;
  try {
    if (!(await edgeserve.manager.modelConfig(call.model, background))?.routing) {
      version = await edgeserve.manager.expectedVersion(call.model, call.selector, background);
    }
  } catch {
    version = undefined;
  }
  let body: Uint8Array<ArrayBuffer>;
  let hash: string;
  try {
    ({ body, hash } = await hashed);
  } catch (e) {
    // Past the handler's limit, the handler gives its own 413 (logged and counted).
    if (!(e instanceof BodyTooLargeError)) throw e;
    return toFetchResponse(await edgeserve.handle({ ...rest, readBody: () => Promise.reject(e) }));
  }
  if (version === undefined) return next(new Request(request, { body }));
  const key = new Request(`${CACHE_HOST}/${encodeURIComponent(call.model)}/${version}/${hash}`);
  const hit = await cache.match(key);
  edgeserve.metrics.cacheHits.inc([call.model, hit ? 'hit' : 'miss']);
  // A hit is a served request: it takes from the caller's rate like any other.
  if (hit && access?.ok && !guard!.authorize(access.principal, 'predict', path, call.model).ok) return next(new Request(request, { body }));
  if (hit) {
    // A persisted listing's real one starts after this answer is handed over (a hit touched no storage).
    ctx.waitUntil(giveWay().then(() => edgeserve.manager.listingFollowUp(background)));
    return withCacheHeader(hit, 'hit');
  }
  const response = await next(new Request(request, { body }));
  if (response.status === 200 && response.headers.get('x-model-version') === String(version) && !response.headers.has('x-edgeserve-arm')) {
    const stored = withCacheHeader(response.clone(), 'hit');
    stored.headers.set('Cache-Control', 'max-age=86400');
    ctx.waitUntil(cache.put(key, stored));
  }
  return withCacheHeader(response, 'miss');
}

/** The body, read under the handler's limit, and its SHA-256 in hex. */
async function bodyAndHash(rest: RestRequest, limit: number): Promise<{ body: Uint8Array<ArrayBuffer>; hash: string }> {
  const body = (await rest.readBody(limit)) as Uint8Array<ArrayBuffer>;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', body));
  return { body, hash: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('') };
}

function withCacheHeader(response: Response, state: 'hit' | 'miss'): Response {
  const copy = new Response(response.body, response);
  copy.headers.set('x-edgeserve-cache', state);
  return copy;
}
