// The codec issue's platform figures for the large-output model (an OCR recogniser, 2×40×6625
// float32 out, 16.1 MiB in TF Serving's format): one warm predict in workerd (through miniflare,
// onnxruntime-web) and through the Lambda handler (API Gateway v2 event, in process, ort-node;
// the answer only fits Lambda's 6 MB compressed, so the event asks for gzip), each against
// session.run alone on the same backend and input.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { CONTEXT, httpEvent, type LambdaHandler } from '../test/lambda-events.ts';
import { startWorker } from '../test/workers-runtime.ts';
import { benchRepository, OCR, ocrInput } from './large-models.ts';
import { median, pythonColumnar } from './stats.ts';

export interface LargePlatformResult {
  readonly workerdMs: number;
  readonly webRunMs: number;
  readonly lambdaMs: number;
  readonly lambdaBytes: number;
  readonly nodeRunMs: number;
}

const ROUNDS = 7;

async function timed(rounds: number, f: () => Promise<void>): Promise<number> {
  await f();
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await f();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

export async function benchLargePlatforms(): Promise<LargePlatformResult> {
  const repo = await benchRepository();
  const modelPath = join(repo.dir, OCR.name, '1', 'model.onnx');
  const model = new Uint8Array(await readFile(modelPath));
  const { data, dims } = ocrInput(2);
  const body = pythonColumnar(data, dims);
  const path = `/v1/models/${OCR.name}:predict`;
  const savedEnv = new Map<string, string | undefined>(); // the Lambda handler reads its options from the environment
  try {
    const worker = await startWorker({ EDGESERVE_LOG_REQUESTS: '0' }, { upload: false });
    let workerdMs: number;
    try {
      await worker.put(`${OCR.name}/1/model.onnx`, model);
      workerdMs = await timed(ROUNDS, async () => {
        const res = await worker.fetch(path, { method: 'POST', body });
        const text = await res.text();
        if (res.status !== 200) throw new Error(`workerd: ${res.status} ${text.slice(0, 200)}`);
      });
    } finally {
      await worker.dispose();
    }
    ortWeb.env.wasm.numThreads = 1; // as in workerd, which has no threads
    const web = await ortWeb.InferenceSession.create(model, { executionProviders: ['wasm'] });
    const webRunMs = await timed(ROUNDS, async () => void (await web.run({ [OCR.input]: new ortWeb.Tensor('float32', data, dims) })));
    await web.release();

    const lambdaEnv = { EDGESERVE_MODEL_BASE_PATH: repo.dir, EDGESERVE_LOG_REQUESTS: '0', EDGESERVE_BACKEND: 'ort-node' };
    for (const name of Object.keys(lambdaEnv)) savedEnv.set(name, process.env[name]);
    Object.assign(process.env, lambdaEnv);
    const { handler } = (await import('../adapters/lambda/handler.ts')) as unknown as { handler: LambdaHandler };
    const event = await httpEvent('apigw-v2', path, { method: 'POST', body, headers: { 'accept-encoding': 'gzip' } });
    let lambdaBytes = 0;
    const lambdaMs = await timed(ROUNDS, async () => {
      const result = (await handler(event, CONTEXT)) as { statusCode: number; body: string };
      if (result.statusCode !== 200) throw new Error(`lambda: ${result.statusCode} ${result.body.slice(0, 200)}`);
      lambdaBytes = result.body.length;
    });
    const session = await ortNode.InferenceSession.create(model, { executionProviders: ['cpu'] });
    const nodeRunMs = await timed(ROUNDS, async () => void (await session.run({ [OCR.input]: new ortNode.Tensor('float32', data, dims) })));
    await session.release();
    return { workerdMs, webRunMs, lambdaMs, lambdaBytes, nodeRunMs };
  } finally {
    for (const [name, value] of savedEnv) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await repo.dispose();
  }
}
