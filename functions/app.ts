// The product: the TF Serving REST contract and the Open Inference Protocol over a model
// repository. Platform adapters build the dependencies (store, backend, logger, config) and hand
// them in; nothing here is platform-specific.
import { Hono } from 'hono';
import type { BatchingParameters } from './config/batching-parameters.ts';
import { consoleLogger, type Logger } from './util/log.ts';
import { meteredStore } from './metrics/metered-store.ts';
import type { RequestSink } from './metrics/request-record.ts';
import { ServingMetrics } from './metrics/serving-metrics.ts';
import { fromFetchRequest, toFetchResponse } from './http/exchange.ts';
import { createRestHandler, DEFAULT_REST_OPTIONS, type RestHandler } from './rest/handler.ts';
import type { InferenceBackend } from './runtime/backend.ts';
import { AccessGuard } from './auth/access-guard.ts';
import type { AuthConfig } from './auth/auth-config.ts';
import { Inference } from './inference/inference.ts';
import { openInferenceProtocol } from './v2/protocol.ts';
import { LoadEvents } from './metrics/load-events.ts';
import { DEFAULT_DASHBOARD_PATH } from './rest/operator/operator-api.ts';
import { RoutingRegistry } from './routing/routing-registry.ts';
import { Loader } from './serving/loader.ts';
import type { ListingCache } from './serving/listing-cache.ts';
import { Manager } from './serving/manager.ts';
import { ModelStores, type StoreOpener } from './serving/model-stores.ts';
import type { ExplicitConfig } from './serving/source.ts';
import type { VersionStatus } from './serving/harness.ts';
import type { ModelStore } from './storage/model-store.ts';

/** Serving defaults, sized for the smallest platform (a 128 MB Workers isolate). */
export const DEFAULT_SERVING_OPTIONS = {
  refreshIntervalMs: 30_000,
  // Model bytes loaded at once. onnxruntime's WASM heap holds roughly 2× a model's file size
  // beside its own ~20 MB, so 40 MB of models stays inside a 128 MB isolate.
  memoryBudgetBytes: 40 * 1024 * 1024,
  maxLoadRetries: 5,
  loadRetryIntervalMs: 5_000,
  warmup: true,
  warmupIterations: 1,
} as const;

export interface EdgeserveOptions {
  readonly store: ModelStore;
  readonly backend: InferenceBackend;
  readonly logger?: Logger;
  /**
   * A model config given up front (TF Serving's --model_config_file), fixed or read again on every
   * refresh: exactly its models are served. Otherwise every model folder of the repository is, with
   * models.config(.json) in the repository adding or overriding entries.
   */
  readonly config?: ExplicitConfig;
  /** Who may call (API keys, JWTs, scopes, rates); none: everyone may call everything. */
  readonly auth?: AuthConfig;
  /** A persisted copy of the repository's listing: a fresh instance serves its first request without a LIST. */
  readonly listingCache?: ListingCache;
  /** Opens the store of a model whose config gives an absolute base_path (`/models/x`, `s3://…`). */
  readonly openStore?: StoreOpener;
  readonly cors?: boolean;
  /**
   * Serve the operator API (/edgeserve/api/repository), the dashboard and the deprecated GET
   * /edgeserve/routing without authentication (off by default). With an auth config, the operator
   * API and dashboard are served to the admin scope whatever this says.
   */
  readonly routingAdmin?: boolean;
  /** Where the dashboard is served (default /edgeserve/dashboard). */
  readonly dashboardPath?: string;
  /** Serve Prometheus metrics at this exact path (TF Serving's is /monitoring/prometheus/metrics). */
  readonly metricsPath?: string;
  /** One record per /v1 request (a JSON log line, an EMF line …); none: no request log. */
  readonly requestSink?: RequestSink;
  /** Share of requests whose body is included in their record; 0 (default): never. */
  readonly requestBodySampleRate?: number;
  readonly maxBodyBytes?: number;
  /** A gzip body may inflate to at most this many times its size, past its first MiB. */
  readonly maxGzipRatio?: number;
  /** Tensor elements one request may decode to, all inputs together. */
  readonly maxRequestElements?: number;
  /** Response bodies past this size are refused with 413 while they are written. */
  readonly maxResponseBytes?: number;
  readonly timeoutMs?: number;
  readonly refreshIntervalMs?: number;
  readonly memoryBudgetBytes?: number;
  readonly maxLoadRetries?: number;
  readonly loadRetryIntervalMs?: number;
  /** TF Serving's --allow_version_labels_for_unavailable_models. */
  readonly allowVersionLabelsForUnavailableModels?: boolean;
  /** The longest one load (fetch, verify, session, warmup) may take before it fails DEADLINE_EXCEEDED. */
  readonly loadTimeoutMs?: number;
  readonly warmup?: boolean;
  readonly warmupIterations?: number;
  /** TF Serving's --enable_batching: these parameters for every model that sets none. */
  readonly batching?: BatchingParameters;
  readonly now?: () => number;
}

