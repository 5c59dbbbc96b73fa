// The EDGESERVE_* environment variables → serving options, for platforms configured by their
// environment (Workers vars, Lambda environment). Defaults differ per platform, so they are passed in.
import type { EdgeserveOptions } from './app.ts';
import { DEFAULT_SERVING_OPTIONS } from './app.ts';
import { DEFAULT_REST_OPTIONS } from './rest/handler.ts';
import { parseRepositoryConfig } from './config/model-config.ts';

export type EnvRecord = Readonly<Record<string, string | undefined>>;

type EnvOptions = Pick<EdgeserveOptions, 'config' | 'refreshIntervalMs' | 'memoryBudgetBytes' | 'maxBodyBytes' | 'timeoutMs' | 'cors' | 'routingAdmin' | 'metricsPath' | 'requestBodySampleRate'>;

/** A non-negative integer variable, or the fallback when unset; a bad value throws naming it. */
export function envNumber(env: EnvRecord, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

export function envFlag(env: EnvRecord, name: string): boolean {
  return env[name] === '1' || env[name] === 'true';
}

export function optionsFromEnv(env: EnvRecord, defaults: { memoryBudgetBytes?: number; maxBodyBytes?: number } = {}): EnvOptions {
  const config = env.EDGESERVE_MODEL_CONFIG;
  return {
    config: config ? parseRepositoryConfig(config, 'EDGESERVE_MODEL_CONFIG') : undefined,
    refreshIntervalMs: 1000 * envNumber(env, 'EDGESERVE_POLL_SECONDS', DEFAULT_SERVING_OPTIONS.refreshIntervalMs / 1000),
    memoryBudgetBytes: envNumber(env, 'EDGESERVE_MEMORY_BUDGET_BYTES', defaults.memoryBudgetBytes ?? DEFAULT_SERVING_OPTIONS.memoryBudgetBytes),
    maxBodyBytes: envNumber(env, 'EDGESERVE_MAX_BODY_BYTES', defaults.maxBodyBytes ?? DEFAULT_REST_OPTIONS.maxBodyBytes),
    timeoutMs: envNumber(env, 'EDGESERVE_TIMEOUT_MS', DEFAULT_REST_OPTIONS.timeoutMs),
    cors: envFlag(env, 'EDGESERVE_CORS'),
    routingAdmin: envFlag(env, 'EDGESERVE_ROUTING_ADMIN'),
    metricsPath: env.EDGESERVE_PROMETHEUS_PATH || undefined,
    requestBodySampleRate: envRate(env, 'EDGESERVE_LOG_REQUEST_BODIES'),
  };
}

/** Per-request log lines, on unless EDGESERVE_LOG_REQUESTS is 0/false. */
export function logRequests(env: EnvRecord): boolean {
  return env.EDGESERVE_LOG_REQUESTS !== '0' && env.EDGESERVE_LOG_REQUESTS !== 'false';
}

function envRate(env: EnvRecord, name: string): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!(n >= 0 && n <= 1)) throw new Error(`${name} must be a number from 0 to 1, got "${raw}"`);
  return n;
}
