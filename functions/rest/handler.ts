// The TF Serving REST surface as one handler over RestRequest/RestResponse: the same code answers in workerd, Lambda
// and Node. Bad input of any kind ends here as TF Serving's status code and `{"error": …}` body.
import type { Logger } from '../util/log.ts';
import { MAX_LOGGED_BODY_CHARS, type RequestRecord, type RequestSink } from '../metrics/request-record.ts';
import type { ServingMetrics } from '../metrics/serving-metrics.ts';
import type { RoutingRegistry } from '../routing/routing-registry.ts';
import type { Manager } from '../serving/manager.ts';
import { readBodyText } from './body.ts';
import { BodyTooLargeError, ClientClosedError, type RestRequest, type RestResponse } from './exchange.ts';
import { classifyOrRegress } from './classify-regress.ts';
import { documentError } from '../codec/predict-request.ts';
import { JsonParseError, parseJson } from '../util/json/parse.ts';
import type { JsonObject } from '../util/json/value.ts';
import { modelMetadataBody, modelStatusBody } from './model-status.ts';
import { forward } from '../inference/forward.ts';
import { predict, type PredictContext } from './predict.ts';
import { errorBody, errorResponse, jsonResponse, libeventErrorPage, preflightResponse } from './responses.ts';
import { invalidArgument, ServingError, type StatusCode } from '../util/status.ts';
import { isRestPath, parseRestCall, type RestCall } from './url-grammar.ts';

export interface RestOptions {
  readonly manager: Manager;
  readonly routing: RoutingRegistry;
  /** Serve GET /edgeserve/routing (per-arm counts). */
  readonly routingAdmin: boolean;
  readonly logger: Logger;
  /** TF Serving's --rest_api_enable_cors_support. */
  readonly cors: boolean;
  /** Larger bodies (after gunzip too) get 413. TF Serving has no limit; serverless platforms do. */
  readonly maxBodyBytes: number;
  /** TF Serving's --rest_api_timeout_in_ms: a longer model run answers 504. */
  readonly timeoutMs: number;
  readonly metrics: ServingMetrics;
  /** TF Serving's prometheus_config.path; undefined: no metrics page (TF Serving's default). */
  readonly metricsPath?: string;
  /** The inference backend in use, provider included, for the metrics page. */
  readonly backendName?: () => string;
  /** Where one record per /v1 request goes; none: no request log. */
  readonly requestSink?: RequestSink;
  /** Share of requests whose body goes into their record (0, the default: never). */
  readonly requestBodySampleRate?: number;
}

/** What one request leaves on its context for its record and Server-Timing. */
interface RequestTrace extends PredictContext {
  version?: number;
  arm?: string;
  bytesIn?: number;
  bodyText?: string;
}

export const DEFAULT_REST_OPTIONS = { cors: false, maxBodyBytes: 32 * 1024 * 1024, timeoutMs: 30_000 } as const;

export const ROUTING_ADMIN_PATH = '/edgeserve/routing';

/** The methods libevent accepts; any other gets its 501 page. */
const HTTP_METHODS = new Set(['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']);

export type RestHandler = (request: RestRequest) => Promise<RestResponse>;

export function createRestHandler(options: RestOptions): RestHandler {
  const { metrics } = options;
  return async (request) => {
    const started = performance.now();
    const { method, pathAndQuery: path } = request;
    if (!HTTP_METHODS.has(method)) return libeventErrorPage(501);
    if (options.metricsPath !== undefined && pathOnly(path) === options.metricsPath) return metricsPage(path, options);
    // edgeserve's own view of its routing (outside /v1/, where TF Serving clients never look).
    // Off unless enabled: it names models, arms and error counts to whoever asks.
    if (options.routingAdmin && method === 'GET' && path === ROUTING_ADMIN_PATH) {
      return jsonResponse(200, JSON.stringify(options.routing.report(), null, 1), options);
    }
    if (!isRestPath(path)) return libeventErrorPage(404);
    if (method === 'OPTIONS') return preflightResponse(request.header('origin'), options);
    const ctx = request as RestRequest & RequestTrace; // managers and predict note cold loads and run time on it
    let model = '';
    let api = '';
    let status: StatusCode = 'OK';
    let response: RestResponse;
    try {
      const call = parseRestCall(method, path);
      model = call.model;
      // TF Serving's API label: the verb for POSTs, "" for GET status and metadata.
      api = call.api === 'status' || call.api === 'metadata' ? '' : call.api;
      response = await dispatch(call, ctx, options);
      metrics.requestLatency.observe([model, api, 'REST'], (performance.now() - started) * 1000);
    } catch (e) {
      if (e instanceof ServingError) {
        status = e.code;
        response = errorResponse(e, options);
      } else if (e instanceof BodyTooLargeError) {
        status = 'RESOURCE_EXHAUSTED';
        response = jsonResponse(413, errorBody(e.message), options);
      } else if (e instanceof ClientClosedError) {
        status = 'CANCELLED';
        response = jsonResponse(499, errorBody(e.message), options);
      } else {
        status = 'INTERNAL';
        options.logger.log('error', 'internal_error', { method, path, error: e instanceof Error ? e.stack : String(e) });
        response = jsonResponse(500, errorBody('Internal error'), options);
      }
    }
    metrics.requestCount.inc([model, status]);
    const totalMs = performance.now() - started;
    if (ctx.cold !== undefined || ctx.runMs !== undefined) {
      response.headers['Server-Timing'] = serverTiming(ctx, totalMs);
      if (ctx.cold !== undefined) response.headers['x-cold-start'] = '1';
    }
    options.requestSink?.(requestRecord(ctx, { method, path, model, api, status, response, totalMs }));
    return response;
  };
}

