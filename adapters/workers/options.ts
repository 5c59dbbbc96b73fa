// The Worker's options, read from its env (`[vars]`, secrets, bindings) over the shared option
// table: the same names as Node's variables and Lambda's environment, plus the Workers-only ones
// (MODELS_PREFIX, EDGESERVE_CACHE_MODELS, EDGESERVE_WARMUP_MODELS, the S3 keys as secrets).
import type { EdgeserveOptions } from '../../functions/app.ts';
import { servingOptions } from '../../functions/app-options.ts';
import { jsonLineSink } from '../../functions/metrics/request-record.ts';
import type { OptionValues } from '../../functions/options/option-table.ts';
import { readEnvOptions } from '../../functions/options/read-options.ts';
import { s3EndpointUrl } from '../../functions/options/s3-endpoint.ts';
import { consoleLogger } from '../../functions/util/log.ts';
import { HttpStore } from '../../functions/storage/http.ts';
import { parseS3Url, type ModelStore } from '../../functions/storage/model-store.ts';
import { S3FetchStore } from '../../functions/storage/s3-fetch.ts';
import { R2Store, type R2BucketLike } from '../storage/r2.ts';

/**
 * The Worker's env: the R2 binding holding the repository, and the variables of the option table
 * (README, "Configuration"), all optional.
 */
export interface Env {
  readonly MODELS?: R2BucketLike;
  readonly [variable: string]: unknown;
}

export interface WorkersOptions {
  /** Everything createEdgeserve takes but the backend (the entry builds ort's WASM one). */
  readonly serving: Omit<EdgeserveOptions, 'backend'>;
  /** Models whose predictions may be answered from the edge cache. */
  readonly cacheModels: ReadonlySet<string>;
  /** Models the cron warm-up loads; undefined: every model. */
  readonly warmupModels: readonly string[] | undefined;
}

export function workersOptions(env: Env): WorkersOptions {
  const values = readEnvOptions(env, 'workers');
  if (values.s3VerifySsl === false) {
    // fetch() on Workers always verifies certificates; there is no switch to honour.
    consoleLogger.log('warn', 'variable_ignored', { variables: ['S3_VERIFY_SSL'], reason: 'Workers always check the S3 endpoint\'s certificate' });
  }
  return {
    serving: {
      ...servingOptions(values),
      store: storeFor(env, values),
      // A config's absolute base_path (s3://…, https://…) is read where it points.
      openStore: (location) => urlStore(location, values),
      // Workers Logs (and Logpush) parse JSON lines: one per request carries its numbers.
      requestSink: values.logRequests === false ? undefined : jsonLineSink((line) => console.log(line)),
    },
    cacheModels: new Set(values.cacheModels ?? []),
    warmupModels: values.warmupModels?.length ? values.warmupModels : undefined,
  };
}

/** The R2 binding when there is one; else EDGESERVE_MODEL_BASE_PATH, which has no folder form here. */
function storeFor(env: Env, values: OptionValues): ModelStore {
  if (typeof env.MODELS === 'object' && env.MODELS !== null) return new R2Store(env.MODELS, values.modelsPrefix ?? '');
  const location = values.modelBasePath;
  if (location !== undefined) return urlStore(location, values, 'EDGESERVE_MODEL_BASE_PATH');
  throw new Error('edgeserve needs an R2 binding named MODELS, or EDGESERVE_MODEL_BASE_PATH (s3://… or https://…)');
}

/** An s3:// or https:// location, with the storage options of the table. */
function urlStore(location: string, values: OptionValues, name = 'base_path'): ModelStore {
  if (location.startsWith('s3://')) {
    const { bucket, prefix } = parseS3Url(location);
    return new S3FetchStore({
      bucket,
      prefix,
      endpoint: s3EndpointUrl(values.s3Endpoint, values.s3UseHttps),
      region: values.s3Region ?? values.awsRegion,
      forcePathStyle: values.s3ForcePathStyle,
      // Workers have no AWS credential chain: the keys come as secrets.
      accessKeyId: values.awsAccessKeyId ?? '',
      secretAccessKey: values.awsSecretAccessKey ?? '',
      sessionToken: values.awsSessionToken,
      timeoutMs: values.storageTimeoutMs,
    });
  }
  if (/^https?:\/\//.test(location)) return new HttpStore(location, { timeoutMs: values.storageTimeoutMs });
  throw new Error(`${name} must be s3://… or https://… on Workers (there is no filesystem), got ${JSON.stringify(location)}`);
}
