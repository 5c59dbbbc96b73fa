// The bench's two large-tensor models (bench/large-models.ts) load in onnxruntime-node and give the
// shapes the bench rows are labelled with; the request bodies are what a Python client sends.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { DET, detInput, OCR, ocrInput, ocrRecognizer, textDetector } from '../../bench/large-models.ts';
import { pythonColumnar, pythonFloat } from '../../bench/stats.ts';

async function run(bytes: Uint8Array, feeds: Record<string, ort.Tensor>) {
  const session = await ort.InferenceSession.create(bytes);
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

describe('bench large models', () => {
  it('ocr_recognizer: [2, 40, 64] in, [2, 40, 6625] softmax rows out', async () => {
    const { data, dims } = ocrInput(2);
    const out = (await run(ocrRecognizer(), { [OCR.input]: new ort.Tensor('float32', data, dims) }))[OCR.output]!;
    expect(out.dims).toEqual([2, OCR.steps, OCR.classes]);
    const probs = out.data as Float32Array;
    expect(probs.length).toBe(530_000);
    for (const row of [0, 41, 79]) {
      let sum = 0;
      for (let i = 0; i < OCR.classes; i++) sum += probs[row * OCR.classes + i]!;
      expect(sum).toBeCloseTo(1, 4);
    }
  });

  it('text_detector: [1, 3, 320, 320] in, [1, 1, 320, 320] probabilities out', async () => {
    const { data, dims } = detInput(1);
    const out = (await run(textDetector(), { [DET.input]: new ort.Tensor('float32', data, dims) }))[DET.output]!;
    expect(out.dims).toEqual([1, 1, DET.side, DET.side]);
    const maps = out.data as Float32Array;
    expect(maps.every((p) => p > 0 && p < 1)).toBe(true);
    // 1×1 conv: pixel 0 is w·(r, g, b) + b through the sigmoid.
    const n = DET.side * DET.side;
    const z = 0.8 * data[0]! - 0.5 * data[n]! + 0.3 * data[2 * n]! + 0.1;
    expect(maps[0]).toBeCloseTo(1 / (1 + Math.exp(-z)), 5);
  });

  it('builds byte-identical models every time', () => {
    expect(Buffer.from(ocrRecognizer()).equals(Buffer.from(ocrRecognizer()))).toBe(true);
    expect(Buffer.from(textDetector()).equals(Buffer.from(textDetector()))).toBe(true);
  });

  it('writes floats as Python repr and bodies as json.dumps(tolist()) does', () => {
    expect([1, 0.1, 1e-5, 1e-4, 1e16, 2.5e-7, -0, Math.fround(0.1)].map(pythonFloat))
      .toEqual(['1.0', '0.1', '1e-05', '0.0001', '1e+16', '2.5e-07', '-0.0', '0.10000000149011612']);
    const data = new Float32Array([0.5, -1.25, 1 / 3, 3, 2 ** -20, 7]);
    const body = pythonColumnar(data, [1, 2, 3]);
    expect(body).toBe('{"inputs": [[[0.5, -1.25, 0.3333333432674408], [3.0, 9.5367431640625e-07, 7.0]]]}');
    expect(Float32Array.from((JSON.parse(body) as { inputs: number[][][] }).inputs.flat(2))).toEqual(data);
  });
});
