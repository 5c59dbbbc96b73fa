// POST /v2/models/{m}[/versions/{v}]/infer: the body read and checked, then the protocol-neutral
// inference layer (routing with canary arms, stickiness and shadows for an unversioned request,
// remote arms, batching, the deadline) — the same path TF Serving's predict takes — then the
// answer in JSON or binary. A model offloaded as a whole is forwarded as it came.
import { readBodyBytes } from '../http/body.ts';
import type { RestRequest, RestResponse } from '../http/exchange.ts';
import type { RestScope } from '../http/request-log.ts';
import { bodyLimits, type ProtocolOptions } from '../http/protocol-options.ts';
import { DEFAULT_SIGNATURE } from '../serving/servable.ts';
import { servableNotFound, type VersionSelector } from '../serving/servable-request.ts';
import type { Tensor } from '../tensor/tensor.ts';
import { HEADER_LENGTH, readInferBody, type InferBody } from './infer-body.ts';
import { decodeInputs } from './infer-inputs.ts';
import { inferResponse, type ResponseOutput } from './infer-response.ts';

/** The same options as TF Serving's side: one set of limits for both protocols. */
export type InferOptions = ProtocolOptions;

export async function infer(model: string, selector: VersionSelector, request: RestRequest, scope: RestScope, options: InferOptions): Promise<RestResponse> {
  const { inference } = options;
  const remote = await inference.offloadOf(model, scope);
  if (remote) {
    const bytes = await readBodyBytes(request, bodyLimits(options));
    return inference.forward(remote, { method: 'POST', pathAndQuery: request.pathAndQuery, body: bytes, headers: forwardHeaders(request) });
  }
  // An unknown model is a 404 whatever the body (offloadOf has waited for the listing).
  if (!options.manager.knows(model)) throw servableNotFound(model, selector.kind === 'version' ? selector : { kind: 'latest' });
  const body = await readInferBody(request, bodyLimits(options), options.maxRequestElements, scope, options.requestBodySampleRate);
  let outputNames: readonly string[] = [];
  const result = await inference.run(
    {
      model,
      selector,
      api: 'infer',
      field: (name) => body.request.doc.get(name),
      // Built only for a remote arm: most requests never need it.
      get forward() {
        return { method: 'POST', pathAndQuery: request.pathAndQuery, body: body.bytes, headers: forwardHeaders(request, body) };
      },
      decode(servable) {
        const signature = servable.signatures.get(DEFAULT_SIGNATURE)!;
        const feeds = decodeInputs(body, signature, model);
        outputNames = body.request.outputs?.map((o) => o.name) ?? signature.outputs.map((s) => s.name);
        return feeds;
      },
    },
    scope,
  );
  if (result.kind === 'forwarded') return { ...result.response, headers: { ...result.response.headers, 'x-edgeserve-arm': result.arm } };
  const headers: Record<string, string> = { 'x-model-version': String(result.version) };
  if (result.arm !== undefined) headers['x-edgeserve-arm'] = result.arm;
  const outputs = selectOutputs(body, outputNames, result.outputs);
  return inferResponse({ model, version: result.version, id: body.request.id, outputs }, options.maxResponseBytes, options, headers);
}

/** The outputs asked for (all, in the model's order, when none were), each in JSON or binary. */
function selectOutputs(body: InferBody, names: readonly string[], outputs: ReadonlyMap<string, Tensor>): ResponseOutput[] {
  const asked = new Map(body.request.outputs?.map((o) => [o.name, o.binary]));
  return names.map((name) => ({ name, tensor: outputs.get(name)!, binary: asked.get(name) ?? body.request.binaryOutput }));
}

/** What a remote server needs to read the body as it came (already gunzipped). */
function forwardHeaders(request: RestRequest, body?: InferBody): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Type': request.header('content-type') ?? 'application/json' };
  const length = body ? body.headerLength : request.header(HEADER_LENGTH);
  if (length !== undefined && length !== null) headers['Inference-Header-Content-Length'] = String(length);
  return headers;
}
