// The built Lambda bundle (dist/lambda) serving a repository from a real S3 server on 127.0.0.1,
// configured through the environment as a deployment is, and warmed by its first scheduled event.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildLambda, LAMBDA_DIR } from '../scripts/build-lambda.ts';
import { CONTEXT, scheduledEvent, type LambdaHandler } from './lambda-events.ts';
import { startS3, type TestS3 } from './s3-server.ts';

export async function startLambdaBundle(repository: string, prefix: string): Promise<{ handler: LambdaHandler; s3: TestS3 }> {
  const s3 = await startS3();
  await s3.upload(repository, prefix);
  await buildLambda();
  Object.assign(process.env, {
    EDGESERVE_MODEL_BASE_PATH: `s3://models/${prefix}`,
    S3_ENDPOINT: s3.endpoint,
    S3_FORCE_PATH_STYLE: '1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'us-east-1',
  });
  const { handler } = (await import(pathToFileURL(join(LAMBDA_DIR, 'index.mjs')).href)) as { handler: LambdaHandler };
  // Deployed with its schedule: the first event is the warm-up, as in production.
  await handler(scheduledEvent(), CONTEXT);
  return { handler, s3 };
}
