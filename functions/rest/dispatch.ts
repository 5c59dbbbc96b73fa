// One parsed TF Serving REST call → its response: offload of a whole model, status, metadata,
// predict, classify/regress. Each reads the body with TF Serving's checks first (ParseJson and
// FillSignature) where the call has one.
import { JsonParseError, parseJson, parseJsonSliced, TooManyNumbersError } from '../util/json/parse.ts';
import { TimeSlicer } from '../util/time-slicer.ts';
import type { JsonObject } from '../util/json/value.ts';
import { invalidArgument } from '../util/status.ts';
import { documentError } from '../codec/predict-request.ts';
import { ElementLimitError } from '../codec/tensor-from-json.ts';
import { readBodyText } from '../http/body.ts';
import { bodyLimits, type ProtocolOptions } from '../http/protocol-options.ts';
import { classifyOrRegress } from './classify-regress.ts';
import type { RestRequest, RestResponse } from '../http/exchange.ts';
import { modelListBody, modelMetadataBody, modelStatusBody } from './model-status.ts';
import { predict } from './predict.ts';
import type { RestScope } from '../http/request-log.ts';
import { jsonResponse } from '../http/responses.ts';
import type { RestCall } from './url-grammar.ts';

/** The options both protocols read and answer under (functions/http/protocol-options.ts). */
export type DispatchOptions = ProtocolOptions;

export async function dispatch(call: RestCall, request: RestRequest, scope: RestScope, options: DispatchOptions): Promise<RestResponse> {
  const { manager, inference } = options;
  if (call.api === 'list') return jsonResponse(200, await modelListBody(manager, scope), options);
  const remote = await inference.offloadOf(call.model, scope);
  if (remote) {
    // Offloaded: the remote server answers the whole contract; the body goes as it came (decoded).
    const body = request.method === 'POST' ? await readBodyText(request, bodyLimits(options)) : undefined;
    return inference.forward(remote, { method: request.method, pathAndQuery: request.pathAndQuery, body });
  }
  switch (call.api) {
    case 'status':
      return jsonResponse(200, await modelStatusBody(manager, call.model, call.selector, scope), options);
    case 'metadata':
      return jsonResponse(200, await modelMetadataBody(manager, call.model, call.selector, scope), options);
    case 'predict': {
      // Predict bodies keep innermost number lists as NumberRuns (copied into tensors in one loop);
      // classify/regress read examples feature by feature and keep the ordinary tree.
      const { doc, signatureName, text } = await readRequestDocument(request, scope, options, true);
      const predictCall = { model: call.model, selector: call.selector, doc, signatureName, pathAndQuery: request.pathAndQuery, bodyText: text, maxRequestElements: options.maxRequestElements, maxResponseBytes: options.maxResponseBytes };
      const result = await predict(predictCall, inference, scope);
      if (result.forwarded) {
        return { ...result.forwarded, headers: { ...result.forwarded.headers, 'x-edgeserve-arm': result.arm } };
      }
      const headers: Record<string, string> = { 'x-model-version': String(result.version) };
      if (result.arm !== undefined) headers['x-edgeserve-arm'] = result.arm;
      return jsonResponse(200, result.body, options, headers);
    }
    case 'classify':
    case 'regress': {
      const { doc, signatureName } = await readRequestDocument(request, scope, options);
      return classifyOrRegress(call.api, doc, signatureName, manager, call.model, call.selector, scope);
    }
  }
}

/** Bodies from this size on are parsed in time slices (about 2 ms of parsing at the least). */
const SLICED_BODY_CHARS = 256 * 1024;

/** ParseJson and FillSignature: the checks every POST makes before it looks at the model. */
async function readRequestDocument(request: RestRequest, scope: RestScope, options: DispatchOptions, predictBody = false): Promise<{ doc: JsonObject; signatureName: string; text: string }> {
  const text = await readBodyText(request, bodyLimits(options));
  scope.bytesIn = text.length;
  const rate = options.requestBodySampleRate ?? 0;
  if (rate > 0 && Math.random() < rate) scope.bodyText = text;
  if (text.length === 0) throw invalidArgument('JSON Parse error: The document is empty');
  let doc;
  try {
    // A big body is parsed in slices, giving the event loop back between them (util/time-slicer.ts).
    // A body's numbers become tensor elements (predict) or feature values (classify, regress):
    // counted as they are parsed, so that too many are refused before they are stored; before the
    // model is looked up, unlike TF Serving's order (docs/limits.md).
    const parse = { numberRuns: predictBody, maxNumbers: options.maxRequestElements };
    doc = text.length < SLICED_BODY_CHARS ? parseJson(text, undefined, parse) : await parseJsonSliced(text, new TimeSlicer(), undefined, parse);
  } catch (e) {
    if (e instanceof TooManyNumbersError) throw new ElementLimitError(e.limit);
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
