// The TF Serving REST surface as one handler over RestRequest/RestResponse: the same code answers
// in workerd, Lambda and Node. Bad input of any kind ends here as TF Serving's status code and
// `{"error": …}` body.
import type { RequestSink } from '../metrics/request-record.ts';
import type { Logger } from '../util/log.ts';
import { ServingError, type StatusCode } from '../util/status.ts';
import type { AccessGuard, Denial } from '../auth/access-guard.ts';
import { ResponseTooLargeError } from '../codec/response-limit.ts';
import { adminPage, isAdminPage, probePage, type AdminOptions } from './admin.ts';
import { dispatch, type DispatchOptions } from './dispatch.ts';
import { BodyTooLargeError, ClientClosedError, type RestRequest, type RestResponse } from '../http/exchange.ts';
import type { Protocol } from '../http/protocol.ts';
import { requestRecord, serverTiming, type RestScope } from '../http/request-log.ts';
import { errorBody, errorResponse, jsonResponse, libeventErrorPage, preflightResponse } from '../http/responses.ts';
import { isRestPath, parseRestCall } from './url-grammar.ts';
import { basicChallenge, isDashboardPath } from './operator/operator-api.ts';

export { ROUTING_ADMIN_PATH } from './admin.ts';

export interface RestOptions extends DispatchOptions, AdminOptions {
  readonly logger: Logger;
  /** Authentication and scopes (the auth config); none: everyone may call everything. */
  readonly guard?: AccessGuard;
  /** TF Serving's --rest_api_enable_cors_support. */
  readonly cors: boolean;
  /** Where one record per /v1 (or other protocol's) request goes; none: no request log. */
  readonly requestSink?: RequestSink;
  /** Another protocol served beside TF Serving's (the Open Inference Protocol), by this same handler. */
  readonly protocol?: Protocol;
}

export const DEFAULT_REST_OPTIONS = {
  cors: false,
  maxBodyBytes: 32 * 1024 * 1024,
  maxGzipRatio: 100,
  // 32 MiB of float32: about the default body limit's worth, so decoded tensors stay near its size.
  maxRequestElements: 8 * 1024 * 1024,
  maxResponseBytes: 64 * 1024 * 1024,
  timeoutMs: 30_000,
} as const;

/** The request_count label of every model name the repository does not know. */
export const UNKNOWN_MODEL_LABEL = '(unknown)';

/** The methods libevent accepts; any other gets its 501 page. */
const HTTP_METHODS = new Set(['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']);

export type RestHandler = (request: RestRequest) => Promise<RestResponse>;

