// `--fp16` on graphs whose element types the first input does not tell: constants made at run
// time (ConstantOfShape without `value`, ops with a `dtype` attribute), outputs of other types
// than the input (MaxPool's indices, Dropout's mask, Unique's indices, OneHot's values), models
// already quantized to int8, and an initializer a caller may override. Each result must load in
// both runtimes (the quantizer checks) and answer as the float model does.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elementTypes } from '../../adapters/node/quantize/element-types.ts';
import { decodeModel } from '../../adapters/node/quantize/onnx-model.ts';
import type { QuantizeReport } from '../../adapters/node/quantize/report.ts';
import { buildModel, type ModelSpec } from '../fixtures/onnx-builder.ts';
import { cli, RUNTIMES, workspace, worstError, type Workspace } from './quantize-support.ts';

let ws: Workspace;
beforeAll(async () => void (ws = await workspace()), 120_000);
afterAll(() => ws?.remove());

const X = [[0.5, -1.25, 2], [3, 0.25, -0.75]];
const X4 = [[[[1, -2, 3, 0.5], [4, 0, -1, 2], [0.25, 6, 1, -3], [2, 2, 5, -0.5]]]];

/** Writes the model and its one-request calibration file, runs --fp16 (extra args after), returns the report and the result. */
async function fp16(name: string, spec: Omit<ModelSpec, 'name'>, request: object, ...args: string[]) {
  const input = join(ws.dir, `${name}.onnx`);
  const cal = join(ws.dir, `${name}.jsonl`);
  const out = join(ws.dir, `${name}-fp16.onnx`);
  await writeFile(input, buildModel({ name, ...spec }));
  await writeFile(cal, JSON.stringify(request) + '\n');
  const run = await cli('quantize', input, out, '--fp16', '--calibration', cal, '--json', ...args);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return { report: JSON.parse(run.stdout) as QuantizeReport, bytes: new Uint8Array(await readFile(out)) };
}

const float2x3 = { name: 'x', type: 'float' as const, shape: [2, 3] };

describe('constants made at run time', () => {
  it('ConstantOfShape without a value (float32 zeros) becomes float16 zeros', async () => {
    const { report } = await fp16('const-of-shape', {
      inputs: [float2x3], outputs: [{ name: 'y', type: 'float', shape: [2, 3] }],
      nodes: [{ op: 'Shape', inputs: ['x'], outputs: ['s'] }, { op: 'ConstantOfShape', inputs: ['s'], outputs: ['z'] }, { op: 'Add', inputs: ['x', 'z'], outputs: ['y'] }],
    }, { instances: X });
    expect(worstError(report)).toBeLessThan(2e-3);
  });

  it.each(['EyeLike', 'RandomNormalLike'])('%s with dtype FLOAT on an integer input', async (op) => {
    const { report } = await fp16(`dtype-${op}`, {
      inputs: [{ name: 'x', type: 'float', shape: [3, 3] }], outputs: [{ name: 'y', type: 'float', shape: [3, 3] }],
      nodes: [
        { op: 'Cast', inputs: ['x'], outputs: ['xi'], attrs: { to: 7 } },
        { op, inputs: ['xi'], outputs: ['e'], attrs: { dtype: 1 }, ...(op === 'RandomNormalLike' ? { floatAttrs: { scale: 1e-6 } } : {}) },
        { op: 'Add', inputs: ['x', 'e'], outputs: ['y'] },
      ],
    }, { instances: [[1, 2, 3], [4, 5, 6], [7, 8, 9]] });
    expect(worstError(report)).toBeLessThan(1e-2);
  });
});

