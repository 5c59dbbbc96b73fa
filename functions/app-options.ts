// Option values (read over the one option table by any adapter) → createEdgeserve's options. One
// mapping for Node, Workers and Lambda, so a setting the table gives a platform reaches serving
// there. What needs the platform (store, backend, log sink, files named by flags) the adapter adds.
import type { EdgeserveOptions } from './app.ts';
import { parseAuthConfig } from './auth/auth-config.ts';
import { DEFAULT_BATCHING } from './config/batching-parameters.ts';
import { parseRepositoryConfig } from './config/model-config.ts';
import type { OptionValues } from './options/option-table.ts';

export type ServingOptions = Pick<
  EdgeserveOptions,
  | 'config' | 'cors' | 'routingAdmin' | 'metricsPath' | 'requestBodySampleRate' | 'maxBodyBytes' | 'timeoutMs'
  | 'refreshIntervalMs' | 'memoryBudgetBytes' | 'maxLoadRetries' | 'loadRetryIntervalMs' | 'loadTimeoutMs'
  | 'warmup' | 'warmupIterations' | 'batching' | 'auth'
>;

/**
 * Unset values stay undefined, so createEdgeserve's own defaults apply (the table's defaults are
 * the same numbers, checked by test/options). Batching turned on without parameters takes TF
 * Serving's defaults; Node replaces them with --batching_parameters_file's.
 */
export function servingOptions(values: OptionValues): ServingOptions {
  return {
    config: values.modelConfig ? parseRepositoryConfig(values.modelConfig, 'EDGESERVE_MODEL_CONFIG') : undefined,
    cors: values.cors,
    routingAdmin: values.routingAdmin,
    metricsPath: values.prometheusPath || undefined,
    requestBodySampleRate: values.logRequestBodies,
    maxBodyBytes: values.maxBodyBytes,
    timeoutMs: values.timeoutMs,
    refreshIntervalMs: values.pollSeconds === undefined ? undefined : values.pollSeconds * 1000,
    memoryBudgetBytes: values.memoryBudgetBytes,
    maxLoadRetries: values.maxLoadRetries,
    loadRetryIntervalMs: values.loadRetryIntervalMs,
    loadTimeoutMs: values.loadTimeoutMs,
    warmup: values.warmup,
    warmupIterations: values.warmupIterations,
    batching: values.enableBatching ? DEFAULT_BATCHING : undefined,
    auth: values.authConfig ? parseAuthConfig(values.authConfig, 'EDGESERVE_AUTH_CONFIG') : undefined,
  };
}
