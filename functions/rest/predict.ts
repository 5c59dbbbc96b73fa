// :predict, with TF Serving's order of checks: parse, object, signature_name type (handler.ts),
// then the model and signature (so `{}` to an unknown model is a 404), the tensors, the run, the
// outputs. The inference layer resolves, routes, batches and runs; this file decodes and encodes.
import { predictInputsFromJson, type RequestFormat } from '../codec/predict-request.ts';
import { predictResponseBody, predictResponseBodySliced } from '../codec/predict-response.ts';
import type { Inference } from '../inference/inference.ts';
import type { ForwardedResponse } from '../inference/forward.ts';
import type { RequestScope } from '../inference/request-scope.ts';
import { DEFAULT_SIGNATURE } from '../serving/servable.ts';
import type { VersionSelector } from '../serving/servable-request.ts';
import { elementCount, type Tensor } from '../tensor/tensor.ts';
import type { JsonObject } from '../util/json/value.ts';
import { TimeSlicer } from '../util/time-slicer.ts';
import { invalidArgument } from '../util/status.ts';

export interface PredictCall {
  readonly model: string;
  readonly selector: VersionSelector;
  readonly doc: JsonObject;
  readonly signatureName: string;
  /** The request as received, for a remote routing arm. */
  readonly pathAndQuery: string;
  readonly bodyText: string;
  /** Tensor elements the request may decode to, all inputs together (400 past it). */
  readonly maxRequestElements: number;
  /** Response bodies past this many bytes are refused while they are written (413). */
  readonly maxResponseBytes: number;
}

export type PredictResult =
  | { readonly body: string; readonly version: number; readonly arm?: string; readonly forwarded?: undefined }
  | { readonly forwarded: ForwardedResponse; readonly arm: string };

export async function predict(call: PredictCall, inference: Inference, scope: RequestScope): Promise<PredictResult> {
  let format: RequestFormat = 'row';
  const result = await inference.run(
    {
      model: call.model,
      selector: call.selector,
      api: 'predict',
      field: (name) => call.doc.get(name),
      forward: { method: 'POST', pathAndQuery: call.pathAndQuery, body: call.bodyText },
      decode(servable) {
        const name = call.signatureName || DEFAULT_SIGNATURE;
        const signature = servable.signatures.get(name);
        if (signature === undefined) throw invalidArgument(`Serving signature name: "${name}" not found in signature def`);
        if (signature.inputs.length === 0) throw invalidArgument(`Failed to get input map for signature: ${call.signatureName || 'DEFAULT'}`);
        const decoded = predictInputsFromJson(call.doc, signature.inputs, call.bodyText.length, call.maxRequestElements);
        format = decoded.format;
        return decoded.feeds;
      },
    },
    scope,
  );
  if (result.kind === 'forwarded') return { forwarded: result.response, arm: result.arm };
  return { body: await writeBody(format, result.outputs, call.maxResponseBytes), version: result.version, arm: result.arm };
}

/** Answers from this many elements on are written in time slices (a few ms of writing at the least). */
const SLICED_OUTPUT_ELEMENTS = 65_536;

function writeBody(format: RequestFormat, outputs: ReadonlyMap<string, Tensor>, maxBytes: number): string | Promise<string> {
  let elements = 0;
  for (const t of outputs.values()) elements += elementCount(t.dims);
  if (elements < SLICED_OUTPUT_ELEMENTS) return predictResponseBody(format, outputs, maxBytes);
  return predictResponseBodySliced(format, outputs, maxBytes, new TimeSlicer());
}
