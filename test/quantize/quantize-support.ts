// What the quantizer's tests share: the three float models on disk, predict requests of real
// MNIST digits as a calibration file, the CLI run in-process with its output captured, and an
// independent measurement of two models' difference in either runtime (not the quantizer's own
// code, so the report's figures are checked, not repeated).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { expect, vi } from 'vitest';
import { main } from '../../adapters/node/cli.ts';
import { fromHalfBits, toHalfBits } from '../../functions/tensor/float16.ts';
import { argmax, mnistClassifier, mnistSamples, trainMnist } from '../fixtures/example-models.ts';
import { convClassifier, gemmClassifier } from '../fixtures/quantize-models.ts';
import type { Comparison } from '../../adapters/node/quantize/compare.ts';
import type { QuantizeReport } from '../../adapters/node/quantize/report.ts';

ortWeb.env.wasm.numThreads = 1;
export type Ort = Pick<typeof ortNode, 'InferenceSession' | 'Tensor'>;
export const RUNTIMES: [string, Ort][] = [['onnxruntime-node', ortNode], ['onnxruntime-web', ortWeb]];

export const MODELS = { mnist: () => mnistClassifier('fp32'), gemm: gemmClassifier, conv: convClassifier } as const;
export type ModelName = keyof typeof MODELS;

/** Calibration requests: 5 bodies of 20 digits each (the first 100 held-out digits). */
export const CALIBRATION_ROWS = 100;
export const PER_REQUEST = 20;

export interface Workspace {
  readonly dir: string;
  readonly calibration: string;
  model(name: ModelName): string;
  remove(): Promise<void>;
}

export async function workspace(): Promise<Workspace> {
  trainMnist();
  const dir = await mkdtemp(join(tmpdir(), 'edgeserve-quantize-'));
  for (const [name, build] of Object.entries(MODELS)) await writeFile(join(dir, `${name}.onnx`), build());
  const { images } = mnistSamples(CALIBRATION_ROWS);
  const lines: string[] = [];
  for (let i = 0; i < images.length; i += PER_REQUEST) lines.push(JSON.stringify({ instances: images.slice(i, i + PER_REQUEST).map((im) => Array.from(im)) }));
  const calibration = join(dir, 'calibration.jsonl');
  await writeFile(calibration, lines.join('\n') + '\n');
  return { dir, calibration, model: (name) => join(dir, `${name}.onnx`), remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A successful `edgeserve quantize IN OUT …flags --json` of a workspace model: its report and both files' bytes. */
export async function quantizeOk(ws: Workspace, model: ModelName, out: string, ...flags: string[]): Promise<{ report: QuantizeReport; float: Uint8Array; quantized: Uint8Array }> {
  const run = await cli('quantize', ws.model(model), out, ...flags, '--json');
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return { report: JSON.parse(run.stdout) as QuantizeReport, float: new Uint8Array(await readFile(ws.model(model))), quantized: new Uint8Array(await readFile(out)) };
}

export interface CliRun { readonly status: number; readonly stdout: string; readonly stderr: string }

/** `edgeserve …` in-process: its exit status and what it printed. */
export function cli(...argv: string[]): Promise<CliRun> {
  return cliWith({}, ...argv);
}

/** The same with an environment (an s3:// push reads S3_ENDPOINT and the region from it). */
export async function cliWith(env: Record<string, string>, ...argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    const status = await main(argv, env, { isTTY: false });
    return { status, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

/**
 * The `scores` of a model on digit rows, as numbers, in one runtime (a float16 model gets float16
 * input), `batch` rows a run: dynamic quantization's activation scale is the whole input's, so a
 * figure is only reproducible with the requests' own batches.
 */
export async function scores(ort: Ort, bytes: Uint8Array, images: readonly Float32Array[], batch = PER_REQUEST): Promise<number[]> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const all: number[] = [];
    for (let i = 0; i < images.length; i += batch) all.push(...(await runBatch(ort, session, images.slice(i, i + batch))));
    return all;
  } finally {
    await session.release();
  }
}

async function runBatch(ort: Ort, session: ortNode.InferenceSession, images: readonly Float32Array[]): Promise<number[]> {
  {
    const flat = new Float32Array(images.length * 784);
    images.forEach((im, i) => flat.set(im, i * 784));
    const half = session.inputMetadata[0]!.isTensor && (session.inputMetadata[0] as { type: string }).type === 'float16';
    const image = half ? new ort.Tensor('float16', Uint16Array.from(flat, toHalfBits), [images.length, 784]) : new ort.Tensor('float32', flat, [images.length, 784]);
    const out = (await session.run({ image })).scores!;
    return out.type === 'float16' ? Array.from(halfBits(out.data), fromHalfBits) : Array.from(out.data as Float32Array);
  }
}

function halfBits(data: unknown): Uint16Array {
  const d = data as { buffer: ArrayBuffer; byteOffset: number; length: number };
  return new Uint16Array(d.buffer, d.byteOffset, d.length);
}

/** The report's figures measured in one of RUNTIMES (named as the quantizer's backends name themselves). */
export function statedIn(report: QuantizeReport, runtime: string): Comparison {
  const backend = runtime === 'onnxruntime-node' ? 'ort-node(cpu)' : 'ort-web(wasm)';
  return report.comparisons!.find((c) => c.runtime === backend)!;
}

/** The largest max abs error the report states for an output, over both backends. */
export function worstError(report: QuantizeReport, output = 0): number {
  return Math.max(...report.comparisons!.map((c) => c.outputs[output]!.maxAbsError));
}

export interface Difference { maxAbsError: number; meanAbsError: number; top1Agreement: number }

export function difference(a: readonly number[], b: readonly number[], classes = 10): Difference {
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    max = Math.max(max, d);
    sum += d;
  }
  let agree = 0;
  for (let r = 0; r < a.length / classes; r++) if (argmax(a, r * classes, classes) === argmax(b, r * classes, classes)) agree++;
  return { maxAbsError: max, meanAbsError: sum / a.length, top1Agreement: agree / (a.length / classes) };
}
