// The one option table: every setting of edgeserve, with one spelling on every platform. The
// Node command line (flags, then the environment), Workers `[vars]` and the Lambda environment
// are all read over it; `--help` and the README's configuration table are generated from it.
// Flags use TF Serving's names where TF Serving has one, so its operators' command lines carry over.
// Defaults that also live in code (DEFAULT_SERVING_OPTIONS, DEFAULT_REST_OPTIONS) are checked
// against these by test/options.
import type { OptionSpec, Platform, ValueOf } from './option-spec.ts';

const ALL = ['node', 'workers', 'lambda'] as const;
const NODE = ['node'] as const;
const NODE_LAMBDA = ['node', 'lambda'] as const;
const WORKERS = ['workers'] as const;

export const OPTIONS = [
  // Repository
  { key: 'modelBasePath', flag: 'model_base_path', env: 'EDGESERVE_MODEL_BASE_PATH', type: 'string', arg: 'DIR|s3://B/P|URL', platforms: ALL,
    // A text default on Node too: the readers leave it unset, so the CLI can tell "given" from "defaulted"
    // (with --model_name, a given path is one model's folder; the default folder never is).
    defaultOn: { node: { text: 'models' }, workers: { text: 'the R2 binding MODELS' }, lambda: { text: 'required' } },
    help: "the model repository: a folder (Node), s3://bucket/prefix, or an https:// URL with index.json; on Workers an R2 binding named MODELS wins. With --model_name, that one model's folder (TF Serving's single-model mode)", section: 'Repository' },
  { key: 'modelName', flag: 'model_name', type: 'string', arg: 'NAME', platforms: NODE, default: { text: 'none: every model of the repository' },
    help: "TF Serving's single-model mode: serve --model_base_path (or MODEL_BASE_PATH/NAME) as this one model; ignored with --model_config_file, as in TF Serving", section: 'Repository' },
  { key: 'imageModelName', env: 'MODEL_NAME', type: 'string', arg: 'NAME', platforms: NODE_LAMBDA, default: { text: 'none' },
    help: "TF Serving's image variable: with MODEL_BASE_PATH, serve ${MODEL_BASE_PATH}/${MODEL_NAME} as this one model, unless a flag or EDGESERVE_MODEL_BASE_PATH/EDGESERVE_MODEL_CONFIG names the models", section: 'Repository' },
  { key: 'imageModelBasePath', env: 'MODEL_BASE_PATH', type: 'string', arg: 'DIR|s3://B/P|URL', platforms: NODE_LAMBDA, default: { text: 'none' },
    help: "TF Serving's image variable: the folder holding MODEL_NAME's folder (the image's /models)", section: 'Repository' },
  { key: 'modelsPrefix', env: 'MODELS_PREFIX', type: 'string', arg: 'PREFIX', platforms: WORKERS, default: { text: 'the bucket root' },
    help: "the repository's folder inside the MODELS bucket", section: 'Repository' },
  { key: 'modelConfigFile', flag: 'model_config_file', type: 'string', arg: 'FILE', platforms: NODE, default: { text: "repository's own" },
    help: 'a model config file, JSON or TF Serving text format: exactly its models are served; wins over EDGESERVE_MODEL_CONFIG', section: 'Repository' },
  { key: 'modelConfigPollSeconds', flag: 'model_config_file_poll_wait_seconds', type: 'integer', arg: 'N', platforms: NODE, default: 0,
    help: 'read --model_config_file again every N seconds and apply what changed (a bad file is logged, the last good config kept); 0 reads it once', section: 'Repository' },
  { key: 'modelConfig', env: 'EDGESERVE_MODEL_CONFIG', type: 'string', arg: 'TEXT', platforms: ALL, default: { text: "repository's own" },
    help: "the model config itself (JSON or text format), instead of the repository's models.config(.json)", section: 'Repository' },
  { key: 'pollSeconds', flag: 'file_system_poll_wait_seconds', env: 'EDGESERVE_POLL_SECONDS', type: 'integer', arg: 'N', platforms: ALL, default: 30,
    help: 'how old a listing may get before a request refreshes it; 0 lists once', section: 'Repository' },
  { key: 'allowVersionLabels', flag: 'allow_version_labels', env: 'EDGESERVE_ALLOW_VERSION_LABELS', type: 'boolean', platforms: ALL, default: true,
    help: "TF Serving's ServerCore option: false refuses a given config (file or EDGESERVE_MODEL_CONFIG) that has version_labels", section: 'Repository' },
  { key: 'allowVersionLabelsForUnavailableModels', flag: 'allow_version_labels_for_unavailable_models', env: 'EDGESERVE_ALLOW_VERSION_LABELS_FOR_UNAVAILABLE_MODELS',
    type: 'boolean', platforms: ALL, default: false,
    help: 'a new label may name a version that is not AVAILABLE yet (otherwise labels move only to AVAILABLE versions)', section: 'Repository' },

  // Storage
  { key: 's3Endpoint', flag: 's3_endpoint', env: 'S3_ENDPOINT', type: 'string', arg: 'URL|HOST:PORT', platforms: ALL, default: { text: 'AWS' },
    help: "an S3-compatible endpoint (MinIO, R2's S3 API): a URL, or TF Serving's host:port with S3_USE_HTTPS", section: 'Storage' },
  { key: 's3UseHttps', env: 'S3_USE_HTTPS', type: 'boolean', platforms: ALL, default: true,
    help: "TF Serving's: whether a host:port S3_ENDPOINT is reached over https (a URL says it itself)", section: 'Storage' },
  { key: 's3VerifySsl', env: 'S3_VERIFY_SSL', type: 'boolean', platforms: ALL, default: true,
    help: "TF Serving's: 0 skips the S3 endpoint's certificate check on Node and Lambda (logged); Workers always check", section: 'Storage' },
  { key: 's3Region', flag: 's3_region', env: 'S3_REGION', type: 'string', arg: 'REGION', platforms: ALL,
    defaultOn: { node: { text: "AWS_REGION, else the SDK's chain" }, lambda: { text: "AWS_REGION (the function's)" }, workers: { text: 'AWS_REGION, else us-east-1' } },
    help: "the bucket's region; AWS_REGION when unset", section: 'Storage' },
  { key: 'awsRegion', env: 'AWS_REGION', type: 'string', arg: 'REGION', platforms: ALL,
    defaultOn: { node: { text: "the SDK's chain" }, lambda: { text: "the function's" }, workers: { text: 'none' } },
    help: "the AWS region (TF Serving's and the AWS SDK's variable), the bucket's unless S3_REGION says otherwise", section: 'Storage' },
  { key: 's3ForcePathStyle', flag: 's3_force_path_style', env: 'S3_FORCE_PATH_STYLE', type: 'boolean', platforms: ALL, default: false,
    help: 'path-style S3 URLs (endpoint/bucket/key), for MinIO and most S3 clones', section: 'Storage' },
  { key: 'storageTimeoutMs', flag: 'storage_timeout_ms', env: 'EDGESERVE_STORAGE_TIMEOUT_MS', type: 'integer', arg: 'N', platforms: ALL, default: 10_000,
    help: 'a slower S3/HTTPS request counts as a storage outage', section: 'Storage' },
  { key: 'awsAccessKeyId', env: 'AWS_ACCESS_KEY_ID', type: 'string', platforms: WORKERS, secret: true, default: { text: 'none' },
    help: 'S3 credentials on Workers, which have no AWS credential chain (`wrangler secret put`)', section: 'Storage' },
  { key: 'awsSecretAccessKey', env: 'AWS_SECRET_ACCESS_KEY', type: 'string', platforms: WORKERS, secret: true, default: { text: 'none' },
    help: 'the secret key that goes with AWS_ACCESS_KEY_ID', section: 'Storage' },
  { key: 'awsSessionToken', env: 'AWS_SESSION_TOKEN', type: 'string', platforms: WORKERS, secret: true, default: { text: 'none' },
    help: 'for temporary credentials', section: 'Storage' },

  // Models
  { key: 'memoryBudgetBytes', flag: 'memory_budget_bytes', env: 'EDGESERVE_MEMORY_BUDGET_BYTES', type: 'integer', arg: 'N', platforms: ALL,
    defaultOn: { node: { text: 'half the RAM' }, workers: 41_943_040, lambda: 536_870_912 },
    help: 'memory the loaded versions may hold (ort-web: 4× the file); past it the least recently used idle versions unload', section: 'Models' },
  { key: 'lazy', flag: 'lazy', env: 'EDGESERVE_LAZY', type: 'boolean', platforms: NODE, default: false,
    help: 'load each version on its first request instead of before listening', section: 'Models' },
  { key: 'warmup', flag: 'enable_model_warmup', env: 'EDGESERVE_WARMUP', type: 'boolean', platforms: ALL, default: true,
    help: 'replay assets.extra/warmup.json inside each load', section: 'Models' },
  { key: 'warmupIterations', flag: 'num_request_iterations_for_warmup', env: 'EDGESERVE_WARMUP_ITERATIONS', type: 'integer', arg: 'N', platforms: ALL, default: 1,
    help: 'replays of each warmup record', section: 'Models' },
  { key: 'maxLoadRetries', flag: 'max_num_load_retries', env: 'EDGESERVE_MAX_LOAD_RETRIES', type: 'integer', arg: 'N', platforms: ALL, default: 5,
    help: 'retries of a failed load', section: 'Models' },
  { key: 'loadRetryIntervalMs', flag: 'load_retry_interval_ms', env: 'EDGESERVE_LOAD_RETRY_INTERVAL_MS', type: 'integer', arg: 'N', platforms: ALL, default: 5_000,
    help: 'delay before the first retry, doubling after each', section: 'Models' },
  { key: 'loadRetryIntervalMicros', flag: 'load_retry_interval_micros', type: 'integer', arg: 'N', platforms: NODE, default: { text: '--load_retry_interval_ms' },
    help: "the same delay in TF Serving's unit, microseconds (rounded up to ms); wins over --load_retry_interval_ms", section: 'Models' },
  { key: 'loadTimeoutMs', flag: 'load_timeout_ms', env: 'EDGESERVE_LOAD_TIMEOUT_MS', type: 'integer', arg: 'N', platforms: ALL, default: 120_000,
    help: 'the longest one load (fetch, verify, session, warmup) may take; then DEADLINE_EXCEEDED and a retry', section: 'Models' },

  // Batching
  { key: 'enableBatching', flag: 'enable_batching', env: 'EDGESERVE_BATCHING', type: 'boolean', platforms: ALL, default: false,
    help: 'dynamic batching for every model whose config sets none', section: 'Batching' },
  { key: 'batchingParametersFile', flag: 'batching_parameters_file', type: 'string', arg: 'FILE', platforms: NODE, default: { text: 'TF Serving\'s' },
    help: "TF Serving's BatchingParameters in text format; needs --enable_batching", section: 'Batching' },

  // Runtime
  { key: 'backend', flag: 'backend', env: 'EDGESERVE_BACKEND', type: 'enum', choices: ['ort-node', 'ort-web'], platforms: NODE_LAMBDA, default: 'ort-node',
    help: 'native onnxruntime, or the WASM build Workers run', section: 'Runtime' },
  { key: 'threads', flag: 'tensorflow_intra_op_parallelism', env: 'EDGESERVE_THREADS', type: 'integer', arg: 'N', platforms: NODE_LAMBDA, default: { text: "runtime's" },
    help: "onnxruntime's intra-op threads (one operator's work split); 0: the runtime chooses", section: 'Runtime' },
  { key: 'interOpThreads', flag: 'tensorflow_inter_op_parallelism', env: 'EDGESERVE_INTER_OP_THREADS', type: 'integer', arg: 'N', platforms: NODE_LAMBDA, default: { text: "runtime's" },
    help: "onnxruntime's inter-op threads: above 1, independent operators run at once (parallel execution mode); 0: the runtime chooses", section: 'Runtime' },
  { key: 'sessionParallelism', flag: 'tensorflow_session_parallelism', type: 'integer', arg: 'N', platforms: NODE, default: 0,
    help: 'both thread counts at once, when neither of the two flags above is given (TF Serving\'s rule); 0: the runtime chooses', section: 'Runtime' },
  { key: 'executionProviders', flag: 'execution_providers', env: 'EDGESERVE_EXECUTION_PROVIDERS', type: 'list', arg: 'LIST', platforms: NODE_LAMBDA, default: ['cpu'],
    help: 'ort-node execution providers to try in order, e.g. webgpu,cuda,cpu; the first that starts serves', section: 'Runtime' },

  // Server
  { key: 'port', flag: 'rest_api_port', env: 'EDGESERVE_PORT', type: 'integer', arg: 'N', platforms: NODE, default: 8501,
    help: 'the port; 0 picks a free one', section: 'Server' },
  { key: 'host', flag: 'host', env: 'EDGESERVE_HOST', type: 'string', arg: 'ADDR', platforms: NODE, default: '127.0.0.1',
    help: 'the bind address; 0.0.0.0 in a container', section: 'Server' },
  { key: 'headersTimeoutMs', flag: 'http_headers_timeout_ms', env: 'EDGESERVE_HTTP_HEADERS_TIMEOUT_MS', type: 'integer', arg: 'N', platforms: NODE, default: 10_000,
    help: 'a client has this long to send its request headers, then gets 408 (slowloris)', section: 'Server' },
  { key: 'requestTimeoutMs', flag: 'http_request_timeout_ms', env: 'EDGESERVE_HTTP_REQUEST_TIMEOUT_MS', type: 'integer', arg: 'N', platforms: NODE, default: 60_000,
    help: 'a client has this long to send its whole request, body included (408); 32 MiB in 60 s needs 4.5 Mbit/s', section: 'Server' },
  { key: 'maxConnections', flag: 'max_connections', env: 'EDGESERVE_MAX_CONNECTIONS', type: 'integer', arg: 'N', platforms: NODE, default: 1024,
    help: 'open connections at once; more are closed as they arrive (keep-alive ones count until idle for 5 s)', section: 'Server' },
  { key: 'cors', flag: 'rest_api_enable_cors_support', env: 'EDGESERVE_CORS', type: 'boolean', platforms: ALL, default: false,
    help: 'CORS headers on /v1 responses, and preflights answered', section: 'Server' },
  { key: 'timeoutMs', flag: 'rest_api_timeout_in_ms', env: 'EDGESERVE_TIMEOUT_MS', type: 'integer', arg: 'N', platforms: ALL, default: 30_000,
    help: 'model run deadline (504)', section: 'Server' },
  { key: 'maxBodyBytes', flag: 'max_body_bytes', env: 'EDGESERVE_MAX_BODY_BYTES', type: 'integer', arg: 'N', platforms: ALL,
    default: 33_554_432, defaultOn: { lambda: 6_291_456, workers: 8_388_608 },
    help: "request body limit, after gunzip too (413); Lambda's payload limit is 6 MiB", section: 'Server' },
  { key: 'maxGzipRatio', flag: 'max_gzip_ratio', env: 'EDGESERVE_MAX_GZIP_RATIO', type: 'integer', arg: 'N', platforms: ALL, default: 100,
    help: 'a gzip body may inflate to at most N times its size, past the first MiB (413): a 32 KB bomb is not 32 MB of work', section: 'Server' },
  { key: 'maxRequestElements', flag: 'max_request_elements', env: 'EDGESERVE_MAX_REQUEST_ELEMENTS', type: 'integer', arg: 'N', platforms: ALL, default: 8_388_608, defaultOn: { workers: 1_048_576 },
    help: 'numbers one request may hold, all inputs together (400): counted while parsing, refused before twice as many are stored', section: 'Server' },
  { key: 'maxResponseBytes', flag: 'max_response_bytes', env: 'EDGESERVE_MAX_RESPONSE_BYTES', type: 'integer', arg: 'N', platforms: ALL,
    default: 67_108_864, defaultOn: { workers: 33_554_432 },
    help: 'response body limit (413), checked while the answer is written; on Lambda the sent payload (compressed, base64) must also be under 6 MB', section: 'Server' },
  { key: 'compressResponses', flag: 'compress_responses', env: 'EDGESERVE_COMPRESS_RESPONSES', type: 'boolean', platforms: NODE_LAMBDA, default: true,
    help: "answers of --compress_responses_min_bytes or more go out as br or gzip when the request's Accept-Encoding allows (on Workers, Cloudflare's edge compresses)", section: 'Server' },
  { key: 'compressMinBytes', flag: 'compress_responses_min_bytes', env: 'EDGESERVE_COMPRESS_RESPONSES_MIN_BYTES', type: 'integer', arg: 'N', platforms: NODE_LAMBDA, default: 65_536,
    help: 'the smallest answer worth compressing', section: 'Server' },
  { key: 'routingAdmin', flag: 'enable_routing_admin', env: 'EDGESERVE_ROUTING_ADMIN', type: 'boolean', platforms: ALL, default: false,
    help: 'serve the operator API, the dashboard and the deprecated /edgeserve/routing without authentication (with an auth config they are served to the admin scope anyway)', section: 'Server' },
  { key: 'dashboardPath', flag: 'dashboard_path', env: 'EDGESERVE_DASHBOARD_PATH', type: 'string', arg: 'PATH', platforms: ALL, default: '/edgeserve/dashboard',
    help: 'where the dashboard is served (admin scope; README, "Operating a rollout")', section: 'Server' },
  { key: 'authConfigFile', flag: 'auth_config_file', type: 'string', arg: 'FILE', platforms: NODE, default: { text: 'none: anyone may call' },
    help: 'who may call: API keys and JWTs with scopes (README, "Deploying on the internet"); wins over EDGESERVE_AUTH_CONFIG', section: 'Server' },
  { key: 'authConfig', env: 'EDGESERVE_AUTH_CONFIG', type: 'string', arg: 'JSON', platforms: ALL, secret: true, default: { text: 'none: anyone may call' },
    help: 'the auth config itself (a Workers secret, a Lambda variable from SSM/Secrets Manager)', section: 'Server' },
  { key: 'monitoringConfigFile', flag: 'monitoring_config_file', type: 'string', arg: 'FILE', platforms: NODE, default: { text: 'off' },
    help: "TF Serving's monitoring config: prometheus_config { enable: true path: \"…\" }; wins over EDGESERVE_PROMETHEUS_PATH", section: 'Server' },
  { key: 'prometheusPath', env: 'EDGESERVE_PROMETHEUS_PATH', type: 'string', arg: 'PATH', platforms: ALL, default: { text: 'off' },
    help: 'serve Prometheus metrics at this path (TF Serving\'s: /monitoring/prometheus/metrics)', section: 'Server' },

  // Logs
  { key: 'logFormat', flag: 'log_format', env: 'EDGESERVE_LOG_FORMAT', type: 'enum', choices: ['auto', 'json', 'text'], platforms: NODE, default: 'auto',
    help: 'json: one JSON object per line; text: a start-up summary and readable lines; auto: text when stdout is a terminal', section: 'Logs' },
  { key: 'logRequests', flag: 'log_requests', env: 'EDGESERVE_LOG_REQUESTS', type: 'boolean', platforms: ALL, default: true,
    help: 'one JSON line per /v1 request (EMF on Lambda)', section: 'Logs' },
  { key: 'logRequestBodies', flag: 'log_request_bodies', env: 'EDGESERVE_LOG_REQUEST_BODIES', type: 'rate', arg: 'RATE', platforms: ALL, default: 0,
    help: 'share (0–1) of request records that include the body, cut at 4 KiB', section: 'Logs' },

  // Workers
  { key: 'cacheModels', env: 'EDGESERVE_CACHE_MODELS', type: 'list', arg: 'LIST', platforms: WORKERS, default: { text: 'none' },
    help: 'deterministic models whose predictions may be answered from the edge cache', section: 'Workers' },
  { key: 'warmupModels', env: 'EDGESERVE_WARMUP_MODELS', type: 'list', arg: 'LIST', platforms: WORKERS, default: { text: 'all' },
    help: 'the models the cron warm-up loads', section: 'Workers' },
] as const satisfies readonly OptionSpec[];

