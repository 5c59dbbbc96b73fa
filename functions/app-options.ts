// Option values (read over the one option table by any adapter) → createEdgeserve's options. One
// mapping for Node, Workers and Lambda, so a setting the table gives a platform reaches serving
// there. What needs the platform (store, backend, log sink, files named by flags) the adapter adds.
import type { EdgeserveOptions } from './app.ts';
import { parseAuthConfig } from './auth/auth-config.ts';
import { DEFAULT_BATCHING } from './config/batching-parameters.ts';
import { parseRepositoryConfig, type RepositoryConfig } from './config/model-config.ts';
import { modelSource, type ModelSource, type Notice } from './options/model-source.ts';
import type { OptionValues } from './options/option-table.ts';
import { OptionError } from './options/parse-value.ts';

export type ServingOptions = Pick<
  EdgeserveOptions,
  | 'config' | 'cors' | 'routingAdmin' | 'dashboardPath' | 'metricsPath' | 'requestBodySampleRate' | 'maxBodyBytes' | 'maxGzipRatio'
  | 'maxRequestElements' | 'maxResponseBytes' | 'timeoutMs'
  | 'refreshIntervalMs' | 'memoryBudgetBytes' | 'maxLoadRetries' | 'loadRetryIntervalMs' | 'loadTimeoutMs'
  | 'warmup' | 'warmupIterations' | 'batching' | 'auth' | 'allowVersionLabelsForUnavailableModels'
>;

export interface ServingChoice {
  readonly serving: ServingOptions;
  /** Which models are served (the adapter opens the store that goes with it). */
  readonly source: ModelSource;
  /** Warnings for the operator, to be logged at start. */
  readonly notices: readonly Notice[];
}

/** What only the platform knows; Node resolves a relative single-model folder against the working directory. */
export interface PlatformPaths {
  readonly absolute?: (path: string) => string;
}

/**
 * Unset values stay undefined, so createEdgeserve's own defaults apply (the table's defaults are
 * the same numbers, checked by test/options). Batching turned on without parameters takes TF
 * Serving's defaults; Node replaces them with --batching_parameters_file's.
 */
export function servingChoice(values: OptionValues, paths: PlatformPaths = {}): ServingChoice {
  const { source, notices } = modelSource(values);
  const config =
    source.kind === 'single'
      ? singleModelConfig(source.name, paths.absolute ? paths.absolute(source.basePath) : source.basePath)
      : values.modelConfig
        ? checkVersionLabels(parseRepositoryConfig(values.modelConfig, 'EDGESERVE_MODEL_CONFIG'), values.allowVersionLabels ?? true)
        : undefined;
  const serving: ServingOptions = {
    config,
    cors: values.cors,
    routingAdmin: values.routingAdmin,
    dashboardPath: dashboardPath(values.dashboardPath),
    metricsPath: values.prometheusPath || undefined,
    requestBodySampleRate: values.logRequestBodies,
    maxBodyBytes: values.maxBodyBytes,
    maxGzipRatio: values.maxGzipRatio,
    maxRequestElements: values.maxRequestElements,
    maxResponseBytes: values.maxResponseBytes,
    timeoutMs: values.timeoutMs,
    refreshIntervalMs: values.pollSeconds === undefined ? undefined : values.pollSeconds * 1000,
    memoryBudgetBytes: values.memoryBudgetBytes,
    maxLoadRetries: values.maxLoadRetries,
    // TF Serving's flag is in microseconds; edgeserve's own option in milliseconds.
    loadRetryIntervalMs: values.loadRetryIntervalMicros !== undefined ? Math.ceil(values.loadRetryIntervalMicros / 1000) : values.loadRetryIntervalMs,
    loadTimeoutMs: values.loadTimeoutMs,
    warmup: values.warmup,
    // TF Serving uses num_request_iterations_for_warmup "only if > 0": 0 is the default, one replay.
    warmupIterations: values.warmupIterations || undefined,
    batching: values.enableBatching ? DEFAULT_BATCHING : undefined,
    auth: values.authConfig ? parseAuthConfig(values.authConfig, 'EDGESERVE_AUTH_CONFIG') : undefined,
    allowVersionLabelsForUnavailableModels: values.allowVersionLabelsForUnavailableModels,
  };
  return { serving, source, notices };
}

/** An exact path outside the protocols' own trees (a dashboard under /v1/ would shadow TF Serving's grammar). */
function dashboardPath(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  if (!/^\/[\x21-\x7e]*$/.test(path) || path.includes('?') || /^\/v[12](\/|$)/i.test(path)) {
    throw new OptionError(`--dashboard_path must be a path starting with / outside /v1/ and /v2/, not ${JSON.stringify(path)}`);
  }
  return path;
}

/** The serving options alone (Workers, which have no single-model mode, and tests). */
export function servingOptions(values: OptionValues, paths: PlatformPaths = {}): ServingOptions {
  return servingChoice(values, paths).serving;
}

/**
 * TF Serving's BuildSingleModelConfig: one model, this name, its versions in this folder or URL
 * (absolute, so it is read there and not under a repository), the default policy (latest 1).
 */
export function singleModelConfig(name: string, basePath: string): RepositoryConfig {
  if (name === '') throw new OptionError('--model_name must not be empty');
  return parseRepositoryConfig(JSON.stringify({ models: [{ name, base_path: basePath }] }), '--model_name');
}

/**
 * TF Serving's allow_version_labels = false: a config that assigns labels is refused, with its
 * message. Returns the config unchanged when labels are allowed or none are given.
 */
export function checkVersionLabels(config: RepositoryConfig, allowed: boolean): RepositoryConfig {
  if (allowed) return config;
  const labelled = config.models.filter((m) => m.versionLabels.size > 0).map((m) => m.name);
  if (labelled.length > 0) {
    throw new OptionError(`Model version labels are not currently allowed by the server (--allow_version_labels=false), but the config labels ${labelled.join(', ')}`);
  }
  return config;
}
