// The option table itself: one spelling per option, TF Serving's names, defaults that agree with
// the code's own defaults.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONNECTION_LIMITS } from '../../adapters/node/connection-limits.ts';
import { DEFAULT_COMPRESSION } from '../../adapters/shared/response-compression.ts';
import { DEFAULT_SERVING_OPTIONS } from '../../functions/app.ts';
import { DEFAULT_REST_OPTIONS } from '../../functions/rest/handler.ts';
import { defaultOf, PLATFORMS, SECTIONS, type OptionSpec } from '../../functions/options/option-spec.ts';
import { OPTIONS } from '../../functions/options/option-table.ts';

const options = OPTIONS as readonly OptionSpec[];
const byKey = new Map(options.map((o) => [o.key, o]));
const duplicates = (names: (string | undefined)[]) => names.filter((n, i) => n !== undefined && names.indexOf(n) !== i);

describe('the option table', () => {
  it('has one key, one flag and one variable per option', () => {
    expect(duplicates(options.map((o) => o.key))).toEqual([]);
    expect(duplicates(options.map((o) => o.flag))).toEqual([]);
    expect(duplicates(options.map((o) => o.env))).toEqual([]);
  });

  it('writes keys in camelCase and flags in snake_case, each option with a flag or a variable', () => {
    for (const o of options) {
      expect(o.key).toMatch(/^[a-z][a-zA-Z0-9]*$/);
      if (o.flag !== undefined) expect(o.flag).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(o.flag ?? o.env).toBeDefined();
      expect(o.platforms.length).toBeGreaterThan(0);
      expect(SECTIONS).toContain(o.section);
      expect(o.help).not.toBe('');
      if (o.type === 'enum') expect(o.choices?.length).toBeGreaterThan(0);
      // A flag exists only on Node's command line.
      if (o.flag !== undefined) expect(o.platforms).toContain('node');
    }
  });

  it("uses TF Serving's flag names and its S3_ENDPOINT", () => {
    const flags = new Set(options.map((o) => o.flag));
    for (const flag of [
      'model_base_path', 'rest_api_port', 'file_system_poll_wait_seconds', 'enable_model_warmup', 'num_request_iterations_for_warmup',
      'max_num_load_retries', 'rest_api_timeout_in_ms', 'rest_api_enable_cors_support', 'enable_batching', 'batching_parameters_file',
      'monitoring_config_file', 'model_config_file',
    ]) expect(flags).toContain(flag);
    expect(byKey.get('s3Endpoint')).toMatchObject({ flag: 's3_endpoint', env: 'S3_ENDPOINT', platforms: ['node', 'workers', 'lambda'] });
    expect(byKey.get('loadTimeoutMs')).toMatchObject({ flag: 'load_timeout_ms', env: 'EDGESERVE_LOAD_TIMEOUT_MS', default: 120_000 });
    expect(byKey.get('modelBasePath')?.env).toBe('EDGESERVE_MODEL_BASE_PATH');
  });

  it("gives the defaults createEdgeserve and the REST handler use themselves", () => {
    const d = (key: string, platform: (typeof PLATFORMS)[number] = 'workers') => defaultOf(byKey.get(key)!, platform);
    expect(d('pollSeconds')).toBe(DEFAULT_SERVING_OPTIONS.refreshIntervalMs / 1000);
    expect(d('memoryBudgetBytes')).toBe(DEFAULT_SERVING_OPTIONS.memoryBudgetBytes);
    expect(d('maxLoadRetries')).toBe(DEFAULT_SERVING_OPTIONS.maxLoadRetries);
    expect(d('loadRetryIntervalMs')).toBe(DEFAULT_SERVING_OPTIONS.loadRetryIntervalMs);
    expect(d('warmup')).toBe(DEFAULT_SERVING_OPTIONS.warmup);
    expect(d('warmupIterations')).toBe(DEFAULT_SERVING_OPTIONS.warmupIterations);
    expect(d('timeoutMs')).toBe(DEFAULT_REST_OPTIONS.timeoutMs);
    expect(d('maxBodyBytes', 'node')).toBe(DEFAULT_REST_OPTIONS.maxBodyBytes);
    expect(d('cors')).toBe(DEFAULT_REST_OPTIONS.cors);
    expect(d('maxBodyBytes', 'lambda')).toBe(6 * 1024 * 1024);
    expect(d('maxGzipRatio')).toBe(DEFAULT_REST_OPTIONS.maxGzipRatio);
    expect(d('maxRequestElements', 'node')).toBe(DEFAULT_REST_OPTIONS.maxRequestElements);
    expect(d('maxResponseBytes', 'node')).toBe(DEFAULT_REST_OPTIONS.maxResponseBytes);
    expect(d('maxResponseBytes', 'lambda')).toBe(DEFAULT_REST_OPTIONS.maxResponseBytes);
    expect(d('compressResponses', 'node')).toBe(DEFAULT_COMPRESSION.enabled);
    expect(d('compressMinBytes', 'lambda')).toBe(DEFAULT_COMPRESSION.minBytes);
    expect(d('headersTimeoutMs', 'node')).toBe(DEFAULT_CONNECTION_LIMITS.headersTimeoutMs);
    expect(d('requestTimeoutMs', 'node')).toBe(DEFAULT_CONNECTION_LIMITS.requestTimeoutMs);
    expect(d('maxConnections', 'node')).toBe(DEFAULT_CONNECTION_LIMITS.maxConnections);
    expect(d('memoryBudgetBytes', 'lambda')).toBe(512 * 1024 * 1024);
    expect(d('memoryBudgetBytes', 'node')).toEqual({ text: 'half the RAM' });
  });

  it('keeps every option the platforms read before the table', () => {
    const envs = new Set(options.map((o) => o.env));
    for (const env of [
      'EDGESERVE_MODEL_BASE_PATH', 'EDGESERVE_PORT', 'EDGESERVE_HOST', 'EDGESERVE_BACKEND', 'EDGESERVE_THREADS', 'EDGESERVE_CORS',
      'EDGESERVE_TIMEOUT_MS', 'EDGESERVE_MAX_BODY_BYTES', 'EDGESERVE_LAZY', 'EDGESERVE_MODEL_CONFIG', 'EDGESERVE_POLL_SECONDS',
      'S3_FORCE_PATH_STYLE', 'S3_REGION', 'EDGESERVE_STORAGE_TIMEOUT_MS', 'EDGESERVE_MEMORY_BUDGET_BYTES', 'EDGESERVE_WARMUP',
      'EDGESERVE_WARMUP_ITERATIONS', 'EDGESERVE_MAX_LOAD_RETRIES', 'EDGESERVE_LOAD_RETRY_INTERVAL_MS', 'EDGESERVE_BATCHING',
      'EDGESERVE_EXECUTION_PROVIDERS', 'EDGESERVE_ROUTING_ADMIN', 'EDGESERVE_PROMETHEUS_PATH', 'EDGESERVE_LOG_REQUESTS',
      'EDGESERVE_LOG_REQUEST_BODIES', 'MODELS_PREFIX', 'EDGESERVE_CACHE_MODELS', 'EDGESERVE_WARMUP_MODELS', 'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
    ]) expect(envs).toContain(env);
  });
});
