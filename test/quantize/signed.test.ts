// Signed activations in both int8 modes: the example classifiers all quantize non-negative values
// (pixels, ReLU outputs), whose zero point is 0, so a wrong zero point — or a padded convolution
// that pads with the wrong code — would pass unseen there. This network centres the image to
// [−0.5, 0.5] before a padded 3×3 Conv and has no ReLU before its head: its errors against the
// float model are measured here, in both runtimes, on held-out digits.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeModel, floatValues, num } from '../../adapters/node/quantize/onnx-model.ts';
import type { QuantizeReport } from '../../adapters/node/quantize/report.ts';
import { mnistSamples } from '../fixtures/example-models.ts';
import { signedClassifier } from '../fixtures/quantize-models.ts';
import { cli, difference, RUNTIMES, scores, workspace, type Workspace } from './quantize-support.ts';

let ws: Workspace;
let input: string;
beforeAll(async () => {
  ws = await workspace();
  input = join(ws.dir, 'signed.onnx');
  await (await import('node:fs/promises')).writeFile(input, signedClassifier());
}, 120_000);
afterAll(() => ws?.remove());

const heldOut = mnistSamples(400).images.slice(100); // past the calibration digits

describe.each([['--int8'], ['--int8', '--per-channel'], ['--int8-static'], ['--int8-static', '--per-channel']])('%s %s on signed activations', (...args) => {
  let report: QuantizeReport;
  let quantized: Uint8Array;
  beforeAll(async () => {
    const out = join(ws.dir, `signed${args.join('')}.onnx`);
    const run = await cli('quantize', input, out, ...args, '--calibration', ws.calibration, '--json');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    report = JSON.parse(run.stdout) as QuantizeReport;
    quantized = new Uint8Array(await readFile(out));
  }, 60_000);

  it('quantizes both convolutions and the head', () => {
    expect(report.converted.map((c) => c.op)).toEqual(['Conv', 'Conv', 'MatMul']);
    if (args[0] === '--int8-static') {
      // Calibrated zero points: the centred image's and the hidden units' are far from 0.
      const graph = decodeModel(quantized).graph;
      const zero = (name: string) => { const t = graph.initializer.find((x) => x.name === name)!; return num(t.rawData?.[0] ?? 0); };
      expect(zero('pixels_zero_point')).toBeGreaterThan(100);
      expect(zero('pixels_zero_point')).toBeLessThan(155);
      expect(zero('h_relu_zero_point')).toBeGreaterThan(0);
      expect(floatValues(graph.initializer.find((x) => x.name === 'pixels_scale')!)![0]).toBeCloseTo(1 / 255, 4);
    }
  });

  it.each(RUNTIMES)('in %s: stays within bounds of the float model on held-out digits', async (_runtime, ort) => {
    const float = await scores(ort, signedClassifier(), heldOut);
    const measured = difference(float, await scores(ort, quantized, heldOut));
    expect(measured.maxAbsError).toBeLessThan(0.06); // unsigned fixtures' order of error (measured: 0.02–0.04)
    expect(measured.meanAbsError).toBeLessThan(0.0015);
    expect(measured.top1Agreement).toBeGreaterThanOrEqual(0.98);
  }, 30_000);
});
