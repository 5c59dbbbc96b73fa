// `edgeserve quantize --int8` on the MLP classifier, a Gemm model and a convolutional model, per
// tensor and per channel: the result loads and runs in onnxruntime-node and onnxruntime-web, the
// report's error figures are recomputed here and agree, MatMul-dominated models shrink to ≤ 0.35×,
// and the quantized classifiers pick the float model's class on ≥ 99% of real held-out digits.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QuantizeReport } from '../../adapters/node/quantize/report.ts';
import { decodeModel } from '../../adapters/node/quantize/onnx-model.ts';
import { mnistSamples } from '../fixtures/example-models.ts';
import { CALIBRATION_ROWS, difference, quantizeOk, RUNTIMES, scores, statedIn, workspace, type ModelName, type Workspace } from './quantize-support.ts';

let ws: Workspace;
beforeAll(async () => void (ws = await workspace()), 120_000);
afterAll(() => ws?.remove());

const calibrationImages = mnistSamples(CALIBRATION_ROWS).images;
const heldOut = mnistSamples(1000).images;

const CASES: { model: ModelName; ops: Record<string, string>; maxRatio: number }[] = [
  { model: 'mnist', ops: { MatMul: 'MatMulInteger' }, maxRatio: 0.35 },
  { model: 'gemm', ops: { Gemm: 'MatMulInteger' }, maxRatio: 0.35 },
  // 3×3 filters and biases weigh little here; the 28×28 filters dominate, so it shrinks as much.
  { model: 'conv', ops: { Conv: 'ConvInteger', MatMul: 'MatMulInteger' }, maxRatio: 0.35 },
];

describe.each(CASES)('--int8 $model', ({ model, ops, maxRatio }) => {
  describe.each([false, true])('per-channel %s', (perChannel) => {
    let report: QuantizeReport;
    let float: Uint8Array;
    let quantized: Uint8Array;
    beforeAll(async () => {
      const out = join(ws.dir, `${model}-int8-${perChannel}.onnx`);
      ({ report, float, quantized } = await quantizeOk(ws, model, out, '--int8', `--per-channel=${perChannel}`, '--calibration', ws.calibration));
    }, 60_000);

    it('rewrites every weighted op into its integer form, in standard-opset operators only', () => {
      const converted = new Set(report.converted.map((c) => c.op));
      expect([...converted].sort()).toEqual(Object.keys(ops).sort());
      expect(report.skipped).toEqual([]);
      expect(report.converted.every((c) => c.note.includes(perChannel ? 'per-channel' : 'per-tensor'))).toBe(true);
      const graph = decodeModel(quantized).graph;
      const types = new Set(graph.node.map((n) => n.opType));
      for (const [from, to] of Object.entries(ops)) {
        expect(types.has(from), from).toBe(false);
        expect(types.has(to), to).toBe(true);
      }
      expect(types.has('DynamicQuantizeLinear')).toBe(true);
      expect(graph.node.every((n) => n.domain === '')).toBe(true); // no contrib op
      // The float weights are gone (not kept beside their int8 copies).
      const names = new Set(graph.initializer.map((t) => t.name));
      for (const weight of ['w1', 'w2', 'w1_t', 'front_w', 'dense_w']) expect(names.has(weight), weight).toBe(false);
    });

    it(`shrinks to ≤ ${maxRatio}× and reports the sizes it wrote`, () => {
      expect(report.sizeBefore).toBe(float.length);
      expect(report.sizeAfter).toBe(quantized.length);
      expect(quantized.length / float.length).toBeLessThanOrEqual(maxRatio);
      expect(report.loadsIn).toEqual(['ort-node(cpu)', 'ort-web(wasm)']);
    });

    it.each(RUNTIMES)('runs in %s with the error the report states', async (runtime, ort) => {
      const a = await scores(ort, float, calibrationImages);
      const b = await scores(ort, quantized, calibrationImages);
      const measured = difference(a, b);
      const stated = statedIn(report, runtime).outputs.find((o) => o.name === 'scores')!;
      expect(statedIn(report, runtime).requests).toBe(5);
      expect(stated.rows).toBe(CALIBRATION_ROWS);
      expect(stated.elements).toBe(CALIBRATION_ROWS * 10);
      // The report measures in each runtime, with the requests' own batches: the same computation.
      const tolerance = 1e-6;
      expect(Math.abs(stated.maxAbsError - measured.maxAbsError)).toBeLessThanOrEqual(tolerance);
      expect(Math.abs(stated.meanAbsError - measured.meanAbsError)).toBeLessThanOrEqual(tolerance / 10);
      expect(stated.top1Agreement).toBeCloseTo(measured.top1Agreement, 2);
      expect(stated.maxAbsError).toBeGreaterThan(0); // it was quantized, not copied
      expect(stated.maxAbsError).toBeLessThan(0.1);
    });

    it('agrees with the float model on ≥ 99% of 1000 real held-out MNIST digits', async () => {
      const [, ort] = RUNTIMES[0]!;
      const agreement = difference(await scores(ort, float, heldOut), await scores(ort, quantized, heldOut)).top1Agreement;
      expect(agreement).toBeGreaterThanOrEqual(0.99);
    }, 30_000);
  });
});

it('writes nothing beside its outputs (no temporary file is left)', async () => {
  expect((await readdir(ws.dir)).filter((f) => f.startsWith('.'))).toEqual([]);
  expect(existsSync(join(ws.dir, 'mnist-int8-false.onnx'))).toBe(true);
});
