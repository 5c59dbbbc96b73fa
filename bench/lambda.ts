// Issue 5's targets, on the built bundle (dist/lambda):
// (a) a warm invoke (API Gateway v2 event in, result out) against the Node adapter's in-process
//     handle() for the same predict, interleaved;
// (b) cold start: a fresh node process importing the bundle and answering its first mnist predict
//     from S3 (s3rver in its own process), per backend. (Measured with plain node, not under
//     aws-lambda-ric: see the README.)
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { createNodeBackend } from '../adapters/shared/ort-backends.ts';
import { FileSystemStore } from '../adapters/storage/fs.ts';
import { createEdgeserve } from '../functions/app.ts';
import { silentLogger } from '../functions/util/log.ts';
import type { RestRequest } from '../functions/http/exchange.ts';
import { buildLambda, LAMBDA_DIR } from '../scripts/build-lambda.ts';
import { mnistSamples } from '../test/fixtures/example-models.ts';
import { CONTEXT, httpEvent, type LambdaHandler } from '../test/lambda-events.ts';
import { startRemoteS3 } from './cold-start.ts';
import { interleave, median, pythonStyleRows } from './stats.ts';

export async function benchLambda(repository: string) {
  await buildLambda();
  const body = pythonStyleRows(mnistSamples(1).images);
  const bundle = pathToFileURL(join(LAMBDA_DIR, 'index.mjs')).href;
  const s3 = await startRemoteS3(repository);
  const env = {
    ...process.env,
    EDGESERVE_MODEL_BASE_PATH: 's3://models/repo', S3_ENDPOINT: s3.endpoint, S3_FORCE_PATH_STYLE: '1',
    AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1',
    EDGESERVE_LOG_REQUESTS: '0', // logging is measured in its own row; the Node baseline does not log either
  };
  try {
    const event = await httpEvent('apigw-v2', '/v1/models/mnist:predict', { method: 'POST', body });
    const cold: Record<string, number> = {};
    for (const backend of ['ort-node', 'ort-web']) {
      const samples: number[] = [];
      for (let i = 0; i < 5; i++) {
        const { stdout } = await promisify(execFile)(process.execPath, [join('bench', 'lambda-cold.mjs'), bundle, JSON.stringify(event)], {
          env: { ...env, EDGESERVE_BACKEND: backend },
        });
        samples.push((JSON.parse(stdout.trim().split('\n').pop()!) as { ms: number }).ms);
      }
      cold[backend] = median(samples);
    }

    Object.assign(process.env, env, { EDGESERVE_BACKEND: 'ort-node' });
    const { handler } = (await import(bundle)) as { handler: LambdaHandler };
    const node = createEdgeserve({ store: new FileSystemStore(repository), backend: await createNodeBackend('ort-node'), logger: silentLogger });
    const bytes = new TextEncoder().encode(body);
    const request: RestRequest = { method: 'POST', pathAndQuery: '/v1/models/mnist:predict', header: () => null, readBody: async () => bytes };
    const warm = await interleave(
      async () => {
        const r = (await handler(event, CONTEXT)) as { statusCode: number };
        if (r.statusCode !== 200) throw new Error(JSON.stringify(r));
      },
      async () => {
        const r = await node.handle(request);
        if (r.status !== 200) throw new Error(r.body ?? '');
      },
      2000,
    );
    await node.manager.close();
    return { warmLambdaUs: median(warm.a), warmNodeUs: median(warm.b), coldMs: cold };
  } finally {
    s3.stop();
  }
}
