// :predict, with TF Serving's order of checks: parse, object, signature_name type, then the model
// and signature (so `{}` to an unknown model is a 404), then the tensors, the run, the outputs.
import type { BatchedResult } from '../runtime/batcher.ts';
import type { RestResponse } from './exchange.ts';
import { forward } from '../inference/forward.ts';
import type { ServingMetrics } from '../metrics/serving-metrics.ts';
import { outputsAgree } from '../routing/shadow.ts';
import { armSelector, type ArmStats } from '../routing/router.ts';
import type { Arm } from '../config/routing-config.ts';
import type { RoutingRegistry } from '../routing/routing-registry.ts';
import type { Manager, RequestContext } from '../serving/manager.ts';
import { DEFAULT_SIGNATURE, type Servable } from '../serving/servable.ts';
import type { Tensor } from '../tensor/tensor.ts';
import { predictInputsFromJson } from '../codec/predict-request.ts';
import { predictResponseBody } from '../codec/predict-response.ts';
import type { JsonObject } from '../util/json/value.ts';
import { invalidArgument, ServingError } from '../util/status.ts';
import type { VersionSelector } from '../serving/servable-request.ts';

export interface PredictResult {
  readonly body: string;
  readonly version: number;
  /** The routing arm that served, when the model routes. */
  readonly arm?: string;
  /** Set when a remote arm served: its response, passed through. */
  readonly forwarded?: RestResponse;
}

export interface PredictContext extends RequestContext {
  header(name: string): string | null;
  readonly pathAndQuery?: string;
  /** Set by predict: milliseconds inside the runtime, and waiting for a batch, for Server-Timing. */
  runMs?: number;
  queueMs?: number;
  /** false where nothing may run after the response (Lambda freezes): no shadow traffic there. */
  readonly background?: boolean;
}

export async function predict(
  doc: JsonObject,
  signatureName: string,
  manager: Manager,
  routing: RoutingRegistry,
  model: string,
  selector: VersionSelector,
  timeoutMs: number,
  ctx: PredictContext,
  metrics?: ServingMetrics,
  /** The request body as received, for a remote arm. */
  bodyText?: string,
): Promise<PredictResult> {
  // A request that pins nothing is routed when the model has arms; a pinned one is served as asked.
  const config = selector.kind === 'latest' ? await manager.modelConfig(model, ctx) : undefined;
  const router = config && routing.routerFor(config);
  let route = router?.decide({ header: (n) => ctx.header(n), field: (n) => doc.get(n) }, Date.now());
  const armStats = () => (route ? router!.stats.get(route.arm.name) : undefined);
  const started = performance.now();
  if (route?.arm.remote && ctx.pathAndQuery !== undefined) {
    const forwarded = await forward(route.arm.remote, 'POST', ctx.pathAndQuery, bodyText);
    armStats()?.record(forwarded.status < 500, (performance.now() - started) * 1000);
    return { body: forwarded.body ?? '', version: Number(forwarded.headers['x-model-version'] ?? NaN), arm: route.arm.name, forwarded };
  }
  let servable: Servable;
  try {
    servable = await manager.servable(model, route?.selector ?? selector, ctx);
  } catch (e) {
    if (!route || !(e instanceof ServingError) || (e.code !== 'NOT_FOUND' && e.code !== 'UNAVAILABLE')) throw e;
    // The arm's version cannot serve at all (not loaded, failed): it counts against the arm, and
    // the fallback arm serves, unless a tester forced this arm and must see it fail.
    armStats()?.record(false, 0);
    const fallback = route.reason === 'override' ? undefined : router!.fallbackFor(route.arm);
    if (!fallback) throw e;
    route = fallback;
    servable = await manager.servable(model, route.selector, ctx);
  }
  const name = signatureName || DEFAULT_SIGNATURE;
  const signature = servable.signatures.get(name);
  if (signature === undefined) throw invalidArgument(`Serving signature name: "${name}" not found in signature def`);
  if (signature.inputs.length === 0) {
    throw invalidArgument(`Failed to get input map for signature: ${signatureName || 'DEFAULT'}`);
  }
  const { format, feeds } = predictInputsFromJson(doc, signature.inputs);
  let outputs: Map<string, Tensor>;
  try {
    const runStarted = performance.now();
    const result = await runWithDeadline(servable, feeds, timeoutMs);
    outputs = result.outputs;
    ctx.queueMs = result.queuedMs;
    if (servable.batching) metrics?.batchQueueLatency.observe([`${model}/${servable.version}`], result.queuedMs * 1000);
    ctx.runMs = performance.now() - runStarted - result.queuedMs;
    metrics?.runtimeLatency.observe([model, 'predict', 'onnxruntime'], ctx.runMs * 1000);
  } catch (e) {
    // A model that throws counts against its arm (a broken canary must trip the fallback), even
    // though the client is told what TF Serving would say: 400 for the runtime's complaint.
    armStats()?.record(false, 0);
    if (e instanceof ServingError) throw e;
    throw invalidArgument(e instanceof Error ? e.message : String(e));
  }
  const body = predictResponseBody(format, outputs);
  if (route) {
    armStats()?.record(true, (performance.now() - started) * 1000);
    const shadow = router!.config.shadow;
    // Shadows need somewhere to run after the response: not on Lambda, where it would wait.
    if (shadow && shadow.arm !== route.arm.name && ctx.background !== false && Math.random() < shadow.sample) {
      runShadow(manager, model, router!.arm(shadow.arm)!, router!.stats.get(shadow.arm)!, feeds, outputs, shadow.tolerance, ctx);
    }
  }
  return { body, version: servable.version, arm: route?.arm.name };
}

function runShadow(
  manager: Manager,
  model: string,
  arm: Arm,
  stats: ArmStats,
  feeds: Map<string, Tensor>,
  served: Map<string, Tensor>,
  tolerance: number,
  ctx: RequestContext,
): void {
  const work = (async () => {
    // Start only after this response is on its way: the shadow never competes with it.
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (arm.remote) return; // shadows run locally; a remote shadow arm is not compared
    const candidate = await manager.servable(model, armSelector(arm), ctx);
    const shadowOutputs = await candidate.run(feeds);
    stats.shadowCompared++;
    if (outputsAgree(served, shadowOutputs, tolerance)) stats.shadowAgreed++;
  })().catch(() => {
    stats.shadowCompared++; // a shadow that cannot answer disagrees
  });
  ctx.waitUntil?.(work);
}

/**
 * TF Serving's RunOptions.timeout_in_ms. An asynchronous run loses the race against the timer; a
 * run that blocks the thread (native onnxruntime) cannot be pre-empted, so its overrun is caught
 * when it returns: either way the client gets TF Serving's 504, never a late 200.
 */
async function runWithDeadline(servable: Servable, feeds: Map<string, Tensor>, timeoutMs: number): Promise<BatchedResult> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(deadlineExceeded()), timeoutMs);
  });
  const started = performance.now();
  try {
    const outputs = await Promise.race([servable.submit(feeds), deadline]);
    if (performance.now() - started > timeoutMs) throw deadlineExceeded();
    return outputs;
  } finally {
    clearTimeout(timer);
  }
}

const deadlineExceeded = () => new ServingError('DEADLINE_EXCEEDED', 'Deadline Exceeded');
