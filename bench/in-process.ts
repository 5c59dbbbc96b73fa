// (b) In-process overhead: a predict through the whole REST layer against session.run on the same
// model and input. `handle` is what the Node server calls (raw body in, JSON text out); the hono
// app is the Workers/Lambda path (Fetch Request in, Response text out), which on Node 20 also pays
// for undici's Request/Response objects.
import * as ort from 'onnxruntime-node';
import { servingVersion } from '../test/support/serving-version.ts';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createNodeBackend } from '../adapters/shared/ort-backends.ts';
import { FileSystemStore } from '../adapters/storage/fs.ts';
import { createEdgeserve } from '../functions/app.ts';
import { silentLogger } from '../functions/util/log.ts';
import type { RestRequest } from '../functions/http/exchange.ts';
import { mnistSamples } from '../test/fixtures/example-models.ts';
import { interleave, median, pythonStyleRows } from './stats.ts';

export interface OverheadCase {
  readonly label: string;
  readonly model: string;
  readonly body: string;
  readonly feeds: () => Record<string, ort.Tensor>;
}

export function overheadCases(): OverheadCase[] {
  const image = mnistSamples(1).images[0]!;
  return [
    {
      label: 'half_plus_two, 3 floats',
      model: 'half_plus_two',
      body: '{"instances": [1.0, 2.0, 5.0]}',
      feeds: () => ({ x: new ort.Tensor('float32', new Float32Array([1, 2, 5]), [3]) }),
    },
    {
      label: 'mnist, 1×784 floats',
      model: 'mnist',
      body: pythonStyleRows([image]),
      feeds: () => ({ image: new ort.Tensor('float32', image, [1, 784]) }),
    },
  ];
}

export async function benchInProcess(repository: string, c: OverheadCase) {
  const { app, handle, manager } = createEdgeserve({
    store: new FileSystemStore(repository),
    backend: await createNodeBackend('ort-node'),
    logger: silentLogger,
  });
  const version = await servingVersion(manager, c.model, { kind: 'latest' });
  const session = await ort.InferenceSession.create(await readFile(join(repository, c.model, String(version), 'model.onnx')), {
    executionProviders: ['cpu'],
  });
  const path = `/v1/models/${c.model}:predict`;
  const bytes = new TextEncoder().encode(c.body);
  const request: RestRequest = { method: 'POST', pathAndQuery: path, header: () => null, readBody: async () => bytes };
  const run = () => session.run(c.feeds());
  const handled = await interleave(async () => {
    const res = await handle(request);
    if (res.status !== 200) throw new Error(res.body ?? '');
  }, run, 3000);
  const fetched = await interleave(async () => {
    const res = await app.fetch(new Request(`http://edgeserve${path}`, { method: 'POST', body: c.body }));
    if (res.status !== 200) throw new Error(await res.text());
    await res.text();
  }, run, 3000);
  await session.release();
  await manager.close();
  return {
    handle: { appUs: median(handled.a), runUs: median(handled.b) },
    fetch: { appUs: median(fetched.a), runUs: median(fetched.b) },
  };
}
