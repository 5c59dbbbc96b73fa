// The Cloudflare Workers adapter: `fetch` serves TF Serving's REST API from models in R2 (or any
// S3/HTTPS repository), `scheduled` (the cron trigger) runs the warm-up. One edgeserve per isolate,
// built on its first event; refreshes and background loads ride on ctx.waitUntil.
import { createEdgeserve, type Edgeserve } from '../../functions/app.ts';
import { logRequests, optionsFromEnv, type EnvRecord } from '../../functions/env-options.ts';
import { jsonLineSink } from '../../functions/metrics/request-record.ts';
import { consoleLogger } from '../../functions/util/log.ts';
import { HttpStore } from '../../functions/storage/http.ts';
import { parseS3Url } from '../../functions/storage/model-store.ts';
import { S3FetchStore } from '../../functions/storage/s3-fetch.ts';
import type { ModelStore } from '../../functions/storage/model-store.ts';
import { R2Store, type R2BucketLike } from '../storage/r2.ts';
import { cachedPredict, type CacheLike } from './edge-cache.ts';
import { createWorkersBackend } from './ort-wasm.ts';

export interface Env {
  /** The R2 bucket holding the model repository. */
  readonly MODELS?: R2BucketLike;
  /** Key prefix of the repository inside MODELS. */
  readonly MODELS_PREFIX?: string;
  /** Instead of R2: `s3://bucket/prefix` (any S3 API), or an https:// repository with an index.json. */
  readonly MODELS_URL?: string;
  /** For s3:// repositories: the endpoint (R2's S3 API, MinIO …), region, path-style, and credentials (as secrets). */
  readonly S3_ENDPOINT?: string;
  readonly S3_REGION?: string;
  readonly S3_FORCE_PATH_STYLE?: string;
  readonly AWS_ACCESS_KEY_ID?: string;
  readonly AWS_SECRET_ACCESS_KEY?: string;
  readonly AWS_SESSION_TOKEN?: string;
  readonly EDGESERVE_MODEL_CONFIG?: string;
  readonly EDGESERVE_POLL_SECONDS?: string;
  readonly EDGESERVE_MEMORY_BUDGET_BYTES?: string;
  readonly EDGESERVE_MAX_BODY_BYTES?: string;
  readonly EDGESERVE_TIMEOUT_MS?: string;
  readonly EDGESERVE_CORS?: string;
  /** Comma-separated models whose predictions may be answered from the edge cache. */
  readonly EDGESERVE_CACHE_MODELS?: string;
  /** Comma-separated models the cron warm-up loads (default: all). */
  readonly EDGESERVE_WARMUP_MODELS?: string;
}

interface ExecutionContext {
  waitUntil(p: Promise<unknown>): void;
  passThroughOnException?(): void;
}

let instance: { env: Env; edgeserve: Edgeserve } | undefined;

function edgeserveFor(env: Env): Edgeserve {
  if (instance?.env === env) return instance.edgeserve;
  const edgeserve = createEdgeserve({
    store: storeFor(env),
    backend: createWorkersBackend(),
    logger: consoleLogger,
    ...optionsFromEnv(env as unknown as EnvRecord),
    // Workers Logs (and Logpush) parse JSON lines: one per request carries its numbers.
    requestSink: logRequests(env as unknown as EnvRecord) ? jsonLineSink((line) => console.log(line)) : undefined,
  });
  instance = { env, edgeserve };
  return edgeserve;
}

function storeFor(env: Env): ModelStore {
  if (env.MODELS) return new R2Store(env.MODELS, env.MODELS_PREFIX ?? '');
  if (env.MODELS_URL?.startsWith('s3://')) {
    const { bucket, prefix } = parseS3Url(env.MODELS_URL);
    return new S3FetchStore({
      bucket,
      prefix,
      endpoint: env.S3_ENDPOINT,
      region: env.S3_REGION,
      forcePathStyle: env.S3_FORCE_PATH_STYLE === '1' || env.S3_FORCE_PATH_STYLE === 'true',
      // Workers have no AWS credential chain: the keys come as secrets.
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
      sessionToken: env.AWS_SESSION_TOKEN,
    });
  }
  if (env.MODELS_URL) return new HttpStore(env.MODELS_URL);
  throw new Error('edgeserve needs an R2 binding named MODELS, or MODELS_URL (s3://… or https://…)');
}

const list = (raw: string | undefined) => new Set((raw ?? '').split(',').map((s) => s.trim()).filter(Boolean));

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const edgeserve = edgeserveFor(env);
    const next = (r: Request) => Promise.resolve(edgeserve.app.fetch(r, env, ctx as never));
    const cache = (globalThis as unknown as { caches?: { default?: CacheLike } }).caches?.default;
    const cached = list(env.EDGESERVE_CACHE_MODELS);
    if (cache === undefined || cached.size === 0) return next(request);
    return cachedPredict(request, edgeserve, cache, cached, ctx, next);
  },

  async scheduled(_controller: unknown, env: Env, ctx: ExecutionContext): Promise<void> {
    const models = list(env.EDGESERVE_WARMUP_MODELS);
    const work = edgeserveFor(env).warmup(models.size ? [...models] : undefined).then((statuses) => {
      consoleLogger.log('info', 'scheduled_warmup', {
        models: Object.fromEntries([...statuses].map(([m, s]) => [m, s.map((v) => `${v.version}:${v.state}`)])),
      });
    });
    ctx.waitUntil(work);
    await work;
  },
};
