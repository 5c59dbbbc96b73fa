// The GPU verification of issue 7, for anyone with an NVIDIA GPU (and the Vulkan loader for
// onnxruntime's WebGPU provider): an MLP 1024-4096-4096-4096-1000 built in code, served by
// edgeserve three ways, each driven by 64 concurrent keep-alive clients sending one row:
//   GPU (webgpu) unbatched · GPU batched · CPU batched.
// Targets: batched GPU ≥ 5× unbatched GPU, and ≥ 3× batched CPU.
//   npx tsx bench/gpu-mlp.ts [--providers webgpu] [--seconds 10]
// Nothing here runs in CI (no GPU there); the README says what was measured, and where.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildModel } from '../test/fixtures/onnx-builder.ts';
import { benchServer, loadServer } from './http.ts';

const { values } = parseArgs({ options: { providers: { type: 'string', default: 'webgpu' }, seconds: { type: 'string', default: '10' } } });
const LAYERS = [1024, 4096, 4096, 4096, 1000];

function mlp(): Uint8Array {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.05;
  const initializers = [];
  const nodes = [];
  let input = 'x';
  for (let i = 0; i < LAYERS.length - 1; i++) {
    const [n, m] = [LAYERS[i]!, LAYERS[i + 1]!];
    initializers.push({ name: `w${i}`, type: 'float' as const, dims: [n, m], data: Float32Array.from({ length: n * m }, random) });
    initializers.push({ name: `b${i}`, type: 'float' as const, dims: [m], data: new Float32Array(m) });
    nodes.push({ op: 'MatMul', inputs: [input, `w${i}`], outputs: [`mm${i}`] });
    nodes.push({ op: 'Add', inputs: [`mm${i}`, `b${i}`], outputs: [`a${i}`] });
    const last = i === LAYERS.length - 2;
    if (!last) nodes.push({ op: 'Relu', inputs: [`a${i}`], outputs: [`r${i}`] });
    input = last ? `a${i}` : `r${i}`;
  }
  nodes.push({ op: 'Identity', inputs: [input], outputs: ['y'] });
  return buildModel({
    name: 'mlp', initializers, nodes,
    inputs: [{ name: 'x', type: 'float', shape: ['batch', LAYERS[0]!] }],
    outputs: [{ name: 'y', type: 'float', shape: ['batch', LAYERS.at(-1)!] }],
  });
}

const dir = await mkdtemp(join(tmpdir(), 'edgeserve-gpu-'));
await mkdir(join(dir, 'mlp/1'), { recursive: true });
await writeFile(join(dir, 'mlp/1/model.onnx'), mlp());
const batching = join(dir, 'batching.config');
await writeFile(batching, 'max_batch_size { value: 64 }\nbatch_timeout_micros { value: 2000 }\nmax_enqueued_batches { value: 1000 }\nnum_batch_threads { value: 2 }\n');
const body = JSON.stringify({ instances: [Array.from({ length: LAYERS[0]! }, (_, i) => (i % 10) / 10)] });
const seconds = Number(values.seconds);
const runs = [
  { label: `GPU (${values.providers}) unbatched`, args: ['--execution_providers', values.providers!] },
  { label: `GPU (${values.providers}) batched`, args: ['--execution_providers', values.providers!, '--enable_batching', '--batching_parameters_file', batching] },
  { label: 'CPU batched', args: ['--execution_providers', 'cpu', '--enable_batching', '--batching_parameters_file', batching] },
];
const results: { label: string; rps: number; p50: number; p99: number }[] = [];
try {
  for (const run of runs) {
    const server = await benchServer(['adapters/node/main.ts', '--model_base_path', dir, '--rest_api_port', '0', '--log_requests=false', ...run.args]);
    try {
      await loadServer(server.url, '/v1/models/mlp:predict', body, 64, 2);
      results.push({ label: run.label, ...(await loadServer(server.url, '/v1/models/mlp:predict', body, 64, seconds)) });
    } finally {
      server.child.kill('SIGTERM');
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
const [gpu, gpuBatched, cpuBatched] = results as [typeof results[0], typeof results[0], typeof results[0]];
console.log('| server (64 clients, 1 row each) | req/s | p50 ms | p99 ms |\n|---|---|---|---|');
for (const r of results) console.log(`| ${r.label} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} |`);
console.log(`\nbatched GPU vs unbatched GPU: ${(gpuBatched.rps / gpu.rps).toFixed(2)}× (target ≥ 5×)`);
console.log(`batched GPU vs batched CPU: ${(gpuBatched.rps / cpuBatched.rps).toFixed(2)}× (target ≥ 3×)`);
