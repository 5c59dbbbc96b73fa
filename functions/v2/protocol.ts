// The Open Inference Protocol (KServe v2 / Triton REST) as a Protocol of the one REST handler
// (http/protocol.ts): the handler authenticates, authorizes the scope each call names, keeps
// request ids, metrics and records, and maps failures; this file routes a target to its call.
// The health probes are answered to anyone, as /edgeserve/live and /ready are.
import { readBodyText } from '../http/body.ts';
import type { RestRequest, RestResponse } from '../http/exchange.ts';
import type { RestScope } from '../http/request-log.ts';
import type { Protocol, ProtocolCall } from '../http/protocol.ts';
import { jsonResponse, type ResponseOptions } from '../http/responses.ts';
import { JsonParseError, parseJson } from '../util/json/parse.ts';
import { invalidArgument } from '../util/status.ts';
import { infer, type InferOptions } from './infer.ts';
import { bodyLimits } from '../http/protocol-options.ts';
import { modelMetadata, modelReady, serverMetadata } from './model-info.ts';
import { loadModel, repositoryIndex, unloadModel } from './repository.ts';
import { isV2Path, parseV2Route } from './url-grammar.ts';

export type V2Options = InferOptions;

/** `{"error": "…"}`, the protocol's error object. */
export function v2Error(status: number, message: string, options: ResponseOptions, headers?: Record<string, string>): RestResponse {
  return jsonResponse(status, JSON.stringify({ error: message }), options, headers);
}

export function openInferenceProtocol(options: V2Options): Protocol {
  const { manager } = options;
  const json = (status: number, body: string, headers?: Record<string, string>) => jsonResponse(status, body, options, headers);
  const health = (kind: 'live' | 'ready') => {
    if (kind === 'live') return json(200, '{"live":true}');
    // The status code is the answer (4xx: not ready, as the protocol asks); the body names no model.
    const ready = manager.readiness().ready;
    return json(ready ? 200 : 400, JSON.stringify({ ready }));
  };
  /** A model offloaded as a whole: its remote server answers its metadata and readiness (as TF Serving's side does). */
  const offloaded = async (model: string, request: RestRequest, scope: RestScope) => {
    const remote = await options.inference.offloadOf(model, scope);
    return remote && options.inference.forward(remote, { method: 'GET', pathAndQuery: request.pathAndQuery, body: undefined });
  };
  return {
    entrypoint: 'V2',
    owns: isV2Path,
    probe(method, path) {
      if (method !== 'GET' && method !== 'HEAD') return undefined;
      const target = path.split('?', 1)[0];
      return target === '/v2/health/live' ? health('live') : target === '/v2/health/ready' ? health('ready') : undefined;
    },
    route(method, path): ProtocolCall {
      const route = parseV2Route(method, path);
      switch (route.kind) {
        case 'live': case 'ready': // answered as probes before this; here only for completeness
          return { model: '', api: '', scope: 'predict', answer: async () => health(route.kind) };
        case 'server':
          return { model: '', api: '', scope: 'predict', answer: async () => json(200, serverMetadata()) };
        case 'model-metadata':
          return {
            model: route.model, api: '', scope: 'predict',
            answer: async (request, scope) => (await offloaded(route.model, request, scope)) ?? json(200, await modelMetadata(manager, route.model, route.selector, scope)),
          };
        case 'model-ready':
          return {
            model: route.model, api: '', scope: 'predict',
            async answer(request, scope) {
              const remote = await offloaded(route.model, request, scope);
              if (remote) return remote;
              const ready = await modelReady(manager, route.model, route.selector, scope);
              return json(ready ? 200 : 400, JSON.stringify({ name: route.model, ready }));
            },
          };
        case 'infer':
          return { model: route.model, api: 'infer', scope: 'predict', answer: (request, scope) => infer(route.model, route.selector, request, scope, options) };
        case 'repository-index':
          return {
            model: '', api: '', scope: 'predict',
            async answer(request, scope) {
              const text = await readBodyText(request, bodyLimits(options));
              return json(200, await repositoryIndex(manager, text.trim() === '' ? undefined : parseSmall(text), scope));
            },
          };
        case 'load':
          return { model: route.model, api: '', scope: 'admin', answer: async () => (await loadModel(manager, route.model), json(200, '{}')) };
        case 'unload':
          return { model: route.model, api: '', scope: 'admin', answer: async () => (await unloadModel(manager, route.model), json(200, '{}')) };
      }
    },
    errorResponse: (status, message, headers) => v2Error(status, message, options, headers),
  };
}

/** A small control body (the repository index's): the project's parser, its errors as 400s. */
function parseSmall(text: string) {
  try {
    return parseJson(text);
  } catch (e) {
    if (e instanceof JsonParseError) throw invalidArgument(`JSON parse error: ${e.message}`);
    throw e;
  }
}
