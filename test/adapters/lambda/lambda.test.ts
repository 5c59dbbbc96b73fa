// The built Lambda bundle (dist/lambda) invoked directly with real event shapes, models in a real
// S3 server on 127.0.0.1: the conformance suite through each HTTP encoding, the scheduled warm-up,
// and the error for events it does not serve.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_DIR } from '../../../scripts/build-lambda.ts';
import { call, defineConformanceSuite } from '../../conformance/cases.ts';
import { exampleRepository } from '../../helpers.ts';
import { CONTEXT, lambdaFetch, scheduledEvent, type Encoding, type LambdaHandler } from '../../lambda-events.ts';
import { startLambdaBundle } from '../../lambda-bundle.ts';
import type { TestS3 } from '../../s3-server.ts';

let s3: TestS3;
let handler: LambdaHandler;
beforeAll(async () => {
  ({ handler, s3 } = await startLambdaBundle(await exampleRepository(), 'repo'));
}, 120_000);
afterAll(() => s3?.stop());

for (const encoding of ['apigw-v2', 'apigw-v1', 'function-url', 'alb'] as Encoding[]) {
  defineConformanceSuite(`AWS Lambda bundle, ${encoding} events, models in S3`, () => lambdaFetch(handler, encoding));
}

describe('Lambda events', () => {
  it('a scheduled event warms the models and reports their states', async () => {
    const result = (await handler(scheduledEvent(), CONTEXT)) as { warmed: Record<string, string[]> };
    expect(result.warmed.mnist).toEqual(['1:AVAILABLE']);
    expect(result.warmed.half_plus_two).toEqual(['2:AVAILABLE']);
    const status = await call(lambdaFetch(handler, 'apigw-v2'), 'GET', '/v1/models/mnist_int8');
    expect(status.json.model_version_status[0].state).toBe('AVAILABLE');
  });

  it('an event that is neither HTTP nor a schedule fails with a message that names it', async () => {
    await expect(handler({ Records: [{ eventSource: 'aws:sqs' }] }, CONTEXT)).rejects.toThrow(
      'edgeserve cannot handle an event with keys Records: expected an API Gateway, Function URL or ALB request, or an EventBridge schedule',
    );
    await expect(handler('hello', CONTEXT)).rejects.toThrow('edgeserve cannot handle string');
  });
});

describe('event conversion', () => {
  it('joins cookies split over multi-value headers with "; ", other headers with ", "', async () => {
    const { restRequestFromEvent } = await import('../../../adapters/lambda/http-event.ts');
    const { httpEvent } = await import('../../lambda-events.ts');
    const event = (await httpEvent('apigw-v1', '/v1/models/m:predict?a=1&a=2', { method: 'POST', body: '{}' })) as Record<string, unknown>;
    event.multiValueHeaders = { Cookie: ['a=1', 'uid=42'], Accept: ['text/plain', 'application/json'] };
    const request = restRequestFromEvent(event as never);
    expect(request.header('cookie')).toBe('a=1; uid=42');
    expect(request.header('accept')).toBe('text/plain, application/json');
    expect(request.pathAndQuery).toBe('/v1/models/m:predict?a=1&a=2');
    expect(request.background).toBe(false);
  });
});

describe('Lambda request logs', () => {
  it('each HTTP invocation prints one EMF line for CloudWatch', async () => {
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    (process.stdout as { write: unknown }).write = (chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    };
    try {
      await lambdaFetch(handler, 'apigw-v2')('/v1/models/half_plus_two:predict', { method: 'POST', body: '{"instances":[1.0]}' });
    } finally {
      (process.stdout as { write: unknown }).write = write;
    }
    const emf = lines.map((l) => l.trim()).filter((l) => l.startsWith('{"_aws"')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({ model_name: 'half_plus_two', status: 'OK', request_count: 1, cold_start: 0, http_status: 200 });
    expect((emf[0]!._aws as { CloudWatchMetrics: { Namespace: string }[] }).CloudWatchMetrics[0]!.Namespace).toBe('edgeserve');
  });
});

describe('Lambda authentication', () => {
  it('with EDGESERVE_AUTH_CONFIG, the bundle answers 401 without a key, 403 for the wrong scope, 200 with the key', async () => {
    const auth = { api_keys: [{ name: 'web', key: 'lambda-key-0123456789', scopes: ['predict'] }, { name: 'ops', key: 'lambda-ops-0123456789', scopes: ['admin'] }] };
    process.env.EDGESERVE_AUTH_CONFIG = JSON.stringify(auth);
    try {
      // A second instance of the bundle: a fresh execution environment with this environment.
      const fresh = (await import(`${pathToFileURL(join(LAMBDA_DIR, 'index.mjs')).href}?auth`)) as { handler: LambdaHandler };
      const f = lambdaFetch(fresh.handler, 'apigw-v2');
      const body = '{"instances": [1.0]}';
      const none = await call(f, 'POST', '/v1/models/half_plus_two:predict', body);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="edgeserve"');
      expect((await call(f, 'POST', '/v1/models/half_plus_two:predict', body, { 'x-api-key': 'lambda-ops-0123456789' })).status).toBe(403);
      expect((await call(f, 'POST', '/v1/models/half_plus_two:predict', body, { authorization: 'Bearer lambda-key-0123456789' })).status).toBe(200);
    } finally {
      delete process.env.EDGESERVE_AUTH_CONFIG;
    }
  });
});
