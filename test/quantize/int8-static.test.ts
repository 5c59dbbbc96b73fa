// `edgeserve quantize --int8-static --calibration FILE`: QDQ around every MatMul, Gemm and Conv,
// activation ranges calibrated by running the float model on the requests (min-max, or a
// percentile), int8 weights. The scales are checked against ranges computed here from the same
// digits; each result runs in both runtimes with the error the report states.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeModel, floatValues } from '../../adapters/node/quantize/onnx-model.ts';
import type { QuantizeReport } from '../../adapters/node/quantize/report.ts';
import { mnistSamples } from '../fixtures/example-models.ts';
import { CALIBRATION_ROWS, difference, quantizeOk, RUNTIMES, scores, statedIn, workspace, type ModelName, type Workspace } from './quantize-support.ts';

let ws: Workspace;
beforeAll(async () => void (ws = await workspace()), 120_000);
afterAll(() => ws?.remove());

const calibrationImages = mnistSamples(CALIBRATION_ROWS).images;
const heldOut = mnistSamples(1000).images;
/** The first activation is the image itself: its calibrated range is the pixels' (0 included). */
const pixels = calibrationImages.flatMap((im) => Array.from(im)).sort((a, b) => a - b);

const CASES: { model: ModelName; calibrate: string; perChannel: boolean; ops: string[] }[] = [
  { model: 'mnist', calibrate: 'minmax', perChannel: false, ops: ['MatMul', 'MatMul'] },
  { model: 'mnist', calibrate: 'percentile=98', perChannel: true, ops: ['MatMul', 'MatMul'] },
  { model: 'gemm', calibrate: 'minmax', perChannel: true, ops: ['Gemm', 'Gemm'] },
  { model: 'conv', calibrate: 'percentile', perChannel: false, ops: ['Conv', 'Conv', 'MatMul'] },
];

describe.each(CASES)('--int8-static $model --calibrate $calibrate, per-channel $perChannel', ({ model, calibrate, perChannel, ops }) => {
  let report: QuantizeReport;
  let float: Uint8Array;
  let quantized: Uint8Array;
  beforeAll(async () => {
    const out = join(ws.dir, `${model}-static-${calibrate}-${perChannel}.onnx`);
    ({ report, float, quantized } = await quantizeOk(ws, model, out, '--int8-static', '--calibration', ws.calibration, `--calibrate=${calibrate}`, `--per-channel=${perChannel}`));
  }, 60_000);

  it('puts QuantizeLinear/DequantizeLinear before each op and int8 weights behind DequantizeLinear', () => {
    expect(report.converted.map((c) => c.op)).toEqual(ops);
    expect(report.converted.every((c) => c.note.includes(perChannel ? 'weights per-channel' : 'weights per-tensor'))).toBe(true);
    const graph = decodeModel(quantized).graph;
    for (const n of graph.node.filter((x) => ops.includes(x.opType))) {
      const producers = n.input.slice(0, 2).map((x) => graph.node.find((p) => p.output.includes(x))?.opType);
      expect(producers).toEqual(['DequantizeLinear', 'DequantizeLinear']);
    }
    const int8 = graph.initializer.filter((t) => t.dataType === 3);
    expect(int8.length).toBeGreaterThanOrEqual(ops.length);
    expect(quantized.length / float.length).toBeLessThanOrEqual(0.35);
  });

  it('calibrates the image range from the requests: min-max, or the percentile', () => {
    const graph = decodeModel(quantized).graph;
    const first = model === 'conv' ? 'pixels_scale' : 'image_scale'; // conv reshapes the image first
    const scale = floatValues(graph.initializer.find((t) => t.name === first)!)![0]!;
    const p = calibrate === 'minmax' ? 100 : Number(calibrate.split('=')[1] ?? 99.99);
    // onnxruntime's convention: (100 − p) / 2 % of the values cut from the top, counted here pixel
    // by pixel from the brightest down (the low end is 0, blank pixels, kept exact either way).
    const cutFromTop = Math.floor(pixels.length * ((100 - p) / 200) + 1e-9);
    let high = pixels[pixels.length - 1]!;
    for (let dropped = 0; dropped < cutFromTop; dropped++) high = pixels[pixels.length - 2 - dropped]!;
    expect(scale).toBeCloseTo(high / 255, 7);
    if (p <= 98) expect(high).toBeLessThan(pixels[pixels.length - 1]!); // the brightest 1% cut off
  });

  it.each(RUNTIMES)('runs in %s with the error the report states', async (runtime, ort) => {
    const measured = difference(await scores(ort, float, calibrationImages), await scores(ort, quantized, calibrationImages));
    const stated = statedIn(report, runtime).outputs[0]!; // measured in each runtime: the same computation
    const tolerance = 1e-6;
    expect(Math.abs(stated.maxAbsError - measured.maxAbsError)).toBeLessThanOrEqual(tolerance);
    expect(Math.abs(stated.meanAbsError - measured.meanAbsError)).toBeLessThanOrEqual(tolerance / 10);
    expect(stated.top1Agreement).toBeCloseTo(measured.top1Agreement, 2);
    expect(stated.maxAbsError).toBeGreaterThan(0);
    expect(stated.maxAbsError).toBeLessThan(0.1);
  });

  it('agrees with the float model on ≥ 99% of 1000 real held-out digits', async () => {
    const [, ort] = RUNTIMES[0]!;
    expect(difference(await scores(ort, float, heldOut), await scores(ort, quantized, heldOut)).top1Agreement).toBeGreaterThanOrEqual(0.99);
  }, 30_000);
});
