// Option values → createEdgeserve's options, the one mapping every adapter uses.
import { describe, expect, it } from 'vitest';
import { servingOptions } from '../../functions/app-options.ts';
import { DEFAULT_BATCHING } from '../../functions/config/batching-parameters.ts';
import type { RepositoryConfig } from '../../functions/config/model-config.ts';
import { readEnvOptions } from '../../functions/options/read-options.ts';

describe('servingOptions', () => {
  it('maps every serving option', () => {
    const values = readEnvOptions(
      {
        EDGESERVE_MODEL_CONFIG: '{"models": [{"name": "m", "base_path": "m"}]}', EDGESERVE_POLL_SECONDS: '4', EDGESERVE_MEMORY_BUDGET_BYTES: '1000',
        EDGESERVE_MAX_BODY_BYTES: '2000', EDGESERVE_TIMEOUT_MS: '3000', EDGESERVE_CORS: '1', EDGESERVE_ROUTING_ADMIN: 'true',
        EDGESERVE_PROMETHEUS_PATH: '/metrics', EDGESERVE_LOG_REQUEST_BODIES: '0.25', EDGESERVE_WARMUP: 'false',
        EDGESERVE_WARMUP_ITERATIONS: '2', EDGESERVE_MAX_LOAD_RETRIES: '1', EDGESERVE_LOAD_RETRY_INTERVAL_MS: '10',
        EDGESERVE_LOAD_TIMEOUT_MS: '500', EDGESERVE_BATCHING: '1',
      },
      'lambda',
    );
    const options = servingOptions(values);
    expect(options).toMatchObject({
      refreshIntervalMs: 4000, memoryBudgetBytes: 1000, maxBodyBytes: 2000, timeoutMs: 3000, cors: true, routingAdmin: true,
      metricsPath: '/metrics', requestBodySampleRate: 0.25, warmup: false, warmupIterations: 2, maxLoadRetries: 1,
      loadRetryIntervalMs: 10, loadTimeoutMs: 500, batching: DEFAULT_BATCHING,
    });
    expect((options.config as RepositoryConfig | undefined)?.models.map((m) => m.name)).toEqual(['m']);
  });

  it('leaves batching, the config and metrics off by default', () => {
    const options = servingOptions(readEnvOptions({}, 'workers'));
    expect(options.batching).toBeUndefined();
    expect(options.config).toBeUndefined();
    expect(options.metricsPath).toBeUndefined();
    expect(options.warmup).toBe(true);
  });

  it('names EDGESERVE_MODEL_CONFIG when the config is bad', () => {
    expect(() => servingOptions(readEnvOptions({ EDGESERVE_MODEL_CONFIG: '{"models": 3}' }, 'workers'))).toThrow(/EDGESERVE_MODEL_CONFIG/);
  });
});
