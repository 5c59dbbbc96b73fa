// Smoke test under AWS's runtime interface client (aws-lambda-ric), the way Lambda runs a Node
// function: the built bundle, a Runtime API on 127.0.0.1, models in a real S3 server.
// aws-lambda-ric compiles native code (autoconf, libtool, cmake, g++): .ci/run installs it into
// .ric/; where it is not installed this file says so and runs nothing else.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLambda, LAMBDA_DIR } from '../../../scripts/build-lambda.ts';
import { exampleRepository } from '../../helpers.ts';
import { httpEvent, scheduledEvent } from '../../lambda-events.ts';
import { RuntimeApi } from '../../lambda-runtime-api.ts';
import { startS3, type TestS3 } from '../../s3-server.ts';

const RIC = resolve('.ric/node_modules/aws-lambda-ric/bin/index.mjs');
const available = existsSync(RIC);
if (!available) console.warn(`aws-lambda-ric smoke test skipped: ${RIC} is not installed (bash .ci/run installs it; it builds native code)`);

describe.runIf(available)('the bundle under aws-lambda-ric', () => {
  let s3: TestS3;
  let api: RuntimeApi;
  let ric: ChildProcess;
  let spawnedAt = 0;
  beforeAll(async () => {
    s3 = await startS3();
    await s3.upload(await exampleRepository(), 'repo');
    await buildLambda();
    api = new RuntimeApi();
    const address = await api.start();
    spawnedAt = performance.now();
    ric = spawn(process.execPath, [RIC, 'index.handler'], {
      cwd: LAMBDA_DIR,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        PATH: process.env.PATH,
        AWS_LAMBDA_RUNTIME_API: address,
        _HANDLER: 'index.handler',
        LAMBDA_TASK_ROOT: LAMBDA_DIR,
        AWS_LAMBDA_FUNCTION_NAME: 'edgeserve',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1769',
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/edgeserve',
        AWS_LAMBDA_LOG_STREAM_NAME: 'smoke',
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'S3RVER',
        AWS_SECRET_ACCESS_KEY: 'S3RVER',
        EDGESERVE_MODEL_BASE_PATH: 's3://models/repo',
        S3_ENDPOINT: s3.endpoint,
        S3_FORCE_PATH_STYLE: '1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    });
  }, 120_000);
  afterAll(async () => {
    ric?.kill('SIGKILL');
    await api?.stop();
    await s3?.stop();
  });

  it('answers a predict from a cold start, then a scheduled warm-up', async () => {
    const body = JSON.stringify({ instances: [Array.from({ length: 784 }, (_, i) => (i % 7) / 7)] });
    const result = await api.invoke(await httpEvent('apigw-v2', '/v1/models/mnist:predict', { method: 'POST', body }));
    const coldMs = performance.now() - spawnedAt;
    console.log(`aws-lambda-ric cold start (spawn → first mnist prediction from S3): ${coldMs.toFixed(0)} ms`);
    expect(api.initError).toBeUndefined();
    expect(result.ok).toBe(true);
    const response = result.body as { statusCode: number; body: string; headers: Record<string, string> };
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-model-version']).toBe('1');
    expect((JSON.parse(response.body) as { predictions: number[][] }).predictions[0]).toHaveLength(10);

    const warm = await api.invoke(scheduledEvent());
    expect(warm).toMatchObject({ ok: true, body: { warmed: { half_plus_two: ['2:AVAILABLE'] } } });
    const unsupported = await api.invoke({ Records: [] });
    expect(unsupported.ok).toBe(false);
    expect(JSON.stringify(unsupported.body)).toContain('edgeserve cannot handle an event with keys Records');
  }, 60_000);
});
