// The AWS Lambda adapter: API Gateway (REST v1 and HTTP API v2), Function URLs and ALB targets
// go straight to the REST handler (http-event.ts); EventBridge schedules run the warm-up; any
// other event fails with a message that names it. Configuration comes from the environment
// (the same EDGESERVE_* names as the CLI); one edgeserve per execution environment.
import type { Context } from 'aws-lambda';
import { createEdgeserve, type Edgeserve } from '../../functions/app.ts';
import { envFlag, envNumber, logRequests, optionsFromEnv } from '../../functions/env-options.ts';
import { emfSink } from '../../functions/metrics/emf.ts';
import { consoleLogger } from '../../functions/util/log.ts';
import { type BackendName, createNodeBackend } from '../shared/ort-backends.ts';
import { storeFromUrl } from '../shared/store-from-url.ts';
import { describeEvent, eventKind, warmupModels } from './events.ts';
import { restRequestFromEvent, resultFromRestResponse } from './http-event.ts';

let instance: Promise<Edgeserve> | undefined;

function edgeserve(env: NodeJS.ProcessEnv = process.env) {
  instance ??= (async () => {
    const location = env.EDGESERVE_MODEL_BASE_PATH;
    if (!location) throw new Error('EDGESERVE_MODEL_BASE_PATH is not set (e.g. s3://my-bucket/models)');
    const es = createEdgeserve({
      store: storeFromUrl(location, {
        s3Endpoint: env.EDGESERVE_S3_ENDPOINT,
        s3ForcePathStyle: envFlag(env, 'EDGESERVE_S3_FORCE_PATH_STYLE'),
        timeoutMs: envNumber(env, 'EDGESERVE_STORAGE_TIMEOUT_MS', 10_000),
      }),
      backend: await createNodeBackend((env.EDGESERVE_BACKEND ?? 'ort-node') as BackendName),
      logger: consoleLogger,
      // Lambda's memory is the function's setting, not 128 MB; its synchronous payload limit is 6 MB.
      ...optionsFromEnv(env, { memoryBudgetBytes: 512 * 1024 * 1024, maxBodyBytes: 6 * 1024 * 1024 }),
      // CloudWatch turns each request's EMF line into metrics (count, latency, cold starts per model).
      requestSink: logRequests(env) ? emfSink((line) => process.stdout.write(`${line}\n`)) : undefined,
    });
    return es;
  })();
  instance.catch(() => (instance = undefined)); // a bad start is retried by the next invocation
  return instance;
}

export async function handler(event: unknown, _context: Context): Promise<unknown> {
  switch (eventKind(event)) {
    case 'http': {
      const es = await edgeserve();
      return resultFromRestResponse(event as never, await es.handle(restRequestFromEvent(event as never)));
    }
    case 'warmup': {
      const statuses = await (await edgeserve()).warmup(warmupModels(event));
      const summary = Object.fromEntries([...statuses].map(([m, s]) => [m, s.map((v) => `${v.version}:${v.state}`)]));
      consoleLogger.log('info', 'scheduled_warmup', { models: summary });
      return { warmed: summary };
    }
    case 'unsupported':
      throw new Error(
        `edgeserve cannot handle ${describeEvent(event)}: expected an API Gateway, Function URL or ALB request, or an EventBridge schedule`,
      );
  }
}

/** For tests: forget the execution environment's instance (a new "cold start"). */
export function resetForTests(): void {
  instance = undefined;
}
