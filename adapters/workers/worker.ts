// The Cloudflare Workers adapter: `fetch` serves TF Serving's REST API from models in R2 (or any
// S3/HTTPS repository), `scheduled` (the cron trigger) runs the warm-up. One edgeserve per isolate,
// built on its first event from the env (options.ts); refreshes and background loads ride on
// ctx.waitUntil. This platform's exchange (Fetch Request/Response ⇄ the REST layer's) is
// functions/http/exchange.ts rather than a file here: the hono app in functions/app.ts, which
// every platform's Fetch path goes through, uses the same conversion.
import { createEdgeserve, type Edgeserve } from '../../functions/app.ts';
import { consoleLogger } from '../../functions/util/log.ts';
import { cachedPredict, type CacheLike } from './edge-cache.ts';
import { workersListingCache } from './listing-cache.ts';
import { workersOptions, type Env, type WorkersOptions } from './options.ts';
import { createWorkersBackend } from './ort-wasm.ts';

interface ExecutionContext {
  waitUntil(p: Promise<unknown>): void;
  passThroughOnException?(): void;
}

let instance: { env: Env; edgeserve: Edgeserve; options: WorkersOptions } | undefined;

function instanceFor(env: Env): { edgeserve: Edgeserve; options: WorkersOptions } {
  if (instance?.env === env) return instance;
  const options = workersOptions(env);
  // A fresh isolate serves from the last listing in the Cache API while the real one is made.
  const listingCache = workersListingCache(options.serving.store.description);
  const edgeserve = createEdgeserve({ logger: consoleLogger, listingCache, ...options.serving, backend: createWorkersBackend() });
  instance = { env, edgeserve, options };
  return instance;
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const { edgeserve, options } = instanceFor(env);
    const next = (r: Request) => Promise.resolve(edgeserve.app.fetch(r, env, ctx as never));
    const cache = (globalThis as unknown as { caches?: { default?: CacheLike } }).caches?.default;
    if (cache === undefined || options.cacheModels.size === 0) return next(request);
    return cachedPredict(request, edgeserve, cache, options.cacheModels, ctx, next);
  },

  async scheduled(_controller: unknown, env: Env, ctx: ExecutionContext): Promise<void> {
    const { edgeserve, options } = instanceFor(env);
    const work = edgeserve.warmup(options.warmupModels).then((statuses) => {
      consoleLogger.log('info', 'scheduled_warmup', {
        models: Object.fromEntries([...statuses].map(([m, s]) => [m, s.map((v) => `${v.version}:${v.state}`)])),
      });
    });
    ctx.waitUntil(work);
    await work;
  },
};
