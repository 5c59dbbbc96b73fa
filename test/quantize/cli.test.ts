// `edgeserve quantize`'s failures: a corrupt or unsupported model is refused with one line naming
// the problem, exit status 1, and no output file; a bad command line is exit status 2.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { halfPlusTwo } from '../fixtures/example-models.ts';
import { buildModel, decodeModel } from '../fixtures/onnx-builder.ts';
import onnxProto from 'onnx-proto';
import { cli, workspace, type Workspace } from './quantize-support.ts';

let ws: Workspace;
beforeAll(async () => void (ws = await workspace()), 120_000);
afterAll(() => ws?.remove());

/** A one-MatMul model, so each refusal below is about the one thing changed. */
function matMul(opset = 13, op = 'MatMul', outputShape: (string | number)[] = ['b', 3]): Uint8Array {
  return buildModel({
    name: 'mm', opset,
    inputs: [{ name: 'x', type: 'float', shape: ['b', 4] }],
    outputs: [{ name: 'y', type: 'float', shape: outputShape }],
    initializers: [{ name: 'w', type: 'float', dims: [4, 3], data: Array.from({ length: 12 }, (_, i) => i / 12 - 0.5) }],
    nodes: [{ op, inputs: ['x', 'w'], outputs: ['y'] }],
  });
}

function externalData(): Uint8Array {
  const model = decodeModel(matMul());
  const w = model.graph!.initializer![0]!;
  w.rawData = new Uint8Array();
  w.dataLocation = onnxProto.onnx.TensorProto.DataLocation.EXTERNAL;
  w.externalData = [{ key: 'location', value: 'weights.bin' }];
  return onnxProto.onnx.ModelProto.encode(model).finish().slice();
}

const REFUSED: [string, () => Uint8Array, RegExp][] = [
  ['random bytes', () => Uint8Array.from({ length: 300 }, (_, i) => (i * 97 + 13) % 256), /not an ONNX model/],
  ['a truncated model', () => matMul().slice(0, 60), /not an ONNX model/],
  ['an empty file', () => new Uint8Array(), /not an ONNX model/],
  ['weights in an external file', externalData, /initializer w keeps its data in an external file/],
  ['opset 10 (no DynamicQuantizeLinear)', () => matMul(10), /opset 10: --int8 needs opset 11/],
  ['an operator onnxruntime does not know', () => matMul(13, 'NoSuchOp'), /does not load in onnxruntime-node/],
  // onnxruntime-web checks the declared output rank against its shape inference; onnxruntime-node does not.
  ['a model only onnxruntime-node loads', () => matMul(13, 'MatMul', [-1]), /refused\.onnx does not load in onnxruntime-web: /],
  ['nothing to quantize', halfPlusTwo, /nothing to quantize .*no MatMul, Gemm or Conv/],
  // A field number the ONNX 1.10 schema lacks, appended to the model: protobufjs would drop it.
  ['a field newer than the schema', () => Uint8Array.from([...matMul(), 0xf0, 0x01, 0x01]), /newer than the schema .*model field 30/],
];

describe('refused models', () => {
  it.each(REFUSED)('%s: one line, exit status 1, no output file', async (_what, build, message) => {
    const input = join(ws.dir, 'refused.onnx');
    const output = join(ws.dir, 'refused-int8.onnx');
    await writeFile(input, build());
    const run = await cli('quantize', input, output, '--int8');
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/^edgeserve quantize: /);
    expect(run.stderr.split('\n')).toHaveLength(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe('');
    expect(existsSync(output)).toBe(false);
  });

  it('a missing input file', async () => {
    const run = await cli('quantize', join(ws.dir, 'nope.onnx'), join(ws.dir, 'out.onnx'), '--int8');
    expect(run).toMatchObject({ status: 1, stderr: `edgeserve quantize: cannot read ${join(ws.dir, 'nope.onnx')}: no such file` });
  });

  it('an existing output file is left as it was when quantization fails', async () => {
    const output = join(ws.dir, 'kept.onnx');
    await writeFile(output, 'previous');
    await writeFile(join(ws.dir, 'bad.onnx'), 'garbage');
    expect((await cli('quantize', join(ws.dir, 'bad.onnx'), output, '--int8')).status).toBe(1);
    expect(await readFile(output, 'utf8')).toBe('previous');
  });

  it('a calibration file that does not fit the model', async () => {
    const cal = join(ws.dir, 'wrong.jsonl');
    await writeFile(cal, '{"instances": [[1, 2]]}\n');
    const run = await cli('quantize', ws.model('mnist'), join(ws.dir, 'x.onnx'), '--int8', '--calibration', cal);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/wrong.jsonl request 1 does not fit the model/);
    expect(existsSync(join(ws.dir, 'x.onnx'))).toBe(false);
  });
});