export interface Edgeserve {
  /** The Fetch-API app (Workers, Lambda through hono's adapter, tests). */
  readonly app: Hono;
  /** The same handler without Fetch objects, for adapters that can skip them (Node). */
  readonly handle: RestHandler;
  readonly manager: Manager;
  /** The request body limit the handler applies (the Workers edge cache reads bodies under it too). */
  readonly maxBodyBytes: number;
  /** Authentication and scopes, when an auth config was given (the Workers edge cache checks it too). */
  readonly guard?: AccessGuard;
  /** This process's (or isolate's) metrics. */
  readonly metrics: ServingMetrics;
  /** The scheduled entry (cron, EventBridge): refresh, then load the aspired versions of these models (all if none). */
  warmup(models?: readonly string[]): Promise<Map<string, VersionStatus[]>>;
}

export function createEdgeserve(options: EdgeserveOptions): Edgeserve {
  // Load outcomes (sizes, recent failures) for the operator API, taken from serving's own events.
  const loadEvents = new LoadEvents();
  const logger = loadEvents.tap(options.logger ?? consoleLogger);
  const d = DEFAULT_SERVING_OPTIONS;
  const metrics = new ServingMetrics();
  // Every storage request is counted (requests by operation and outcome, bytes read).
  const open = options.openStore;
  const store = new ModelStores(meteredStore(options.store, metrics), open && ((location) => meteredStore(open(location), metrics)));
  const loader = new Loader(store, options.backend, {
    warmup: options.warmup ?? d.warmup,
    warmupIterations: options.warmupIterations ?? d.warmupIterations,
    batching: options.batching,
    logger,
  });
  const manager = new Manager({
    store,
    metrics,
    loader,
    logger,
    config: options.config,
    refreshIntervalMs: options.refreshIntervalMs ?? d.refreshIntervalMs,
    memoryBudgetBytes: options.memoryBudgetBytes ?? d.memoryBudgetBytes,
    maxLoadRetries: options.maxLoadRetries ?? d.maxLoadRetries,
    loadRetryIntervalMs: options.loadRetryIntervalMs ?? d.loadRetryIntervalMs,
    loadTimeoutMs: options.loadTimeoutMs,
    allowVersionLabelsForUnavailableModels: options.allowVersionLabelsForUnavailableModels,
    listingCache: options.listingCache,
    now: options.now,
  });
  const routing = new RoutingRegistry(logger);
  const inference = new Inference({ manager, routing, metrics, timeoutMs: options.timeoutMs ?? DEFAULT_REST_OPTIONS.timeoutMs });
  const guard = options.auth && new AccessGuard(options.auth, logger, metrics);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_REST_OPTIONS.maxBodyBytes;
  const restOptions = {
    guard,
    manager,
    inference,
    routing,
    routingAdmin: options.routingAdmin ?? false,
    // Admin pages: served to the admin scope with auth on, and to everyone only when asked for.
    operator: guard || options.routingAdmin ? { dashboardPath: options.dashboardPath ?? DEFAULT_DASHBOARD_PATH, loadEvents } : undefined,
    metrics,
    metricsPath: options.metricsPath,
    backendName: () => options.backend.name,
    requestSink: options.requestSink,
    requestBodySampleRate: options.requestBodySampleRate,
    logger,
    cors: options.cors ?? DEFAULT_REST_OPTIONS.cors,
    maxBodyBytes,
    maxGzipRatio: options.maxGzipRatio ?? DEFAULT_REST_OPTIONS.maxGzipRatio,
    maxRequestElements: options.maxRequestElements ?? DEFAULT_REST_OPTIONS.maxRequestElements,
    maxResponseBytes: options.maxResponseBytes ?? DEFAULT_REST_OPTIONS.maxResponseBytes,
  };
  // One handler, two protocols: the Open Inference Protocol is served beside TF Serving's REST.
  const handle = createRestHandler({ ...restOptions, protocol: openInferenceProtocol(restOptions) });
  const app = new Hono();
  // TF Serving's URL grammar (case-insensitive, `name:verb` segments, raw query) is not expressible
  // as hono routes, so one route takes everything and the REST layer matches as upstream does.
  app.all('*', async (c) => toFetchResponse(await handle(fromFetchRequest(c.req.raw, executionWaitUntil(c)))));
  return { app, handle, manager, maxBodyBytes, guard, metrics, warmup: (models) => manager.warmup(models) };
}

/** Workers hand hono an execution context; elsewhere hono throws when asked for one. */
function executionWaitUntil(c: { executionCtx: { waitUntil(p: Promise<unknown>): void } }) {
  try {
    const ctx = c.executionCtx;
    return (work: Promise<unknown>) => ctx.waitUntil(work);
  } catch {
    return undefined;
  }
}
