// The Open Inference Protocol's REST targets (KServe's v2 and Triton's paths, with Triton's model
// repository extension). Unlike TF Serving's grammar they are case-sensitive, as the protocol says
// of every string, and the query string plays no part. Model names are percent-decoded as TF
// Serving's are, so both protocols name a model the same way.
import type { VersionSelector } from '../serving/servable-request.ts';
import { invalidArgument, notFound, ServingError } from '../util/status.ts';
import { decodeName } from '../http/names.ts';

export type V2Route =
  | { readonly kind: 'live' | 'ready' }
  | { readonly kind: 'server' | 'repository-index' }
  | { readonly kind: 'model-metadata' | 'model-ready' | 'infer'; readonly model: string; readonly selector: VersionSelector }
  | { readonly kind: 'load' | 'unload'; readonly model: string };

const MODEL = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(?:\/(ready|infer))?$/;
const REPOSITORY_MODEL = /^\/v2\/repository\/models\/([^/]+)\/(load|unload)$/;
const INT64_MAX = 2n ** 63n - 1n;

/** `/v2`, and everything under `/v2/`. */
export function isV2Path(pathAndQuery: string): boolean {
  return pathAndQuery.startsWith('/v2') && (pathAndQuery.length === 3 || pathAndQuery[3] === '/' || pathAndQuery[3] === '?');
}

/** A known target asked for with another method: 405, with the method it takes (and Allow, RFC 9110 §15.5.6). */
export class MethodNotAllowedError extends ServingError {
  constructor(readonly allowed: 'GET' | 'POST', method: string, path: string) {
    super('UNIMPLEMENTED', `Method ${method} is not allowed for ${path}; use ${allowed}`);
  }

  /** Allow lists the methods the target takes (GET implies HEAD). */
  override get headers(): Record<string, string> {
    return { Allow: this.allowed === 'GET' ? 'GET, HEAD' : 'POST' };
  }

  override get httpStatus(): number {
    return 405;
  }
}

/** The target's route, checked against the method; throws 404 for a target the protocol lacks. */
export function parseV2Route(method: string, pathAndQuery: string): V2Route {
  const query = pathAndQuery.indexOf('?');
  const path = query < 0 ? pathAndQuery : pathAndQuery.slice(0, query);
  const route = routeOf(path);
  if (route === undefined) throw notFound(`Not found: ${path.slice(0, 200)}`);
  const wanted = route.kind === 'infer' || route.kind === 'repository-index' || route.kind === 'load' || route.kind === 'unload' ? 'POST' : 'GET';
  // HEAD is GET without a body; the adapters' platforms drop the body of a HEAD answer.
  if (method !== wanted && !(wanted === 'GET' && method === 'HEAD')) throw new MethodNotAllowedError(wanted, method, path.slice(0, 200));
  return route;
}

function routeOf(path: string): V2Route | undefined {
  switch (path) {
    case '/v2': case '/v2/': return { kind: 'server' };
    case '/v2/health/live': return { kind: 'live' };
    case '/v2/health/ready': return { kind: 'ready' };
    case '/v2/repository/index': return { kind: 'repository-index' };
  }
  const m = MODEL.exec(path);
  if (m) {
    const kind = m[3] === 'infer' ? 'infer' : m[3] === 'ready' ? 'model-ready' : 'model-metadata';
    return { kind, model: decodeName(m[1]!), selector: selector(m[2]) };
  }
  const r = REPOSITORY_MODEL.exec(path);
  if (r) return { kind: r[2] === 'load' ? 'load' : 'unload', model: decodeName(r[1]!) };
  return undefined;
}

function selector(version: string | undefined): VersionSelector {
  if (version === undefined) return { kind: 'latest' };
  if (!/^\d{1,19}$/.test(version) || BigInt(version) > INT64_MAX) {
    throw invalidArgument(`Model version must be a non-negative 64-bit integer, got: ${decodeName(version).slice(0, 40)}`);
  }
  const v = BigInt(version);
  // Exact above 2^53 too, for the error text (as TF Serving's side keeps it).
  return { kind: 'version', version: v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v };
}
