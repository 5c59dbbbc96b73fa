// The int8 modes quantize float32 only: a MatMul on double weights (or a double activation) is
// left as it is, with the reason in the report, instead of becoming an invalid model that the
// quantizer would then blame on itself.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QuantizeReport } from '../../adapters/node/quantize/report.ts';
import { buildModel } from '../fixtures/onnx-builder.ts';
import { cli, RUNTIMES, workspace, worstError, type Workspace } from './quantize-support.ts';

let ws: Workspace;
beforeAll(async () => void (ws = await workspace()), 120_000);
afterAll(() => ws?.remove());

/** y = float(double(x · w) · wd): one float32 MatMul, one in double. */
const mixed = () => buildModel({
  name: 'mixed',
  inputs: [{ name: 'x', type: 'float', shape: ['b', 3] }], outputs: [{ name: 'y', type: 'float', shape: ['b', 2] }],
  initializers: [
    { name: 'w', type: 'float', dims: [3, 3], data: [0.5, -1, 2, 0.25, -0.75, 1.5, 1, 0, -0.5] },
    { name: 'wd', type: 'double', dims: [3, 2], data: [1, -0.5, 0.25, 2, -1, 0.75] },
  ],
  nodes: [
    { op: 'MatMul', inputs: ['x', 'w'], outputs: ['h'], name: 'float_mm' },
    { op: 'Cast', inputs: ['h'], outputs: ['hd'], attrs: { to: 11 } },
    { op: 'MatMul', inputs: ['hd', 'wd'], outputs: ['yd'], name: 'double_mm' },
    { op: 'Cast', inputs: ['yd'], outputs: ['y'], attrs: { to: 1 } },
  ],
});

describe.each([['--int8'], ['--int8-static']])('%s on a model with double weights', (mode) => {
  it('quantizes the float32 MatMul and leaves the double one, saying why', async () => {
    const input = join(ws.dir, 'mixed.onnx');
    const cal = join(ws.dir, 'mixed.jsonl');
    const out = join(ws.dir, `mixed${mode}.onnx`);
    await writeFile(input, mixed());
    await writeFile(cal, '{"instances": [[1, 2, 3], [-1, 0.5, 0.25]]}\n');
    const run = await cli('quantize', input, out, mode, '--calibration', cal, '--json');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as QuantizeReport;
    expect(report.converted.map((c) => c.node)).toEqual(['float_mm']);
    expect(report.skipped).toEqual([{ node: 'double_mm', op: 'MatMul', note: expect.stringMatching(/not float32 \(DOUBLE\)/) }]);
    expect(worstError(report)).toBeLessThan(0.1);
    for (const [, ort] of RUNTIMES) await (await ort.InferenceSession.create(new Uint8Array(await readFile(out)))).release();
  });
});