describe('outputs of another type than the first input', () => {
  it('the type pass knows MaxPool\'s indices, Dropout\'s mask, Unique\'s indices, OneHot\'s values; unsure is unknown', () => {
    const graph = decodeModel(buildModel({
      name: 'types',
      inputs: [{ name: 'x', type: 'float', shape: [1, 1, 4, 4] }, { name: 'k', type: 'int64', shape: [3] }],
      outputs: [{ name: 'y', type: 'float', shape: [-1] }],
      initializers: [{ name: 'depth', type: 'int64', dims: [], data: [4n] }, { name: 'values', type: 'float', dims: [2], data: [0, 1] }],
      nodes: [
        { op: 'MaxPool', inputs: ['x'], outputs: ['pooled', 'at'], attrs: { kernel_shape: [2, 2] } },
        { op: 'Dropout', inputs: ['x'], outputs: ['dropped', 'mask'] },
        { op: 'Unique', inputs: ['x'], outputs: ['u', 'first', 'inverse', 'counts'] },
        { op: 'OneHot', inputs: ['k', 'depth', 'values'], outputs: ['hot'] },
        { op: 'NoSuchOp', inputs: ['x'], outputs: ['a', 'b'] },
        { op: 'Flatten', inputs: ['x'], outputs: ['y'] },
      ],
    })).graph;
    const types = elementTypes(graph);
    const of = (names: string[]) => names.map((n) => types.get(n));
    expect(of(['pooled', 'at', 'dropped', 'mask'])).toEqual([1, 7, 1, 9]);
    expect(of(['u', 'first', 'inverse', 'counts', 'hot'])).toEqual([1, 7, 7, 7, 1]);
    expect(of(['a', 'b'])).toEqual([1, undefined]); // an op it does not know: only its first output follows the input
  });

  // Where a wrong type shows: a float32-only op (CumSum, Max) gets casts on what is not float, or none on what is.
  const CASES: [string, Omit<ModelSpec, 'name'>, object][] = [
    ['MaxPool indices into CumSum', {
      inputs: [{ name: 'x', type: 'float', shape: [1, 1, 4, 4] }],
      outputs: [{ name: 'y', type: 'float', shape: [1, 1, 2, 2] }, { name: 'sum', type: 'int64', shape: [1, 1, 2, 2] }],
      initializers: [{ name: 'axis', type: 'int64', dims: [], data: [3n] }],
      nodes: [{ op: 'MaxPool', inputs: ['x'], outputs: ['y', 'at'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } }, { op: 'CumSum', inputs: ['at', 'axis'], outputs: ['sum'] }],
    }, { instances: X4 }],
    ['OneHot values into Max', {
      inputs: [{ name: 'k', type: 'int64', shape: [3] }],
      outputs: [{ name: 'y', type: 'float', shape: [3, 4] }],
      initializers: [{ name: 'depth', type: 'int64', dims: [], data: [4n] }, { name: 'values', type: 'float', dims: [2], data: [0, 1.5] }, { name: 'floor', type: 'float', dims: [], data: [0.25] }],
      nodes: [{ op: 'OneHot', inputs: ['k', 'depth', 'values'], outputs: ['hot'] }, { op: 'Max', inputs: ['hot', 'floor'], outputs: ['y'] }],
    }, { instances: [0, 3, 1] }],
  ];
  it.each(CASES)('%s', async (name, spec, request) => {
    const { report, bytes } = await fp16(name.split(' ')[0]!, spec, request);
    for (const o of report.comparisons!.flatMap((c) => c.outputs)) expect(o.maxAbsError, o.name).toBeLessThan(1e-2);
    const [, ort] = RUNTIMES[0]!;
    const session = await ort.InferenceSession.create(bytes);
    const types = session.outputMetadata.map((m) => (m as { type: string }).type);
    await session.release();
    expect(types).toEqual(spec.outputs.map((o) => ({ float: 'float32', int64: 'int64', bool: 'bool' })[o.type as string]));
  });
});

describe('models already quantized to int8', () => {
  it.each([['--int8'], ['--int8-static', '--calibration']])('%s output converts: its float32-only quantize ops stay float32', async (...mode) => {
    const int8 = join(ws.dir, `mnist${mode[0]}.onnx`);
    const args = mode.length > 1 ? [...mode, ws.calibration] : mode;
    expect((await cli('quantize', ws.model('mnist'), int8, ...args)).status).toBe(0);
    const out = join(ws.dir, `mnist${mode[0]}-fp16.onnx`);
    const run = await cli('quantize', int8, out, '--fp16', '--calibration', ws.calibration, '--json');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as QuantizeReport;
    const kept = new Set(report.skipped.map((s) => s.op));
    expect(kept.has(mode[0] === '--int8' ? 'DynamicQuantizeLinear' : 'QuantizeLinear')).toBe(true);
    expect(worstError(report)).toBeLessThan(0.01);
  }, 60_000);
});

describe('an initializer that is also a graph input (a default a caller may override)', () => {
  it('with --keep-io-types it stays a float32 input with its float32 default, cast after it', async () => {
    const { bytes } = await fp16('overridable', {
      inputs: [float2x3, { name: 'w', type: 'float', shape: [3, 2] }], outputs: [{ name: 'y', type: 'float', shape: [2, 2] }],
      initializers: [{ name: 'w', type: 'float', dims: [3, 2], data: [1, 0, 0, 1, 1, 1] }],
      nodes: [{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }],
    }, { inputs: { x: X } });
    const graph = decodeModel(bytes).graph;
    expect(graph.initializer.find((t) => t.name === 'w')?.dataType).toBe(1);
    expect(graph.input.map((i) => i.type?.tensorType?.elemType)).toEqual([1, 1]);
    for (const [, ort] of RUNTIMES) {
      const session = await ort.InferenceSession.create(bytes); // (its metadata lists x only: onnxruntime's JS API does not feed overridable initializers)
      const x = new ort.Tensor('float32', Float32Array.from(X.flat()), [2, 3]);
      const y = (await session.run({ x })).y!; // the default: y = [x0 + x2, x1 + x2]
      expect(Array.from(y.data as Float32Array)).toEqual([2.5, 0.75, 2.25, -0.5]);
      await session.release();
    }
  });
});
