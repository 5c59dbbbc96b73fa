// The metrics edgeserve keeps, under TF Serving's names where TF Serving has one (contract §10),
// and under `:edgeserve:` where it has none. One instance per process (Node) or isolate (Workers).
import { Counter, exponentialBuckets, Histogram } from './registry.ts';

/** TF Serving's latency buckets: Exponential(10, 1.8, 33), in microseconds. */
const LATENCY_US = exponentialBuckets(10, 1.8, 33);

export class ServingMetrics {
  /** Every REST /v1 request, failures included (model_name "" when it could not be parsed). */
  readonly requestCount = new Counter(':tensorflow:serving:request_count', ['model_name', 'status']);
  /** Successful requests only, µs; API is predict/classify/regress or "" for GET. */
  readonly requestLatency = new Histogram(':tensorflow:serving:request_latency', ['model_name', 'API', 'entrypoint'], LATENCY_US);
  /** Time inside the runtime's session.run, µs. */
  readonly runtimeLatency = new Histogram(':tensorflow:serving:runtime_latency', ['model_name', 'API', 'runtime'], LATENCY_US);
  readonly warmupLatency = new Histogram(':tensorflow:serving:model_warmup_latency', ['model_path', 'status'], LATENCY_US);
  readonly warmupRecordsRead = new Counter(':tensorflow:serving:model_warmup_records_read', ['model_path', 'status']);
  /** TF's own load metrics (`:tensorflow:cc:saved_model:*`), for the model versions edgeserve loads. */
  readonly loadAttempts = new Counter(':tensorflow:cc:saved_model:load_attempt_count', ['model_path', 'status']);
  readonly loadLatency = new Counter(':tensorflow:cc:saved_model:load_latency', ['model_path']);
  /** Time a request waited for its batch (TF Serving's batching session metric), µs. */
  readonly batchQueueLatency = new Histogram(':tensorflow:serving:batching_session:queuing_latency', ['thread_pool_name'], exponentialBuckets(100, 1.2, 52));
  /** Loads a request had to wait for (cold starts), by model. */
  readonly coldLoads = new Counter(':edgeserve:cold_loads', ['model_name']);
  readonly storageRequests = new Counter(':edgeserve:storage:requests', ['operation', 'outcome']);
  readonly storageBytes = new Counter(':edgeserve:storage:bytes_read', []);
  readonly cacheHits = new Counter(':edgeserve:edge_cache:lookups', ['model_name', 'result']);
  /** Requests refused by authentication or authorization: missing, invalid, forbidden, rate_limited. */
  readonly authFailures = new Counter(':edgeserve:auth:failures', ['reason']);

  private readonly all = [
    this.requestCount, this.requestLatency, this.runtimeLatency, this.warmupLatency, this.warmupRecordsRead,
    this.loadAttempts, this.loadLatency, this.batchQueueLatency, this.coldLoads, this.storageRequests, this.storageBytes, this.cacheHits, this.authFailures,
  ];

  /** The exposition page; `extra` appends metrics kept elsewhere (router arms). */
  render(extra = ''): string {
    return this.all.map((m) => m.render()).join('') + extra;
  }
}
