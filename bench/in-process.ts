// (b) In-process overhead: a predict through the whole app (Request in, Response text out) against
// session.run on the same ort-node session shape, same model, same one-row input.
import * as ort from 'onnxruntime-node';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createNodeBackend } from '../adapters/node/ort-backends.ts';
import { FileSystemStore } from '../adapters/storage/fs.ts';
import { createEdgeserve } from '../functions/app.ts';
import { silentLogger } from '../functions/log.ts';
import { mnistSamples } from '../test/fixtures/example-models.ts';
import { interleave, median, pythonStyleRows } from './stats.ts';

export async function benchInProcess(repository: string) {
  const { app, manager } = createEdgeserve({
    store: new FileSystemStore(repository),
    backend: await createNodeBackend('ort-node'),
    logger: silentLogger,
  });
  await manager.loadAll();
  const image = mnistSamples(1).images[0]!;
  const body = pythonStyleRows([image]);
  const session = await ort.InferenceSession.create(await readFile(join(repository, 'mnist/1/model.onnx')), {
    executionProviders: ['cpu'],
  });
  const { a: viaApp, b: direct } = await interleave(
    async () => {
      const res = await app.fetch(new Request('http://edgeserve/v1/models/mnist:predict', { method: 'POST', body }));
      if (res.status !== 200) throw new Error(await res.text());
      await res.text();
    },
    () => session.run({ image: new ort.Tensor('float32', image, [1, 784]) }),
    3000,
  );
  await session.release();
  await manager.close();
  return { appUs: median(viaApp), runUs: median(direct) };
}
