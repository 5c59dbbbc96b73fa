// :predict, with TF Serving's order of checks: parse, object, signature_name type, then the model
// and signature (so `{}` to an unknown model is a 404), then the tensors, the run, the outputs.
import type { Manager, RequestContext } from '../serving/manager.ts';
import { DEFAULT_SIGNATURE, type Servable } from '../serving/servable.ts';
import type { Tensor } from '../tensor/tensor.ts';
import { predictInputsFromJson } from './codec/predict-request.ts';
import { predictResponseBody } from './codec/predict-response.ts';
import type { JsonObject } from './json/value.ts';
import { invalidArgument, ServingError } from './status.ts';
import type { VersionSelector } from './url-grammar.ts';

export interface PredictResult {
  readonly body: string;
  readonly version: number;
}

export async function predict(
  doc: JsonObject,
  signatureName: string,
  manager: Manager,
  model: string,
  selector: VersionSelector,
  timeoutMs: number,
  ctx?: RequestContext,
): Promise<PredictResult> {
  const servable = await manager.servable(model, selector, ctx);
  const name = signatureName || DEFAULT_SIGNATURE;
  const signature = servable.signatures.get(name);
  if (signature === undefined) throw invalidArgument(`Serving signature name: "${name}" not found in signature def`);
  if (signature.inputs.length === 0) {
    throw invalidArgument(`Failed to get input map for signature: ${signatureName || 'DEFAULT'}`);
  }
  const { format, feeds } = predictInputsFromJson(doc, signature.inputs);
  const outputs = await runWithDeadline(servable, feeds, timeoutMs);
  return { body: predictResponseBody(format, outputs), version: servable.version };
}

/**
 * TF Serving's RunOptions.timeout_in_ms. An asynchronous run loses the race against the timer; a
 * run that blocks the thread (native onnxruntime) cannot be pre-empted, so its overrun is caught
 * when it returns: either way the client gets TF Serving's 504, never a late 200.
 */
async function runWithDeadline(servable: Servable, feeds: Map<string, Tensor>, timeoutMs: number): Promise<Map<string, Tensor>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(deadlineExceeded()), timeoutMs);
  });
  const started = performance.now();
  try {
    const outputs = await Promise.race([servable.run(feeds), deadline]);
    if (performance.now() - started > timeoutMs) throw deadlineExceeded();
    return outputs;
  } catch (e) {
    if (e instanceof ServingError) throw e;
    // The runtime rejected the inputs (shape or type inside the graph): the client's to fix.
    throw invalidArgument(e instanceof Error ? e.message : String(e));
  } finally {
    clearTimeout(timer);
  }
}

const deadlineExceeded = () => new ServingError('DEADLINE_EXCEEDED', 'Deadline Exceeded');
