// What the report's error figures are, and what they are not: each backend's own (ort-node and
// ort-web run different kernels), on held-out requests when --eval FILE is given, and otherwise
// with their caveats stated — static quantization measured on its own calibration requests is
// in-sample, and dynamic quantization's figures depend on how the requests were batched.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QuantizeReport } from '../../adapters/node/quantize/report.ts';
import { mnistSamples } from '../fixtures/example-models.ts';
import { cli, workspace, type Workspace } from './quantize-support.ts';

let ws: Workspace;
let heldOut: string;
beforeAll(async () => {
  ws = await workspace();
  // 60 digits past the calibration file's 100, three requests of 20.
  const images = mnistSamples(160).images.slice(100);
  heldOut = join(ws.dir, 'held-out.jsonl');
  const lines = [0, 20, 40].map((at) => JSON.stringify({ instances: images.slice(at, at + 20).map((im) => Array.from(im)) }));
  await writeFile(heldOut, lines.join('\n') + '\n');
}, 120_000);
afterAll(() => ws?.remove());

async function report(...args: string[]): Promise<QuantizeReport> {
  const run = await cli('quantize', ws.model('mnist'), join(ws.dir, 'r.onnx'), ...args, '--json');
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as QuantizeReport;
}

describe('the error figures', () => {
  it('are measured on both backends, each named', async () => {
    const r = await report('--int8', '--calibration', ws.calibration);
    expect(r.comparisons!.map((c) => c.runtime)).toEqual(['ort-node(cpu)', 'ort-web(wasm)']);
    for (const c of r.comparisons!) expect(c.outputs[0]!.maxAbsError).toBeGreaterThan(0);
  }, 60_000);

  it('--int8-static without --eval: in-sample, and the report says so', async () => {
    const r = await report('--int8-static', '--calibration', ws.calibration);
    expect(r.comparisons![0]!.source).toBe(ws.calibration);
    expect(r.caveats.join('\n')).toMatch(/in-sample/);
  }, 60_000);

  it('--eval FILE: held-out requests, no in-sample caveat', async () => {
    const r = await report('--int8-static', '--calibration', ws.calibration, '--eval', heldOut);
    expect(r.comparisons!.map((c) => [c.source, c.requests])).toEqual([[heldOut, 3], [heldOut, 3]]);
    expect(r.comparisons![0]!.outputs[0]!.rows).toBe(60);
    expect(r.caveats.join('\n')).not.toMatch(/in-sample/);
  }, 60_000);

  it('--int8: the figures depend on the batching of the requests, and the report says so', async () => {
    const r = await report('--int8', '--eval', heldOut);
    expect(r.caveats.join('\n')).toMatch(/dynamic .*per run.*batch/);
  }, 60_000);

  it('the text report names each backend and prints the caveats', async () => {
    const run = await cli('quantize', ws.model('mnist'), join(ws.dir, 't.onnx'), '--int8-static', '--calibration', ws.calibration);
    expect(run.stdout).toMatch(/ort-node\(cpu\) +scores: max abs/);
    expect(run.stdout).toMatch(/ort-web\(wasm\) +scores: max abs/);
    expect(run.stdout).toMatch(/caveat +.*in-sample/);
  }, 60_000);
});
