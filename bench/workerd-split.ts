// Where the workerd row's gap goes: each piece of a warm mnist predict (workerd-split-loops.ts)
// timed per iteration in workerd (through a bench-only Worker; the loops are timed from outside,
// as (T(n) − T(0)) / n, because workerd's clocks stand still while JavaScript runs) and in Node on
// the same onnxruntime-web build. Runs alone: `npx tsx bench/workerd-split.ts`; bench/run.ts prints
// its rows too.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { createNodeBackend } from '../adapters/shared/ort-backends.ts';
import { DEFAULT_OUT } from '../scripts/build-example-models.ts';
import { WRANGLER_LIKE } from '../scripts/build-workers.ts';
import { mnistSamples } from '../test/fixtures/example-models.ts';
import { median, pythonStyleRows } from './stats.ts';
import { PIECES, runPiece, splitSubject, type Piece } from './workerd-split-loops.ts';

const OUT = join(import.meta.dirname, '..', 'dist', 'bench-worker');
const N = 200;
const ROUNDS = 9;

/** The mnist classifier and a one-row body, as the workerd row's predict. */
export async function mnistSplitSubject(repository: string): Promise<[Uint8Array, string]> {
  return [new Uint8Array(await readFile(join(repository, 'mnist', '1', 'model.onnx'))), pythonStyleRows(mnistSamples(1).images)];
}

export type PieceCosts = Record<Piece, { workerdUs: number; nodeUs: number }>;

/** The pieces of a warm predict of `model` on `body` (served under the name mnist). */
export async function benchWorkerdSplit(model: Uint8Array, body: string, n = N): Promise<PieceCosts> {
  await build({ ...WRANGLER_LIKE, entryPoints: [join(import.meta.dirname, 'workerd-split-worker.ts')], outdir: OUT, logLevel: 'warning' });
  const mf = new Miniflare({
    modules: [{ type: 'ESModule', path: join(OUT, 'index.mjs') }, { type: 'CompiledWasm', path: join(OUT, 'ort-wasm-simd-threaded.wasm') }],
    modulesRoot: OUT,
    compatibilityDate: '2026-04-01',
    host: '127.0.0.1',
    port: 0,
  });
  const node = await splitSubject(await createNodeBackend('ort-web'), model, body);
  try {
    const setup = await mf.dispatchFetch('http://bench/setup', { method: 'POST', headers: { 'x-model-bytes': String(model.byteLength) }, body: concat(model, new TextEncoder().encode(body)) });
    if (setup.status !== 200) throw new Error(`bench worker setup: ${await setup.text()}`);
    const inWorkerd = async (piece: Piece, n: number) => {
      const t0 = performance.now();
      const res = await mf.dispatchFetch(`http://bench/loop?piece=${piece}&n=${n}`);
      const text = await res.text();
      if (res.status !== 200) throw new Error(`bench worker ${piece}: ${text}`);
      return performance.now() - t0;
    };
    const costs = {} as PieceCosts;
    for (const piece of PIECES) {
      const workerd: number[] = [];
      const inNode: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        workerd.push(((await inWorkerd(piece, n)) - (await inWorkerd(piece, 0))) / n);
        const t0 = performance.now();
        await runPiece(node, piece, n);
        inNode.push((performance.now() - t0) / n);
      }
      costs[piece] = { workerdUs: median(workerd) * 1000, nodeUs: median(inNode) * 1000 };
    }
    return costs;
  } finally {
    await mf.dispose();
    await node.edgeserve.manager.close();
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a);
  out.set(b, a.byteLength);
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const costs = await benchWorkerdSplit(...(await mnistSplitSubject(DEFAULT_OUT)));
  console.log('| piece  | workerd µs | Node µs | ratio |');
  console.log('|--------|-----------:|--------:|------:|');
  for (const [piece, c] of Object.entries(costs)) console.log(`| ${piece.padEnd(6)} | ${c.workerdUs.toFixed(1).padStart(10)} | ${c.nodeUs.toFixed(1).padStart(7)} | ${(c.workerdUs / c.nodeUs).toFixed(2).padStart(5)} |`);
}
