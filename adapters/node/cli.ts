// The edgeserve command line.
//   edgeserve [serve] [options]   serve a model repository over TF Serving's REST API (npm start)
//   edgeserve index DIR           write DIR/index.json, the listing an HTTP(S) repository publishes
// Serving flags follow TF Serving's names where one exists; each also reads an EDGESERVE_* variable.
import { readFile, writeFile } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_SERVING_OPTIONS } from '../../functions/app.ts';
import { consoleLogger } from '../../functions/util/log.ts';
import { jsonLineSink } from '../../functions/metrics/request-record.ts';
import { batchedLineWriter } from './line-writer.ts';
import { DEFAULT_REST_OPTIONS } from '../../functions/rest/handler.ts';
import { parseTextFormat } from '../../functions/config/config-text.ts';
import { parseRepositoryConfig, type RepositoryConfig } from '../../functions/config/model-config.ts';
import { DEFAULT_BATCHING, parseBatchingParameters, type BatchingParameters } from '../../functions/config/batching-parameters.ts';
import { INDEX_FILE, renderIndex } from '../../functions/storage/http.ts';
import { FileSystemStore } from '../storage/fs.ts';
import { BACKEND_NAMES, type BackendName, createNodeBackend } from '../shared/ort-backends.ts';
import { startNodeServer } from './server.ts';
import { storeFromUrl } from '../shared/store-from-url.ts';

const d = DEFAULT_SERVING_OPTIONS;
const USAGE = `Usage: edgeserve [serve] [options]     |     edgeserve index DIR
Repository
  --model_base_path DIR|s3://B/P|URL   model repository (default: ./models)          EDGESERVE_MODEL_BASE_PATH
  --model_config_file FILE             JSON or TF Serving text config                 EDGESERVE_MODEL_CONFIG (the config itself)
  --file_system_poll_wait_seconds N    refresh interval; 0 lists once (default: ${d.refreshIntervalMs / 1000})  EDGESERVE_POLL_SECONDS
  --s3_endpoint URL                    S3-compatible endpoint (MinIO, R2)             AWS_ENDPOINT_URL
  --s3_force_path_style                path-style S3 URLs                             EDGESERVE_S3_FORCE_PATH_STYLE=1
  --storage_timeout_ms N               per storage request (default: 10000)           EDGESERVE_STORAGE_TIMEOUT_MS
Models
  --memory_budget_bytes N              model bytes loaded at once (default: half the RAM)  EDGESERVE_MEMORY_BUDGET_BYTES
  --enable_model_warmup=false          skip assets.extra/warmup.json                  EDGESERVE_WARMUP=0
  --num_request_iterations_for_warmup N  replays per warmup record (default: 1)      EDGESERVE_WARMUP_ITERATIONS
  --max_num_load_retries N             (default: ${d.maxLoadRetries})                                     EDGESERVE_MAX_LOAD_RETRIES
  --load_retry_interval_ms N           first retry delay, doubling (default: ${d.loadRetryIntervalMs})    EDGESERVE_LOAD_RETRY_INTERVAL_MS
  --lazy                               load versions on first request                 EDGESERVE_LAZY=1
  --enable_batching                    dynamic batching for every model               EDGESERVE_BATCHING=1
  --batching_parameters_file FILE      TF Serving's BatchingParameters (text format)
Server
  --rest_api_port N                    port (default: 8501; 0 picks a free one)       EDGESERVE_PORT
  --host ADDR                          bind address (default: 127.0.0.1)              EDGESERVE_HOST
  --backend ort-node|ort-web           inference runtime (default: ort-node)          EDGESERVE_BACKEND
  --threads N                          intra-op threads (default: runtime's)          EDGESERVE_THREADS
  --execution_providers LIST           ort-node providers in order, e.g. webgpu,cuda,cpu  EDGESERVE_EXECUTION_PROVIDERS
  --rest_api_enable_cors_support       CORS headers on /v1 responses                  EDGESERVE_CORS=1
  --enable_routing_admin               serve GET /edgeserve/routing (per-arm counts)  EDGESERVE_ROUTING_ADMIN=1
  --monitoring_config_file FILE        TF Serving's prometheus_config { enable path }  EDGESERVE_PROMETHEUS_PATH (the path)
  --log_requests=false                 no per-request JSON log lines                  EDGESERVE_LOG_REQUESTS=0
  --log_request_bodies RATE            log this share (0–1) of request bodies         EDGESERVE_LOG_REQUEST_BODIES
  --rest_api_timeout_in_ms N           model run deadline (default: 30000)            EDGESERVE_TIMEOUT_MS
  --max_body_bytes N                   request body limit (default: 33554432)         EDGESERVE_MAX_BODY_BYTES
  --help`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    model_base_path: { type: 'string' },
    model_config_file: { type: 'string' },
    file_system_poll_wait_seconds: { type: 'string' },
    s3_endpoint: { type: 'string' },
    s3_force_path_style: { type: 'boolean' },
    storage_timeout_ms: { type: 'string' },
    memory_budget_bytes: { type: 'string' },
    enable_model_warmup: { type: 'string' },
    num_request_iterations_for_warmup: { type: 'string' },
    max_num_load_retries: { type: 'string' },
    load_retry_interval_ms: { type: 'string' },
    lazy: { type: 'boolean' },
    enable_batching: { type: 'boolean' },
    batching_parameters_file: { type: 'string' },
    rest_api_port: { type: 'string' },
    host: { type: 'string' },
    backend: { type: 'string' },
    threads: { type: 'string' },
    execution_providers: { type: 'string' },
    rest_api_enable_cors_support: { type: 'boolean' },
    enable_routing_admin: { type: 'boolean' },
    monitoring_config_file: { type: 'string' },
    log_requests: { type: 'string' },
    log_request_bodies: { type: 'string' },
    rest_api_timeout_in_ms: { type: 'string' },
    max_body_bytes: { type: 'string' },
    help: { type: 'boolean' },
  },
});
const env = process.env;

