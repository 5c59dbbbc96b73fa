// The V2 conformance table through the built Lambda bundle, invoked with real event shapes
// (API Gateway v1 and v2, Function URL, ALB: bodies base64-encoded as API Gateway sends binary
// ones, binary answers base64-encoded with isBase64Encoded), the V2 repository in a real S3 server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLambdaBundle } from '../lambda-bundle.ts';
import { CONTEXT, httpEvent, lambdaFetch, type Encoding, type LambdaHandler } from '../lambda-events.ts';
import type { TestS3 } from '../s3-server.ts';
import { defineV2Suite } from './cases.ts';
import { binaryOf, encodeRequest } from './client.ts';
import { v2Repository } from './repository.ts';

let s3: TestS3;
let handler: LambdaHandler;
let repo: Awaited<ReturnType<typeof v2Repository>>;
beforeAll(async () => {
  repo = await v2Repository();
  ({ handler, s3 } = await startLambdaBundle(repo.dir, 'repo-v2'));
}, 120_000);
afterAll(async () => {
  await s3?.stop();
  await repo?.remove();
});

for (const encoding of ['apigw-v2', 'apigw-v1', 'function-url', 'alb'] as Encoding[]) {
  defineV2Suite(`AWS Lambda bundle, ${encoding} events, models in S3`, () => lambdaFetch(handler, encoding), { routedRequests: 100 });
}

describe('Lambda binary results', () => {
  it('a binary answer is the invocation result base64-encoded with isBase64Encoded, on every event source', async () => {
    const { body, headers } = encodeRequest({ inputs: [{ name: 'x', shape: [3], datatype: 'FP32', binary: binaryOf('FP32', [1, 2, 5]) }], parameters: { binary_data_output: true } });
    for (const encoding of ['apigw-v2', 'apigw-v1', 'function-url', 'alb'] as Encoding[]) {
      const event = await httpEvent(encoding, '/v2/models/half_plus_two/infer', { method: 'POST', body: body as BodyInit, headers });
      const result = (await handler(event, CONTEXT)) as { statusCode: number; isBase64Encoded: boolean; body: string; headers?: Record<string, string>; multiValueHeaders?: Record<string, string[]> };
      expect(result.statusCode, encoding).toBe(200);
      expect(result.isBase64Encoded, encoding).toBe(true);
      const type = result.headers?.['Content-Type'] ?? result.multiValueHeaders?.['Content-Type']?.[0];
      expect(type, encoding).toBe('application/octet-stream');
      const bytes = Buffer.from(result.body, 'base64');
      const headerLength = Number(result.headers?.['Inference-Header-Content-Length'] ?? result.multiValueHeaders?.['Inference-Header-Content-Length']?.[0]);
      expect(bytes.subarray(headerLength).toString('hex'), encoding).toBe('000020400000404000009040'); // 2.5, 3.0, 4.5
    }
  });
});