function requestRecord(
  ctx: RequestTrace,
  r: { method: string; path: string; model: string; api: string; status: StatusCode; response: RestResponse; totalMs: number },
): RequestRecord {
  const ms = (v: number | undefined) => (v === undefined ? undefined : Math.round(v * 1000) / 1000);
  return {
    time: new Date().toISOString(),
    method: r.method,
    path: r.path,
    model: r.model,
    api: r.api,
    status: r.status,
    http_status: r.response.status,
    ...(ctx.version !== undefined ? { version: ctx.version } : {}),
    ...(ctx.arm !== undefined ? { arm: ctx.arm } : {}),
    cold_start: ctx.cold !== undefined,
    duration_ms: ms(r.totalMs)!,
    ...(ctx.runMs !== undefined ? { run_ms: ms(ctx.runMs) } : {}),
    ...(ctx.cold ? { storage_ms: ms(ctx.cold.fetchMs), session_ms: ms(ctx.cold.sessionMs), warmup_ms: ms(ctx.cold.warmupMs) } : {}),
    bytes_in: ctx.bytesIn ?? 0,
    bytes_out: r.response.body?.length ?? 0,
    ...(ctx.bodyText !== undefined ? { request_body: ctx.bodyText.slice(0, MAX_LOGGED_BODY_CHARS) } : {}),
  };
}

/** Where this request's time went: storage fetch, session create and warmup when it paid for a load. */
function serverTiming(ctx: PredictContext, totalMs: number): string {
  const parts: string[] = [];
  const dur = (name: string, ms: number) => parts.push(`${name};dur=${ms.toFixed(2)}`);
  if (ctx.cold) {
    dur('storage', ctx.cold.fetchMs);
    dur('session', ctx.cold.sessionMs);
    dur('warmup', ctx.cold.warmupMs);
  }
  if (ctx.queueMs) dur('queue', ctx.queueMs);
  if (ctx.runMs !== undefined) dur('run', ctx.runMs);
  dur('total', totalMs);
  return parts.join(', ');
}

function pathOnly(pathAndQuery: string): string {
  const q = pathAndQuery.indexOf('?');
  return q < 0 ? pathAndQuery : pathAndQuery.slice(0, q);
}

/** TF Serving's exporter: any method, the exact path only (a query string is a 400). */
function metricsPage(path: string, options: RestOptions): RestResponse {
  const headers = { 'Content-Type': 'text/plain' };
  if (path !== options.metricsPath) return { status: 400, headers, body: `Unexpected path: ${path}. Should be ${options.metricsPath}` };
  // Which runtime and execution provider serves (e.g. ort-node(webgpu)), as an info-style gauge.
  const backend = options.backendName ? `# TYPE :edgeserve:backend gauge\n:edgeserve:backend{name="${options.backendName()}"} 1\n` : '';
  return { status: 200, headers, body: options.metrics.render(options.routing.renderMetrics() + backend) };
}

async function dispatch(call: RestCall, request: RestRequest & RequestTrace, options: RestOptions): Promise<RestResponse> {
  const { manager } = options;
  const remote = (await manager.modelConfig(call.model, request))?.remote;
  if (remote) {
    // Offloaded: the remote server answers the whole contract; the body goes as it came (decoded).
    const body = request.method === 'POST' ? await readBodyText(request, options.maxBodyBytes) : undefined;
    return forward(remote, request.method, request.pathAndQuery, body);
  }
  switch (call.api) {
    case 'status':
      return jsonResponse(200, await modelStatusBody(manager, call.model, call.selector, request), options);
    case 'metadata':
      return jsonResponse(200, await modelMetadataBody(manager, call.model, call.selector, request), options);
    case 'predict': {
      const { doc, signatureName, text } = await readRequestDocument(request, options);
      const result = await predict(doc, signatureName, manager, options.routing, call.model, call.selector, options.timeoutMs, request, options.metrics, text);
      if (result.forwarded) {
        request.arm = result.arm;
        return { ...result.forwarded, headers: { ...result.forwarded.headers, 'x-edgeserve-arm': result.arm! } };
      }
      const headers: Record<string, string> = { 'x-model-version': String(result.version) };
      if (result.arm !== undefined) headers['x-edgeserve-arm'] = result.arm;
      request.version = result.version;
      request.arm = result.arm;
      return jsonResponse(200, result.body, options, headers);
    }
    case 'classify':
    case 'regress': {
      const { doc, signatureName } = await readRequestDocument(request, options);
      return classifyOrRegress(call.api, doc, signatureName, manager, call.model, call.selector, request);
    }
  }
}

/** ParseJson and FillSignature: the checks every POST makes before it looks at the model. */
async function readRequestDocument(request: RestRequest & RequestTrace, options: RestOptions): Promise<{ doc: JsonObject; signatureName: string; text: string }> {
  const text = await readBodyText(request, options.maxBodyBytes);
  request.bytesIn = text.length;
  const rate = options.requestBodySampleRate ?? 0;
  if (rate > 0 && Math.random() < rate) request.bodyText = text;
  if (text.length === 0) throw invalidArgument('JSON Parse error: The document is empty');
  let doc;
  try {
    doc = parseJson(text);
  } catch (e) {
    if (e instanceof JsonParseError) throw invalidArgument(`JSON Parse error: ${e.message}`);
    throw e;
  }
  if (!(doc instanceof Map)) throw documentError(doc, 'Is not object');
  const signatureName = doc.get('signature_name') ?? '';
  if (typeof signatureName !== 'string') {
    throw documentError(doc, "not formatted correctly. 'signature_name' key must be a string value.");
  }
  return { doc, signatureName, text };
}
