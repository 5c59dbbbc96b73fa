// `edgeserve quantize --fp16`: every model's weights become float16 (half the file), inputs and
// outputs stay float32 behind casts unless --keep-io-types=false, ops without float16 kernels stay
// float32 between casts and are named in the report; each result runs in both runtimes with the
// error the report states.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeModel } from '../../adapters/node/quantize/onnx-model.ts';
import type { QuantizeReport } from '../../adapters/node/quantize/report.ts';
import { mnistSamples } from '../fixtures/example-models.ts';
import { buildModel } from '../fixtures/onnx-builder.ts';
import { CALIBRATION_ROWS, cli, difference, MODELS, quantizeOk, RUNTIMES, scores, statedIn, workspace, worstError, type ModelName, type Workspace } from './quantize-support.ts';

let ws: Workspace;
beforeAll(async () => void (ws = await workspace()), 120_000);
afterAll(() => ws?.remove());

const calibrationImages = mnistSamples(CALIBRATION_ROWS).images;
const heldOut = mnistSamples(1000).images;

describe.each(Object.keys(MODELS) as ModelName[])('--fp16 %s', (model) => {
  describe.each([true, false])('keep-io-types %s', (keepIoTypes) => {
    let report: QuantizeReport;
    let float: Uint8Array;
    let half: Uint8Array;
    beforeAll(async () => {
      const out = join(ws.dir, `${model}-fp16-${keepIoTypes}.onnx`);
      ({ report, float, quantized: half } = await quantizeOk(ws, model, out, '--fp16', `--keep-io-types=${keepIoTypes}`, '--calibration', ws.calibration));
    }, 60_000);

    it('halves the file: every float weight is float16', () => {
      expect(report.sizeAfter).toBe(half.length);
      expect(half.length / float.length).toBeLessThanOrEqual(0.51);
      const graph = decodeModel(half).graph;
      expect(graph.initializer.filter((t) => t.dataType === 1).map((t) => t.name)).toEqual([]);
      expect(report.converted.length).toBeGreaterThan(0);
      expect(report.skipped).toEqual([]);
    });

    it('keeps the inputs and outputs float32 unless told otherwise', async () => {
      const session = await ortNode.InferenceSession.create(half);
      try {
        const io = [...session.inputMetadata, ...session.outputMetadata].map((m) => (m as { type: string }).type);
        expect(io).toEqual([keepIoTypes ? 'float32' : 'float16', keepIoTypes ? 'float32' : 'float16']);
      } finally {
        await session.release();
      }
    });

    it.each(RUNTIMES)('runs in %s with the error the report states', async (runtime, ort) => {
      const measured = difference(await scores(ort, float, calibrationImages), await scores(ort, half, calibrationImages));
      // The report measures in each runtime: its figures are this same computation's.
      const stated = statedIn(report, runtime).outputs[0]!;
      const tolerance = 1e-6;
      expect(Math.abs(stated.maxAbsError - measured.maxAbsError)).toBeLessThanOrEqual(tolerance);
      expect(Math.abs(stated.meanAbsError - measured.meanAbsError)).toBeLessThanOrEqual(tolerance / 10);
      expect(stated.top1Agreement).toBeCloseTo(measured.top1Agreement, 2);
      expect(stated.maxAbsError).toBeGreaterThan(0);
      expect(stated.maxAbsError).toBeLessThan(0.01);
    });

    it('agrees with the float model on ≥ 99% of 1000 real held-out digits', async () => {
      const [, ort] = RUNTIMES[1]!; // onnxruntime-web: the edge's runtime
      expect(difference(await scores(ort, float, heldOut), await scores(ort, half, heldOut)).top1Agreement).toBeGreaterThanOrEqual(0.99);
    }, 30_000);
  });
});

it('keeps ops without a float16 kernel in float32, between casts, and says why', async () => {
  // y = Max(x·W, floor): Max has no float16 kernel in onnxruntime's CPU and WASM builds.
  const bytes = buildModel({
    name: 'with_max',
    inputs: [{ name: 'x', type: 'float', shape: ['b', 3] }],
    outputs: [{ name: 'y', type: 'float', shape: ['b', 2] }],
    initializers: [{ name: 'w', type: 'float', dims: [3, 2], data: [0.5, -1, 2, 0.25, -0.75, 1.5] }, { name: 'floor', type: 'float', dims: [], data: [0.1] }],
    nodes: [{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['xw'] }, { op: 'Max', inputs: ['xw', 'floor'], outputs: ['y'], name: 'clamp' }],
  });
  const input = join(ws.dir, 'with-max.onnx');
  const cal = join(ws.dir, 'with-max.jsonl');
  await writeFile(input, bytes);
  await writeFile(cal, '{"instances": [[1, 2, 3], [-1, 0.5, 0.25]]}\n');
  for (const keepIoTypes of [true, false]) {
    const out = join(ws.dir, `with-max-fp16-${keepIoTypes}.onnx`);
    const run = await cli('quantize', input, out, '--fp16', `--keep-io-types=${keepIoTypes}`, '--calibration', cal, '--json');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as QuantizeReport;
    expect(report.skipped).toEqual([{ node: 'clamp', op: 'Max', note: 'kept float32: no float16 kernel in onnxruntime (CPU, WASM)' }]);
    expect(report.converted.map((c) => c.op)).toEqual(['MatMul']);
    const graph = decodeModel(new Uint8Array(await readFile(out))).graph;
    const max = graph.node.find((n) => n.opType === 'Max')!;
    for (const x of max.input) expect(graph.node.find((n) => n.output.includes(x))?.opType, x).toBe('Cast');
    expect(worstError(report)).toBeLessThan(0.01);
    for (const [, ort] of RUNTIMES) {
      const session = await ort.InferenceSession.create(new Uint8Array(await readFile(out)));
      const x = keepIoTypes ? new ort.Tensor('float32', Float32Array.of(1, 2, 3), [1, 3]) : new ort.Tensor('float16', Uint16Array.of(0x3c00, 0x4000, 0x4200), [1, 3]);
      const y = (await session.run({ x })).y!;
      expect(y.type).toBe(keepIoTypes ? 'float32' : 'float16');
      await session.release();
    }
  }
});