export function createRestHandler(options: RestOptions): RestHandler {
  const { metrics, guard, protocol: other } = options;
  const probeOptions = { ...options, authenticated: guard !== undefined };
  return async (request) => {
    const started = performance.now();
    const { method, pathAndQuery: path } = request;
    if (!HTTP_METHODS.has(method)) return libeventErrorPage(501);
    const waitUntil = request.waitUntil && ((work: Promise<unknown>) => request.waitUntil!(work));
    const protocol = other?.owns(path) ? other : undefined;
    const probe = protocol ? protocol.probe(method, path, guard !== undefined) : probePage(method, path, probeOptions);
    if (probe) return probe;
    if (!protocol && isAdminPage(method, path, options)) {
      const access = guard && (await guard.authenticate((n) => request.header(n), path));
      const allowed = access?.ok ? guard!.authorize(access.principal, 'admin', path) : access;
      if (allowed && !allowed.ok) return denialResponse(isDashboardPath(path, options) ? basicChallenge(allowed) : allowed, options);
      const mayUse = (name: string) => !allowed || guard!.permits(allowed.principal, 'admin', name);
      return adminPage(path, options, { mayUse, waitUntil });
    }
    if (!protocol && !isRestPath(path)) return libeventErrorPage(404);
    if (method === 'OPTIONS') return preflightResponse(request.header('origin'), options);
    const deny = (d: Denial) => (protocol ? protocol.errorResponse(d.status, d.message, d.headers) : denialResponse(d, options));
    // Who is calling, before anything is parsed or read for them.
    const access = guard && (await guard.authenticate((n) => request.header(n), path));
    if (access && !access.ok) return deny(access);
    const requestId = requestIdOf(request);
    const scope: RestScope = {
      header: (name) => request.header(name),
      waitUntil,
      background: request.background !== false,
      mayUse: (name) => !access || guard!.permits(access.principal, 'predict', name),
    };
    let model = '';
    let api = '';
    let status: StatusCode = 'OK';
    let response: RestResponse;
    const errorOf = (httpStatus: number, message: string) =>
      protocol ? protocol.errorResponse(httpStatus, message) : jsonResponse(httpStatus, errorBody(message), options);
    try {
      const call = protocol ? protocol.route(method, path) : parseRestCall(method, path);
      model = call.model;
      const needs = 'scope' in call ? call.scope : 'predict';
      const allowed = access && guard!.authorize(access.principal, needs, path, call.model || undefined);
      if (allowed && !allowed.ok) return deny(allowed);
      if ('answer' in call) {
        api = call.api;
        response = await call.answer(request, scope);
      } else {
        // TF Serving's API label: the verb for POSTs, "" for GET status, metadata and the model list.
        api = call.api === 'status' || call.api === 'metadata' || call.api === 'list' ? '' : call.api;
        response = await dispatch(call, request, scope, options);
      }
      metrics.requestLatency.observe([model, api, protocol?.entrypoint ?? 'REST'], (performance.now() - started) * 1000);
    } catch (e) {
      if (e instanceof ServingError) {
        status = e.code;
        response = protocol ? protocol.errorResponse(e.httpStatus, e.message, e.headers) : errorResponse(e, options);
      } else if (e instanceof BodyTooLargeError || e instanceof ResponseTooLargeError) {
        status = 'RESOURCE_EXHAUSTED';
        response = errorOf(413, e.message);
      } else if (e instanceof ClientClosedError) {
        status = 'CANCELLED';
        response = errorOf(499, e.message);
      } else {
        status = 'INTERNAL';
        options.logger.log('error', 'internal_error', { request_id: requestId, method, path, error: e instanceof Error ? e.stack : String(e) });
        response = errorOf(500, 'Internal error');
      }
    }
    // Only names the repository knows become series: anyone can send a million made-up ones.
    metrics.requestCount.inc([model === '' || options.manager.knows(model) ? model : UNKNOWN_MODEL_LABEL, status]);
    response.headers['x-request-id'] = requestId;
    const totalMs = performance.now() - started;
    if (scope.cold !== undefined || scope.runMs !== undefined) {
      response.headers['Server-Timing'] = serverTiming(scope, totalMs);
      if (scope.cold !== undefined) response.headers['x-cold-start'] = '1';
    }
    options.requestSink?.(requestRecord(scope, { requestId, method, path, model, api, status, response, totalMs }));
    return response;
  };
}

/**
 * The id a request is known by in logs and in its response: the caller's `x-request-id` (if it is
 * a short printable token), else the trace id of a W3C `traceparent`, else a new UUID.
 */
function requestIdOf(request: RestRequest): string {
  const given = request.header('x-request-id');
  if (given !== null && /^[\x21-\x7e]{1,128}$/.test(given)) return given;
  const trace = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(request.header('traceparent') ?? '')?.[1];
  if (trace !== undefined && trace !== '0'.repeat(32)) return trace;
  return crypto.randomUUID();
}

/** 401, 403 or 429 as a JSON error, with the challenge or Retry-After header. */
function denialResponse(denial: Denial, options: RestOptions): RestResponse {
  return jsonResponse(denial.status, errorBody(denial.message), options, denial.headers);
}
