// The AWS Lambda adapter: API Gateway (REST v1 and HTTP API v2), Function URLs and ALB targets
// go straight to the REST handler (http-event.ts); EventBridge schedules run the warm-up; any
// other event fails with a message that names it. Configuration comes from the environment
// (options.ts: the option table's names, as on Node and Workers); one edgeserve per execution
// environment.
import type { Context } from 'aws-lambda';
import { createEdgeserve, type Edgeserve } from '../../functions/app.ts';
import { consoleLogger } from '../../functions/util/log.ts';
import { describeEvent, eventKind, warmupModels } from './events.ts';
import { restRequestFromEvent, resultFromRestResponse } from './http-event.ts';
import { lambdaOptions } from './options.ts';
import type { CompressionPolicy } from '../shared/response-compression.ts';

let instance: Promise<Edgeserve & { readonly compression: CompressionPolicy }> | undefined;

function edgeserve(env: NodeJS.ProcessEnv = process.env) {
  instance ??= lambdaOptions(env, consoleLogger).then((options) => ({ ...createEdgeserve(options), compression: options.compression }));
  instance.catch(() => (instance = undefined)); // a bad start is retried by the next invocation
  return instance;
}

export async function handler(event: unknown, _context: Context): Promise<unknown> {
  switch (eventKind(event)) {
    case 'http': {
      const es = await edgeserve();
      const request = restRequestFromEvent(event as never);
      return resultFromRestResponse(event as never, await es.handle(request), request.header('accept-encoding'), es.compression);
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
