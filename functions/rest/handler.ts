// The TF Serving REST surface as one handler over RestRequest/RestResponse: the same code answers in workerd, Lambda
// and Node. Bad input of any kind ends here as TF Serving's status code and `{"error": …}` body.
import type { Logger } from '../log.ts';
import type { RoutingRegistry } from '../routing/routing-registry.ts';
import type { Manager } from '../serving/manager.ts';
import { readBodyText } from './body.ts';
import { BodyTooLargeError, ClientClosedError, type RestRequest, type RestResponse } from './exchange.ts';
import { classifyOrRegress } from './classify-regress.ts';
import { documentError } from './codec/predict-request.ts';
import { JsonParseError, parseJson } from './json/parse.ts';
import type { JsonObject } from './json/value.ts';
import { modelMetadataBody, modelStatusBody } from './model-status.ts';
import { predict } from './predict.ts';
import { errorBody, errorResponse, jsonResponse, libeventErrorPage, preflightResponse } from './responses.ts';
import { invalidArgument, ServingError } from './status.ts';
import { isRestPath, parseRestCall } from './url-grammar.ts';

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
}

export const DEFAULT_REST_OPTIONS = { cors: false, maxBodyBytes: 32 * 1024 * 1024, timeoutMs: 30_000 } as const;

export const ROUTING_ADMIN_PATH = '/edgeserve/routing';

/** The methods libevent accepts; any other gets its 501 page. */
const HTTP_METHODS = new Set(['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']);

export type RestHandler = (request: RestRequest) => Promise<RestResponse>;

export function createRestHandler(options: RestOptions): RestHandler {
  return async (request) => {
    const { method, pathAndQuery: path } = request;
    if (!HTTP_METHODS.has(method)) return libeventErrorPage(501);
    // edgeserve's own view of its routing (outside /v1/, where TF Serving clients never look).
    // Off unless enabled: it names models, arms and error counts to whoever asks.
    if (options.routingAdmin && method === 'GET' && path === ROUTING_ADMIN_PATH) {
      return jsonResponse(200, JSON.stringify(options.routing.report(), null, 1), options);
    }
    if (!isRestPath(path)) return libeventErrorPage(404);
    if (method === 'OPTIONS') return preflightResponse(request.header('origin'), options);
    try {
      return await dispatch(request, method, path, options);
    } catch (e) {
      if (e instanceof ServingError) return errorResponse(e, options);
      if (e instanceof BodyTooLargeError) return jsonResponse(413, errorBody(e.message), options);
      if (e instanceof ClientClosedError) return jsonResponse(499, errorBody(e.message), options);
      options.logger.log('error', 'internal_error', { method, path, error: e instanceof Error ? e.stack : String(e) });
      return jsonResponse(500, errorBody('Internal error'), options);
    }
  };
}

async function dispatch(request: RestRequest, method: string, path: string, options: RestOptions): Promise<RestResponse> {
  const { manager } = options;
  const call = parseRestCall(method, path);
  switch (call.api) {
    case 'status':
      return jsonResponse(200, await modelStatusBody(manager, call.model, call.selector, request), options);
    case 'metadata':
      return jsonResponse(200, await modelMetadataBody(manager, call.model, call.selector, request), options);
    case 'predict': {
      const { doc, signatureName } = await readRequestDocument(request, options.maxBodyBytes);
      const result = await predict(doc, signatureName, manager, options.routing, call.model, call.selector, options.timeoutMs, request);
      const headers: Record<string, string> = { 'x-model-version': String(result.version) };
      if (result.arm !== undefined) headers['x-edgeserve-arm'] = result.arm;
      return jsonResponse(200, result.body, options, headers);
    }
    case 'classify':
    case 'regress': {
      const { doc, signatureName } = await readRequestDocument(request, options.maxBodyBytes);
      return classifyOrRegress(call.api, doc, signatureName, manager, call.model, call.selector, request);
    }
  }
}

/** ParseJson and FillSignature: the checks every POST makes before it looks at the model. */
async function readRequestDocument(request: RestRequest, limit: number): Promise<{ doc: JsonObject; signatureName: string }> {
  const text = await readBodyText(request, limit);
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
  return { doc, signatureName };
}