export type Option = (typeof OPTIONS)[number];
export type OptionKey = Option['key'];

/** What every reader returns: each option's value, undefined where unset with no value default. */
export type OptionValues = { readonly [O in Option as O['key']]?: ValueOf<O> };

/**
 * Variables renamed when the table unified the spelling, on the platforms that read them. Setting
 * one is an error that names the new name, so a deployment that still sets it fails at start
 * instead of silently reading the default (AWS, not its MinIO).
 */
/** Flags renamed to TF Serving's spelling: the old one is an error that names the new one. */
export const RENAMED_FLAGS: readonly { readonly flag: string; readonly now: string }[] = [
  { flag: 'threads', now: 'tensorflow_intra_op_parallelism' },
];

export const RENAMED_VARIABLES: readonly { readonly env: string; readonly now: string; readonly platforms: readonly Platform[] }[] = [
  { env: 'MODELS_URL', now: 'EDGESERVE_MODEL_BASE_PATH', platforms: WORKERS },
  { env: 'EDGESERVE_S3_ENDPOINT', now: 'S3_ENDPOINT', platforms: ['lambda'] },
  { env: 'EDGESERVE_S3_FORCE_PATH_STYLE', now: 'S3_FORCE_PATH_STYLE', platforms: NODE_LAMBDA },
];
