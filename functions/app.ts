// The product: a hono app that speaks TF Serving's REST contract. Platform adapters build the
// dependencies (store, backend, logger) and hand them in; nothing here is platform-specific.
import { Hono } from 'hono';
import { consoleLogger, type Logger } from './log.ts';
import { fromFetchRequest, toFetchResponse } from './rest/exchange.ts';
import { createRestHandler, DEFAULT_REST_OPTIONS, type RestHandler } from './rest/handler.ts';
import type { InferenceBackend } from './runtime/backend.ts';
import { Loader } from './serving/loader.ts';
import { Manager } from './serving/manager.ts';
import { Source } from './serving/source.ts';
import type { ModelStore } from './storage/model-store.ts';

export interface EdgeserveOptions {
  readonly store: ModelStore;
  readonly backend: InferenceBackend;
  readonly logger?: Logger;
  readonly cors?: boolean;
  readonly maxBodyBytes?: number;
  readonly timeoutMs?: number;
}

export interface Edgeserve {
  /** The Fetch-API app (Workers, Lambda through hono's adapter, tests). */
  readonly app: Hono;
  /** The same handler without Fetch objects, for adapters that can skip them (Node). */
  readonly handle: RestHandler;
  readonly manager: Manager;
}

export function createEdgeserve(options: EdgeserveOptions): Edgeserve {
  const logger = options.logger ?? consoleLogger;
  const manager = new Manager({
    source: new Source(options.store),
    loader: new Loader(options.store, options.backend),
    logger,
  });
  const handle = createRestHandler({
    manager,
    logger,
    cors: options.cors ?? DEFAULT_REST_OPTIONS.cors,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_REST_OPTIONS.maxBodyBytes,
    timeoutMs: options.timeoutMs ?? DEFAULT_REST_OPTIONS.timeoutMs,
  });
  const app = new Hono();
  // TF Serving's URL grammar (case-insensitive, `name:verb` segments, raw query) is not expressible
  // as hono routes, so one route takes everything and the REST layer matches as upstream does.
  app.all('*', async (c) => toFetchResponse(await handle(fromFetchRequest(c.req.raw))));
  return { app, handle, manager };
}
