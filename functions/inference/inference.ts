// The protocol-neutral inference layer: "run model M (a version, a label, or routed) on these
// tensors for this request". Routing and fallback, remote arms, shadows, the batching session and
// the deadline are done here once, for every protocol; a protocol only decodes and encodes.
import type { RemoteBackend } from '../config/remote-backend.ts';
import type { ServingMetrics } from '../metrics/serving-metrics.ts';
import type { RunTiming } from '../runtime/backend.ts';
import type { RouteDecision, Router } from '../routing/router.ts';
import type { RoutingRegistry } from '../routing/routing-registry.ts';
import type { Manager } from '../serving/manager.ts';
import type { Servable } from '../serving/servable.ts';
import type { ServableHandle } from '../serving/servable-handle.ts';
import type { VersionSelector } from '../serving/servable-request.ts';
import type { Tensor } from '../tensor/tensor.ts';
import type { JsonValue } from '../util/json/value.ts';
import { invalidArgument, ServingError } from '../util/status.ts';
import { runWithDeadline } from './deadline.ts';
import { forward, type ForwardedResponse, type ForwardRequest } from './forward.ts';
import type { RequestScope } from './request-scope.ts';
import { startShadow } from './shadow-run.ts';

export interface InferenceRequest {
  readonly model: string;
  readonly selector: VersionSelector;
  /** The API label of the runtime latency metric (TF Serving's: predict). */
  readonly api: string;
  /** The protocol's tensors, decoded once the serving version (and so its signature) is known. */
  decode(servable: Servable): Map<string, Tensor>;
  /** A top-level field of the request body, for routing that is sticky by field. */
  field?(name: string): JsonValue | undefined;
  /** The request as received, for a remote routing arm. */
  readonly forward?: ForwardRequest;
}

export type InferenceResult =
  | { readonly kind: 'local'; readonly outputs: Map<string, Tensor>; readonly version: number; readonly arm?: string }
  | { readonly kind: 'forwarded'; readonly response: ForwardedResponse; readonly arm: string };

export interface InferenceOptions {
  readonly manager: Manager;
  readonly routing: RoutingRegistry;
  /** TF Serving's --rest_api_timeout_in_ms, for every protocol: a longer run fails DEADLINE_EXCEEDED. */
  readonly timeoutMs: number;
  readonly metrics?: ServingMetrics;
}

export class Inference {
  constructor(private readonly options: InferenceOptions) {}

  /** The remote backend serving this model as a whole (offloaded in its config), if any. */
  async offloadOf(model: string, scope: RequestScope): Promise<RemoteBackend | undefined> {
    return (await this.options.manager.modelConfig(model, scope))?.remote;
  }

  forward(remote: RemoteBackend, request: ForwardRequest): Promise<ForwardedResponse> {
    return forward(remote, request);
  }

  async run(request: InferenceRequest, scope: RequestScope): Promise<InferenceResult> {
    const { manager, routing } = this.options;
    // A request that pins nothing is routed when the model has arms; a pinned one is served as asked.
    const config = request.selector.kind === 'latest' ? await manager.modelConfig(request.model, scope) : undefined;
    const router = config && routing.routerFor(config);
    let route = router?.decide({ header: (n) => scope.header(n), field: (n) => request.field?.(n) }, Date.now());
    const armStats = () => (route ? router!.stats.get(route.arm.name) : undefined);
    const started = performance.now();
    const elapsedUs = () => (performance.now() - started) * 1000;
    if (route?.arm.remote && request.forward) {
      scope.arm = route.arm.name;
      try {
        const response = await forward(route.arm.remote, request.forward);
        armStats()?.record(response.status < 500, elapsedUs());
        return { kind: 'forwarded', response, arm: route.arm.name };
      } catch (e) {
        armStats()?.record(false, elapsedUs());
        throw e;
      }
    }
    let handle: ServableHandle;
    try {
      handle = await manager.acquire(request.model, route?.selector ?? request.selector, scope);
    } catch (e) {
      route = this.fallbackAfter(e, route, router);
      handle = await manager.acquire(request.model, route.selector, scope);
    }
    const { servable } = handle;
    let feeds: Map<string, Tensor>;
    let outputs: Map<string, Tensor>;
    try {
      feeds = request.decode(servable); // a client error: it does not count against the arm
      outputs = await this.runOn(servable, feeds, request, scope, () => armStats()?.record(false, 0));
    } finally {
      handle.release();
    }
    scope.version = servable.version;
    if (route) {
      scope.arm = route.arm.name;
      armStats()?.record(true, elapsedUs());
      const shadow = router!.config.shadow;
      // Shadows need somewhere to run after the response: not on Lambda, where it would wait.
      if (shadow && shadow.arm !== route.arm.name && scope.background && Math.random() < shadow.sample) {
        const shadowRun = { model: request.model, arm: router!.arm(shadow.arm)!, stats: router!.stats.get(shadow.arm)!, feeds, served: outputs, tolerance: shadow.tolerance };
        startShadow(manager, this.options.timeoutMs, shadowRun, scope.waitUntil?.bind(scope));
      }
    }
    return { kind: 'local', outputs, version: servable.version, arm: route?.arm.name };
  }

  /**
   * The arm's version cannot serve at all (not loaded, failed): it counts against the arm and the
   * fallback arm serves, unless a tester forced this arm and must see it fail.
   */
  private fallbackAfter(error: unknown, route: RouteDecision | undefined, router: Router | undefined): RouteDecision {
    if (!route || !(error instanceof ServingError) || (error.code !== 'NOT_FOUND' && error.code !== 'UNAVAILABLE')) throw error;
    router!.stats.get(route.arm.name)?.record(false, 0);
    const fallback = route.reason === 'override' ? undefined : router!.fallbackFor(route.arm);
    if (!fallback) throw error;
    return fallback;
  }

  /** One run under the deadline, timed; a model that throws counts against its arm (`failed`). */
  private async runOn(servable: Servable, feeds: Map<string, Tensor>, request: InferenceRequest, scope: RequestScope, failed: () => void): Promise<Map<string, Tensor>> {
    const { metrics } = this.options;
    const timing: RunTiming = {};
    try {
      const runStarted = performance.now();
      const outputs = await runWithDeadline(servable, feeds, this.options.timeoutMs, timing);
      const queuedMs = timing.queuedMs ?? 0;
      scope.queueMs = queuedMs;
      if (servable.batching) metrics?.batchQueueLatency.observe([`${request.model}/${servable.version}`], queuedMs * 1000);
      scope.runMs = performance.now() - runStarted - queuedMs;
      metrics?.runtimeLatency.observe([request.model, request.api, 'onnxruntime'], scope.runMs * 1000);
      return outputs;
    } catch (e) {
      // A broken canary must trip the fallback, even though the client is told what TF Serving
      // would say: 400 for the runtime's complaint.
      failed();
      if (e instanceof ServingError) throw e;
      throw invalidArgument(e instanceof Error ? e.message : String(e));
    }
  }
}
