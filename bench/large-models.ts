// Two bench-only models whose tensors are large, shaped like the two halves of an OCR pipeline
// (PaddleOCR's recogniser and detector), built in code like the example models (no downloads):
//
//   ocr_recognizer  features float32 [batch, 40, 64] → probs float32 [batch, 40, 6625]
//                   MatMul with a 64×6625 weight, + a 6625 bias, Softmax over the last axis: a small
//                   input and a large answer (batch 2: 2×40×6625 = 530,000 floats, ≈ 10 MB of JSON).
//   text_detector   image float32 [batch, 3, 320, 320] → maps float32 [batch, 1, 320, 320]
//                   a 1×1 Conv, 3 → 1 channels, + Sigmoid: a large request (batch 1: 307,200 floats,
//                   ≈ 6 MB of JSON) and a third of it back.
//
// Weights come from a fixed-seed generator, so every build is byte-identical. They are not part of
// the example repository (`models/`, what `npm start` serves and the tests enumerate): the bench
// writes them into a repository of their own in a temporary folder (benchRepository() below).
// To serve them by hand:
//   npx tsx bench/large-models.ts --out /tmp/large && npx tsx adapters/node/main.ts --model_base_path /tmp/large
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { prng } from '../test/fixtures/example-models.ts';
import { buildModel } from '../test/fixtures/onnx-builder.ts';

export const OCR = { name: 'ocr_recognizer', input: 'features', output: 'probs', steps: 40, features: 64, classes: 6625 } as const;
export const DET = { name: 'text_detector', input: 'image', output: 'maps', channels: 3, side: 320 } as const;

/** mulberry32 (the example models' generator), uniform in [0, 1). */
export const seeded = prng;

const uniform = (n: number, scale: number, seed: number) => {
  const next = seeded(seed);
  return Float32Array.from({ length: n }, () => (next() * 2 - 1) * scale);
};

/** The recogniser head: logits = features · W + b, probs = softmax(logits) over the classes. */
export function ocrRecognizer(): Uint8Array {
  const { name, input, output, steps, features, classes } = OCR;
  return buildModel({
    name,
    docString: 'bench-only: a large-output model shaped like an OCR recogniser (CTC head over 6625 characters)',
    inputs: [{ name: input, type: 'float', shape: ['batch', steps, features] }],
    outputs: [{ name: output, type: 'float', shape: ['batch', steps, classes] }],
    initializers: [
      { name: 'w', type: 'float', dims: [features, classes], data: uniform(features * classes, 1 / Math.sqrt(features), 1) },
      { name: 'b', type: 'float', dims: [classes], data: uniform(classes, 0.1, 2) },
    ],
    nodes: [
      { op: 'MatMul', inputs: [input, 'w'], outputs: ['logits_mm'] },
      { op: 'Add', inputs: ['logits_mm', 'b'], outputs: ['logits'] },
      { op: 'Softmax', inputs: ['logits'], outputs: [output], attrs: { axis: -1 } },
    ],
  });
}

/** The detector head: a 1×1 convolution from RGB to one probability map, then Sigmoid. */
export function textDetector(): Uint8Array {
  const { name, input, output, channels, side } = DET;
  return buildModel({
    name,
    docString: 'bench-only: a large-input model shaped like a text detector (one probability map per image)',
    inputs: [{ name: input, type: 'float', shape: ['batch', channels, side, side] }],
    outputs: [{ name: output, type: 'float', shape: ['batch', 1, side, side] }],
    initializers: [
      { name: 'w', type: 'float', dims: [1, channels, 1, 1], data: [0.8, -0.5, 0.3] },
      { name: 'b', type: 'float', dims: [1], data: [0.1] },
    ],
    nodes: [
      { op: 'Conv', inputs: [input, 'w', 'b'], outputs: ['logits'], attrs: { kernel_shape: [1, 1] } },
      { op: 'Sigmoid', inputs: ['logits'], outputs: [output] },
    ],
  });
}

/** Inputs as a client would send them: fixed-seed values, float32. */
export function ocrInput(batch: number): { data: Float32Array; dims: number[] } {
  return { data: uniform(batch * OCR.steps * OCR.features, 1, 3), dims: [batch, OCR.steps, OCR.features] };
}
export function detInput(batch: number): { data: Float32Array; dims: number[] } {
  // A normalised image: (pixel / 255 - mean) / std, as detectors' preprocessing leaves it.
  const next = seeded(4);
  const n = DET.side * DET.side;
  const mean = [0.485, 0.456, 0.406];
  const std = [0.229, 0.224, 0.225];
  const data = new Float32Array(batch * DET.channels * n);
  for (let i = 0; i < data.length; i++) {
    const c = Math.floor(i / n) % DET.channels;
    data[i] = (Math.floor(next() * 256) / 255 - mean[c]!) / std[c]!;
  }
  return { data, dims: [batch, DET.channels, DET.side, DET.side] };
}

/** Writes both models in TF Serving's layout under `outDir` (version 1 each). */
export async function writeLargeRepository(outDir: string): Promise<void> {
  for (const [name, bytes] of [[OCR.name, ocrRecognizer()], [DET.name, textDetector()]] as const) {
    const path = join(outDir, name, '1', 'model.onnx');
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
  }
}

/** A fresh repository holding only the two large models; `dispose` removes it. */
export async function benchRepository(): Promise<{ dir: string; dispose: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'edgeserve-bench-large-'));
  await writeLargeRepository(dir);
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const i = process.argv.indexOf('--out');
  const out = i > 0 ? process.argv[i + 1] : undefined;
  if (!out) {
    console.error('usage: tsx bench/large-models.ts --out DIR');
    process.exit(2);
  }
  await writeLargeRepository(resolve(out));
  console.error(`wrote ${OCR.name} and ${DET.name} under ${resolve(out)}`);
}