describe('refused static quantizations', () => {
  it('a calibration file that is missing or not JSON', async () => {
    const output = join(ws.dir, 'static.onnx');
    const missing = await cli('quantize', ws.model('mnist'), output, '--int8-static', '--calibration', join(ws.dir, 'none.jsonl'));
    expect(missing).toMatchObject({ status: 1, stderr: `edgeserve quantize: cannot read ${join(ws.dir, 'none.jsonl')}: ENOENT` });
    await writeFile(join(ws.dir, 'bad.jsonl'), '{"instances": [[0.5]]}\n{oops\n');
    const bad = await cli('quantize', ws.model('mnist'), output, '--int8-static', '--calibration', join(ws.dir, 'bad.jsonl'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/bad.jsonl line 2: not JSON/);
    expect(existsSync(output)).toBe(false);
  });

  it('an activation never seen finite in calibration is named, not given scale 1', async () => {
    // log(0) = -inf everywhere: no finite value of `logs` to take a range from.
    const input = join(ws.dir, 'log.onnx');
    await writeFile(input, buildModel({
      name: 'log', inputs: [{ name: 'x', type: 'float', shape: ['b', 2] }], outputs: [{ name: 'y', type: 'float', shape: ['b', 2] }],
      initializers: [{ name: 'w', type: 'float', dims: [2, 2], data: [1, 0, 0, 1] }],
      nodes: [{ op: 'Log', inputs: ['x'], outputs: ['logs'] }, { op: 'MatMul', inputs: ['logs', 'w'], outputs: ['y'] }],
    }));
    const cal = join(ws.dir, 'zeros.jsonl');
    await writeFile(cal, '{"instances": [[0, 0]]}\n');
    const run = await cli('quantize', input, join(ws.dir, 'log-static.onnx'), '--int8-static', '--calibration', cal);
    expect(run).toMatchObject({ status: 1, stderr: expect.stringMatching(/^edgeserve quantize: calibration saw no finite value of logs \(.*zeros.jsonl, 1 request\)/) });
    expect(existsSync(join(ws.dir, 'log-static.onnx'))).toBe(false);
  });

  it('per-channel on an opset without DequantizeLinear\'s axis', async () => {
    const input = join(ws.dir, 'opset12.onnx');
    await writeFile(input, matMul(12));
    const cal = join(ws.dir, 'mm.jsonl');
    await writeFile(cal, '{"instances": [[1, 2, 3, 4]]}\n');
    const run = await cli('quantize', input, join(ws.dir, 'o.onnx'), '--int8-static', '--per-channel', '--calibration', cal);
    expect(run).toMatchObject({ status: 1, stderr: expect.stringMatching(/opset 12: --int8-static --per-channel needs opset 13/) });
    expect((await cli('quantize', input, join(ws.dir, 'o.onnx'), '--int8-static', '--calibration', cal)).status).toBe(0); // per tensor: fine
  });
});

describe('the command line', () => {
  const USAGE: [string[], RegExp][] = [
    [['m.onnx', 'o.onnx'], /give one of --int8, --fp16, --int8-static/],
    [['m.onnx', 'o.onnx', '--int8', '--fp16'], /give one mode, not --int8 and --fp16/],
    [['m.onnx', '--int8'], /needs an output file or --push/],
    [['--int8'], /needs an input model/],
    [['a', 'b', 'c', '--int8'], /too many arguments: c/],
    [['m.onnx', 'o.onnx', '--int8', '--bogus'], /unknown flag --bogus/],
    [['m.onnx', 'o.onnx', '--int8', '--per-channel=maybe'], /--per-channel is true or false/],
    [['m.onnx', 'o.onnx', '--int8-static'], /--int8-static needs --calibration FILE/],
    [['m.onnx', 'o.onnx', '--int8-static', '--calibration', 'c', '--calibrate', 'median'], /expected minmax or percentile/],
    [['m.onnx', 'o.onnx', '--int8-static', '--calibration', 'c', '--calibrate=percentile=20'], /above 50/],
    [['m.onnx', 'o.onnx', '--int8', '--keep-io-types=false'], /--keep-io-types applies to --fp16 only/],
    [['m.onnx', 'o.onnx', '--int8', '--calibration'], /--calibration needs a value/],
  ];
  it.each(USAGE)('quantize %j → exit status 2', async (args, message) => {
    const run = await cli('quantize', ...args);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.split('\n')).toHaveLength(1);
  });

  it('--help prints the modes and options, exit status 0', async () => {
    const run = await cli('quantize', '--help');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage: edgeserve quantize IN.onnx/);
    for (const flag of ['--int8', '--fp16', '--int8-static', '--calibration', '--eval', '--calibrate', '--per-channel', '--keep-io-types', '--push', '--json']) expect(run.stdout).toContain(flag);
  });

  it('the server\'s --help names the command', async () => {
    expect((await cli('--help')).stdout).toContain('edgeserve quantize IN OUT');
  });

  it('as a process: the exit status and one line on stderr, no stack trace', () => {
    const main = join(import.meta.dirname, '../../adapters/node/main.ts');
    const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', main, 'quantize', ...args], { encoding: 'utf8', timeout: 60_000 });
    const refused = run(join(ws.dir, 'cli-no-such.onnx'), join(ws.dir, 'cli-out.onnx'), '--int8');
    expect([refused.status, refused.stderr.trim().split('\n')]).toEqual([1, [`edgeserve quantize: cannot read ${join(ws.dir, 'cli-no-such.onnx')}: no such file`]]);
    const usage = run('--int8');
    expect(usage.status).toBe(2);
    const ok = run(ws.model('gemm'), join(ws.dir, 'cli-out.onnx'), '--int8', '--json');
    expect([ok.status, JSON.parse(ok.stdout).mode]).toEqual([0, 'int8']);
  });

  it('prints a text report by default', async () => {
    const out = join(ws.dir, 'text.onnx');
    const run = await cli('quantize', ws.model('mnist'), out, '--int8', '--calibration', ws.calibration);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^int8 .*mnist.onnx → .*text.onnx\n {2}size {8}199\.\d KiB → 5\d\.\d KiB \(2\d\.\d%\)/);
    expect(run.stdout).toMatch(/converted {3}2 \(MatMul ×2\)/);
    expect(run.stdout).toMatch(/scores: max abs [\d.e-]+, mean abs [\d.e-]+ over 1000 values, top-1 agreement \d+\.\d\d% of 100 rows/);
  });

  it('without sample requests the report says the error was not measured', async () => {
    const run = await cli('quantize', ws.model('gemm'), join(ws.dir, 'g.onnx'), '--int8', '--json');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.comparisons).toBeUndefined();
    expect(report.notMeasured).toMatch(/no sample requests/);
  });
});
