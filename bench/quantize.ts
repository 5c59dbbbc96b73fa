// The README's "Making models fit the edge" table: each example classifier (the MNIST MLP, its Gemm
// form, the convolutional one) as float32 and through `edgeserve quantize` in each mode — file
// size, latency of one 1×784 request in onnxruntime-web (WASM, one thread, as on Workers) and
// onnxruntime-node (CPU), accuracy on real held-out MNIST digits and top-1 agreement with float32.
// Runnable alone (not part of npm run bench):  npx tsx bench/quantize.ts [--digits N]
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quantizeModel, type QuantizeRequest } from '../adapters/node/quantize/quantize.ts';
import { createNodeBackend } from '../adapters/shared/ort-backends.ts';
import type { InferenceBackend } from '../functions/runtime/backend.ts';
import type { Tensor } from '../functions/tensor/tensor.ts';
import { argmax, mnistClassifier, mnistSamples } from '../test/fixtures/example-models.ts';
import { convClassifier, gemmClassifier } from '../test/fixtures/quantize-models.ts';

const MODELS: [string, () => Uint8Array][] = [['mnist (MatMul MLP)', () => mnistClassifier('fp32')], ['mnist_gemm (Gemm MLP)', gemmClassifier], ['mnist_conv (Conv)', convClassifier]];
const MODES: [string, Partial<QuantizeRequest> | undefined][] = [
  ['float32', undefined],
  ['int8 dynamic', { mode: 'int8' }],
  ['int8 dynamic, per-channel', { mode: 'int8', perChannel: true }],
  ['int8 static (QDQ, min-max, per-channel)', { mode: 'int8-static', perChannel: true }],
  ['fp16', { mode: 'fp16' }],
];
const WARM = 20;
const TIMED = 200;
const BATCH = 100;

const digitsArg = process.argv.indexOf('--digits');
const DIGITS = digitsArg > 0 ? Number(process.argv[digitsArg + 1]) : 2000;

async function latencyMs(backend: InferenceBackend, bytes: Uint8Array, image: Float32Array): Promise<number> {
  const session = await backend.createSession(bytes);
  const feeds = new Map<string, Tensor>([['image', { dtype: 'float32', dims: [1, 784], data: image }]]);
  const times: number[] = [];
  for (let i = 0; i < WARM + TIMED; i++) {
    const start = performance.now();
    await session.run(feeds);
    if (i >= WARM) times.push(performance.now() - start);
  }
  await session.release();
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

async function predictions(backend: InferenceBackend, bytes: Uint8Array, images: Float32Array[]): Promise<number[]> {
  const session = await backend.createSession(bytes);
  const out: number[] = [];
  for (let at = 0; at < images.length; at += BATCH) {
    const rows = images.slice(at, at + BATCH);
    const data = new Float32Array(rows.length * 784);
    rows.forEach((r, i) => data.set(r, i * 784));
    const scores = (await session.run(new Map([['image', { dtype: 'float32', dims: [rows.length, 784], data } as Tensor]]))).get('scores')!;
    for (let r = 0; r < rows.length; r++) out.push(argmax(scores.data as Float32Array, r * 10, 10));
  }
  await session.release();
  return out;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'edgeserve-bench-quantize-'));
  const node = await createNodeBackend('ort-node');
  const web = await createNodeBackend('ort-web');
  const { images, labels } = mnistSamples(DIGITS);
  // Calibration: 200 digits from the training split's neighbours would be better; the first 200
  // held-out ones are what an operator's warmup records would be (and stay in the test set here).
  const calibration = join(dir, 'calibration.jsonl');
  const lines: string[] = [];
  for (let i = 0; i < 200; i += 20) lines.push(JSON.stringify({ instances: images.slice(i, i + 20).map((im) => Array.from(im)) }));
  await writeFile(calibration, lines.join('\n') + '\n');
  const rows: string[] = [
    '| model | form | size | vs float32 | ort-web p50 | ort-node p50 | accuracy | top-1 agreement |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  try {
    for (const [name, build] of MODELS) {
      const float = build();
      const path = join(dir, 'model.onnx');
      await writeFile(path, float);
      const reference = await predictions(node, float, images);
      for (const [form, mode] of MODES) {
        const bytes = mode ? (await quantizeModel({ input: path, perChannel: false, reduceRange: false, keepIoTypes: true, calibration, mode: 'int8', ...mode })).bytes : float;
        const predicted = await predictions(node, bytes, images);
        const accuracy = predicted.filter((p, i) => p === labels[i]).length / labels.length;
        const agreement = predicted.filter((p, i) => p === reference[i]).length / labels.length;
        const [webMs, nodeMs] = [await latencyMs(web, bytes, images[0]!), await latencyMs(node, bytes, images[0]!)];
        rows.push(`| ${name} | ${form} | ${(bytes.length / 1024).toFixed(1)} KiB | ${(bytes.length / float.length).toFixed(2)}× | ${(webMs * 1000).toFixed(0)} µs | ${(nodeMs * 1000).toFixed(0)} µs | ${(100 * accuracy).toFixed(2)}% | ${(100 * agreement).toFixed(2)}% |`);
        console.error(rows.at(-1));
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  console.log(`${DIGITS} held-out MNIST digits (batches of ${BATCH}); latency: median of ${TIMED} runs of one 1×784 request after ${WARM} warm-up runs\n`);
  console.log(rows.join('\n'));
}

await main();
