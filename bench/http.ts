// (c) HTTP throughput and latency: edgeserve's Node server against the bare baseline, each in
// its own process, driven by the same keep-alive load generator (autocannon) in alternation.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { mnistSamples } from '../test/fixtures/example-models.ts';
import { median, pythonStyleRows } from './stats.ts';

interface Running {
  url: string;
  child: ChildProcess;
}

/** An edgeserve (or any) server in its own process; resolves with its URL once it listens. */
export function benchServer(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const msg = JSON.parse(line) as { event?: string; url?: string };
        if (msg.event === 'server_listening' && msg.url) {
          lines.close();
          child.stdout!.resume(); // keep draining, unparsed
          resolve({ url: msg.url, child });
        }
      } catch {
        /* not a log line */
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

const MNIST_PREDICT = '/v1/models/mnist:predict';

/** autocannon with keep-alive against one POST path; fails on any non-2xx answer. */
export async function loadServer(url: string, path: string, body: string, connections: number, seconds: number) {
  const result = await autocannon({
    url: `${url}${path}`,
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
    connections,
    duration: seconds,
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`load against ${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

export async function benchHttp(repository: string, rounds = 3, seconds = 3) {
  // Request logging is measured on its own (the observability row); here both servers answer only.
  const edgeserve = await benchServer(['adapters/node/main.ts', '--model_base_path', repository, '--rest_api_port', '0', '--log_requests=false']);
  const bare = await benchServer([join('bench', 'bare-server.ts'), join(repository, 'mnist/1/model.onnx')]);
  const body = pythonStyleRows(mnistSamples(1).images);
  try {
    const rows = [];
    for (const connections of [1, 16]) {
      const samples = { edgeserve: [] as Awaited<ReturnType<typeof loadServer>>[], bare: [] as Awaited<ReturnType<typeof loadServer>>[] };
      await loadServer(edgeserve.url, MNIST_PREDICT, body, connections, 1); // warm-up
      await loadServer(bare.url, MNIST_PREDICT, body, connections, 1);
      for (let r = 0; r < rounds; r++) {
        samples.edgeserve.push(await loadServer(edgeserve.url, MNIST_PREDICT, body, connections, seconds));
        samples.bare.push(await loadServer(bare.url, MNIST_PREDICT, body, connections, seconds));
      }
      const summary = (s: typeof samples.bare) => ({
        rps: median(s.map((x) => x.rps)),
        p50: median(s.map((x) => x.p50)),
        p99: median(s.map((x) => x.p99)),
      });
      rows.push({ connections, edgeserve: summary(samples.edgeserve), bare: summary(samples.bare) });
    }
    return rows;
  } finally {
    edgeserve.child.kill('SIGTERM');
    bare.child.kill('SIGTERM');
  }
}

/**
 * Issue 7's CPU target: 32 concurrent clients on the classifier, one row each, against the same
 * server with and without TF Serving-style dynamic batching, alternating rounds.
 */
export async function benchBatching(repository: string, rounds = 3, seconds = 3) {
  const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const dir = await mkdtemp(join(tmpdir(), 'edgeserve-batching-'));
  const params = join(dir, 'batching.config');
  await writeFile(params, 'max_batch_size { value: 32 }\nbatch_timeout_micros { value: 1000 }\nmax_enqueued_batches { value: 1000 }\nnum_batch_threads { value: 2 }\n');
  const common = ['adapters/node/main.ts', '--model_base_path', repository, '--rest_api_port', '0', '--log_requests=false'];
  const batched = await benchServer([...common, '--enable_batching', '--batching_parameters_file', params]);
  const plain = await benchServer(common);
  const body = pythonStyleRows(mnistSamples(1).images);
  try {
    const samples = { batched: [] as Awaited<ReturnType<typeof loadServer>>[], plain: [] as Awaited<ReturnType<typeof loadServer>>[] };
    await loadServer(batched.url, MNIST_PREDICT, body, 32, 1);
    await loadServer(plain.url, MNIST_PREDICT, body, 32, 1);
    for (let r = 0; r < rounds; r++) {
      samples.batched.push(await loadServer(batched.url, MNIST_PREDICT, body, 32, seconds));
      samples.plain.push(await loadServer(plain.url, MNIST_PREDICT, body, 32, seconds));
    }
    const summary = (s: typeof samples.plain) => ({ rps: median(s.map((x) => x.rps)), p99: median(s.map((x) => x.p99)) });
    return { batched: summary(samples.batched), plain: summary(samples.plain) };
  } finally {
    batched.child.kill('SIGTERM');
    plain.child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }
}
