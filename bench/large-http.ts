// Large tensors over HTTP (issue 14 item 5, issue 13's head-of-line row).
//
// benchLargePredict: end-to-end predicts on the two bench-only models of large-models.ts, with
// columnar {"inputs": …} bodies written as a Python client writes them (json.dumps of a numpy
// float32 array's tolist()): edgeserve's Node server against (a) a bare node:http server doing
// JSON.parse + session.run + JSON.stringify (bare-columnar-server.ts) and (b) session.run alone,
// in this process, on the same input. Both servers run in their own processes; one keep-alive
// socket each, sequential requests, the three variants interleaved round by round; medians.
//
// benchHeadOfLine: one client sends small predicts (mnist 1×784) sequentially to edgeserve while
// another process keeps sending it the largest body its default limits accept, against the same
// client alone, in alternating phases; p50/p99 of the small predicts in each.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { mnistSamples } from '../test/fixtures/example-models.ts';
import { benchServer } from './http.ts';
import { KeepAliveClient } from './keep-alive-client.ts';
import { FLOOD_PATHS } from './flood-client.ts';
import { benchRepository, DET, detInput, OCR, ocrInput } from './large-models.ts';
import { interleaveAll, median, percentile, pythonColumnar, pythonStyleRows } from './stats.ts';

export interface LargeCase {
  readonly label: string;
  readonly model: string;
  readonly input: string;
  readonly output: string;
  readonly data: Float32Array;
  readonly dims: number[];
  readonly outputDims: number[];
}

export function largeCases(): LargeCase[] {
  const ocr = ocrInput(2);
  const det = detInput(1);
  return [
    { label: `${OCR.name} 2×${OCR.steps}×${OCR.features} → 2×${OCR.steps}×${OCR.classes}`, model: OCR.name, input: OCR.input, output: OCR.output,
      ...ocr, outputDims: [2, OCR.steps, OCR.classes] },
    { label: `${DET.name} 1×3×${DET.side}×${DET.side} → 1×1×${DET.side}×${DET.side}`, model: DET.name, input: DET.input, output: DET.output,
      ...det, outputDims: [1, 1, DET.side, DET.side] },
  ];
}

const edgeserveArgs = (repository: string) =>
  ['adapters/node/main.ts', '--model_base_path', repository, '--rest_api_port', '0', '--log_requests=false'];

const shapeOf = (v: unknown): number[] => (Array.isArray(v) ? [v.length, ...shapeOf(v[0])] : []);

export interface LargeResult {
  label: string;
  requestBytes: number;
  edgeserveResponseBytes: number;
  bareResponseBytes: number;
  edgeserveMs: number;
  bareMs: number;
  runMs: number;
}

export async function benchLargePredict(rounds = 20): Promise<LargeResult[]> {
  const repo = await benchRepository();
  const cases = largeCases();
  const children: ChildProcess[] = [];
  const clients: KeepAliveClient[] = [];
  try {
    const edgeserve = await benchServer(edgeserveArgs(repo.dir));
    children.push(edgeserve.child);
    const results: LargeResult[] = [];
    for (const c of cases) {
      const modelPath = join(repo.dir, c.model, '1', 'model.onnx');
      const bare = await benchServer([join('bench', 'bare-columnar-server.ts'), modelPath]);
      children.push(bare.child);
      const session = await ort.InferenceSession.create(await readFile(modelPath), { executionProviders: ['cpu'] });
      const es = new KeepAliveClient(edgeserve.url);
      const bc = new KeepAliveClient(bare.url);
      clients.push(es, bc);
      const path = `/v1/models/${c.model}:predict`;
      const body = Buffer.from(pythonColumnar(c.data, c.dims));
      const tensor = new ort.Tensor('float32', c.data, c.dims);

      // Both servers must give the same kind of answer: {"outputs": nested lists of outputDims}.
      const sizes: Record<string, number> = {};
      for (const [name, client] of [['edgeserve', es], ['bare', bc]] as const) {
        const answer = await client.ok(path, body, true);
        const shape = shapeOf((JSON.parse(answer.text!) as { outputs: unknown }).outputs);
        if (shape.join() !== c.outputDims.join()) throw new Error(`${name} answered ${c.model} with shape [${shape}], not [${c.outputDims}]`);
        sizes[name] = answer.bytes;
      }
      const samples = await interleaveAll({
        edgeserve: () => es.ok(path, body),
        bare: () => bc.ok(path, body),
        run: () => session.run({ [c.input]: tensor }),
      }, rounds, 3);
      results.push({
        label: c.label,
        requestBytes: body.length,
        edgeserveResponseBytes: sizes.edgeserve!,
        bareResponseBytes: sizes.bare!,
        edgeserveMs: median(samples.edgeserve) / 1000,
        bareMs: median(samples.bare) / 1000,
        runMs: median(samples.run) / 1000,
      });
      await session.release();
    }
    return results;
  } finally {
    for (const client of clients) client.close();
    for (const child of children) child.kill('SIGTERM');
    await repo.dispose();
  }
}