if (values.help) {
  console.log(USAGE);
} else if (positionals[0] === 'index') {
  await writeIndex(positionals[1] ?? fail('index needs a folder'));
} else if (positionals.length === 0 || (positionals[0] === 'serve' && positionals.length === 1)) {
  await serve().catch((e: unknown) => {
    console.error(`edgeserve: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
} else {
  fail(`unknown command ${positionals.join(' ')}`);
}

async function serve(): Promise<void> {
  const backend = (values.backend ?? env.EDGESERVE_BACKEND ?? 'ort-node') as BackendName;
  if (!BACKEND_NAMES.includes(backend)) fail(`--backend must be one of ${BACKEND_NAMES.join(', ')}`);
  const store = storeFromUrl(values.model_base_path ?? env.EDGESERVE_MODEL_BASE_PATH ?? 'models', {
    s3Endpoint: values.s3_endpoint,
    s3ForcePathStyle: values.s3_force_path_style ?? env.EDGESERVE_S3_FORCE_PATH_STYLE === '1',
    timeoutMs: integer('storage_timeout_ms', values.storage_timeout_ms ?? env.EDGESERVE_STORAGE_TIMEOUT_MS, 10_000),
  });
  const threads = integer('threads', values.threads ?? env.EDGESERVE_THREADS, 0);
  const server = await startNodeServer({
    store,
    backend: await createNodeBackend(backend, {
      threads: threads || undefined,
      providers: (values.execution_providers ?? env.EDGESERVE_EXECUTION_PROVIDERS)?.split(',').map((p) => p.trim()).filter(Boolean),
      logger: consoleLogger,
    }),
    logger: consoleLogger,
    config: await explicitConfig(),
    port: integer('rest_api_port', values.rest_api_port ?? env.EDGESERVE_PORT, 8501),
    host: values.host ?? env.EDGESERVE_HOST ?? '127.0.0.1',
    preload: !(values.lazy ?? env.EDGESERVE_LAZY === '1'),
    cors: values.rest_api_enable_cors_support ?? env.EDGESERVE_CORS === '1',
    routingAdmin: values.enable_routing_admin ?? env.EDGESERVE_ROUTING_ADMIN === '1',
    metricsPath: await prometheusPath(),
    batching: await batchingParameters(),
    requestSink: (values.log_requests ?? env.EDGESERVE_LOG_REQUESTS ?? 'true').match(/^(0|false)$/) ? undefined : jsonLineSink(batchedLineWriter()),
    requestBodySampleRate: bodySampleRate(values.log_request_bodies ?? env.EDGESERVE_LOG_REQUEST_BODIES),
    timeoutMs: integer('rest_api_timeout_in_ms', values.rest_api_timeout_in_ms ?? env.EDGESERVE_TIMEOUT_MS, DEFAULT_REST_OPTIONS.timeoutMs),
    maxBodyBytes: integer('max_body_bytes', values.max_body_bytes ?? env.EDGESERVE_MAX_BODY_BYTES, DEFAULT_REST_OPTIONS.maxBodyBytes),
    refreshIntervalMs:
      1000 * integer('file_system_poll_wait_seconds', values.file_system_poll_wait_seconds ?? env.EDGESERVE_POLL_SECONDS, d.refreshIntervalMs / 1000),
    // A server owns its machine: half the RAM for model files (the edge default is sized for 128 MB).
    memoryBudgetBytes: integer('memory_budget_bytes', values.memory_budget_bytes ?? env.EDGESERVE_MEMORY_BUDGET_BYTES, Math.floor(totalmem() / 2)),
    warmup: (values.enable_model_warmup ?? env.EDGESERVE_WARMUP ?? 'true') !== 'false' && env.EDGESERVE_WARMUP !== '0',
    warmupIterations: integer('num_request_iterations_for_warmup', values.num_request_iterations_for_warmup ?? env.EDGESERVE_WARMUP_ITERATIONS, 1),
    maxLoadRetries: integer('max_num_load_retries', values.max_num_load_retries ?? env.EDGESERVE_MAX_LOAD_RETRIES, d.maxLoadRetries),
    loadRetryIntervalMs: integer('load_retry_interval_ms', values.load_retry_interval_ms ?? env.EDGESERVE_LOAD_RETRY_INTERVAL_MS, d.loadRetryIntervalMs),
  });
  consoleLogger.log('info', 'server_listening', { url: server.url, models: store.description, backend });
  const stop = () => {
    consoleLogger.log('info', 'server_stopping', {});
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/**
 * TF Serving's --monitoring_config_file (`prometheus_config { enable: true, path: "…" }`, an empty
 * path meaning /monitoring/prometheus/metrics), else EDGESERVE_PROMETHEUS_PATH; undefined: off.
 */
async function prometheusPath(): Promise<string | undefined> {
  if (values.monitoring_config_file) {
    const config = parseTextFormat(await readFile(values.monitoring_config_file, 'utf8'));
    const prometheus = config.get('prometheus_config')?.[0];
    if (!(prometheus instanceof Map)) return undefined;
    if (prometheus.get('enable')?.[0] !== 'true') return undefined;
    const path = prometheus.get('path')?.[0];
    return typeof path === 'string' && path !== '' ? path : '/monitoring/prometheus/metrics';
  }
  return env.EDGESERVE_PROMETHEUS_PATH || undefined;
}

/** TF Serving's --enable_batching and --batching_parameters_file (`max_batch_size { value: 32 }` …). */
async function batchingParameters(): Promise<BatchingParameters | undefined> {
  const enabled = values.enable_batching ?? env.EDGESERVE_BATCHING === '1';
  if (values.batching_parameters_file && !enabled) {
    fail('server_options.batching_parameters_file is set without setting server_options.enable_batching to true.');
  }
  if (!enabled) return undefined;
  if (!values.batching_parameters_file) return DEFAULT_BATCHING;
  const text = parseTextFormat(await readFile(values.batching_parameters_file, 'utf8'));
  const fields = Object.fromEntries([...text].map(([k, v]) => [k, v.length > 1 ? v : v[0] instanceof Map ? { value: v[0].get('value')?.[0] } : v[0]]));
  return parseBatchingParameters(fields, values.batching_parameters_file, (path, problem) => fail(`${path}: ${problem}`));
}

/** --model_config_file, else EDGESERVE_MODEL_CONFIG; undefined: the repository's own file. */
async function explicitConfig(): Promise<RepositoryConfig | undefined> {
  if (values.model_config_file) {
    return parseRepositoryConfig(await readFile(values.model_config_file, 'utf8'), values.model_config_file);
  }
  if (env.EDGESERVE_MODEL_CONFIG) return parseRepositoryConfig(env.EDGESERVE_MODEL_CONFIG, 'EDGESERVE_MODEL_CONFIG');
  return undefined;
}

async function writeIndex(dir: string): Promise<void> {
  const objects = await new FileSystemStore(dir).list('');
  await writeFile(join(dir, INDEX_FILE), renderIndex(objects));
  console.log(`wrote ${join(dir, INDEX_FILE)} listing ${objects.length} objects`);
}

function bodySampleRate(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!(n >= 0 && n <= 1)) fail(`--log_request_bodies must be a number from 0 to 1, got "${raw}"`);
  return n;
}

function integer(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) fail(`--${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

function fail(message: string): never {
  console.error(`edgeserve: ${message}\n\n${USAGE}`);
  process.exit(2);
}