function startFlood(url: string, kind: FloodKind) {
  const child = spawn(process.execPath, ['--import', 'tsx', join('bench', 'flood-client.ts'), url, kind], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const waiting: { until: string; resolve: (m: Record<string, unknown>) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const msg = JSON.parse(line) as Record<string, unknown>;
    const i = waiting.findIndex((w) => w.until === msg.event);
    if (i >= 0) waiting.splice(i, 1)[0]!.resolve(msg);
  });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`flood client exited with ${code}`))));
  exited.catch(() => {});
  return {
    child,
    command: (line: 'go' | 'stop', until: string) => {
      const answered = new Promise<Record<string, unknown>>((resolve) => waiting.push({ until, resolve }));
      child.stdin!.write(`${line}\n`);
      return Promise.race([answered, exited]);
    },
  };
}

export type FloodKind = keyof typeof FLOOD_PATHS;

interface Latencies { p50: number; p99: number; count: number; failed: number }

export interface HeadOfLineResult {
  alone: Latencies;
  flooded: Latencies;
  bigBodyBytes: number;
  bigAnswered: number;
  bigMedianMs: number;
}

/**
 * Small predicts (mnist 1×784, sequential, one keep-alive socket) alone and while another process
 * keeps sending a maximal body, in alternating phases of `seconds`. The server is edgeserve's Node
 * server on a repository with mnist and the two large models.
 */
export async function benchHeadOfLine(exampleRepository: string, kind: FloodKind = 'detector', rounds = 2, seconds = 3): Promise<HeadOfLineResult> {
  const repo = await benchRepository();
  for (const [model, version] of [['mnist', 1], ['half_plus_two', 2]] as const) {
    await mkdir(join(repo.dir, model, String(version)), { recursive: true });
    await copyFile(join(exampleRepository, model, String(version), 'model.onnx'), join(repo.dir, model, String(version), 'model.onnx'));
  }
  const edgeserve = await benchServer(edgeserveArgs(repo.dir));
  const flood = startFlood(edgeserve.url, kind);
  const client = new KeepAliveClient(edgeserve.url);
  const body = Buffer.from(pythonStyleRows(mnistSamples(1).images));
  const path = '/v1/models/mnist:predict';
  // Every answer counts, a failure too (a 504 is a small predict that waited out its deadline).
  const smallFor = async (ms: number, into: { ms: number[]; failed: number }) => {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      const t0 = performance.now();
      const answer = await client.post(path, body);
      into.ms.push(performance.now() - t0);
      if (answer.status !== 200) into.failed++;
    }
  };
  try {
    await smallFor(500, { ms: [], failed: 0 }); // warm-up
    const alone = { ms: [] as number[], failed: 0 };
    const flooded = { ms: [] as number[], failed: 0 };
    const big: number[] = [];
    let bigBodyBytes = 0;
    for (let r = 0; r < rounds; r++) {
      await smallFor(seconds * 1000, alone);
      bigBodyBytes = Number((await flood.command('go', 'flooding')).bodyBytes);
      await smallFor(seconds * 1000, flooded);
      big.push(...((await flood.command('stop', 'idle')).ms as number[]));
    }
    const summary = (s: typeof alone): Latencies => ({ p50: percentile(s.ms, 50), p99: percentile(s.ms, 99), count: s.ms.length, failed: s.failed });
    return { alone: summary(alone), flooded: summary(flooded), bigBodyBytes, bigAnswered: big.length, bigMedianMs: median(big) };
  } finally {
    client.close();
    flood.child.stdin!.end();
    flood.child.kill('SIGTERM');
    edgeserve.child.kill('SIGTERM');
    await repo.dispose();
  }
}
