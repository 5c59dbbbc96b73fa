// Issue 4's targets, in workerd through miniflare:
// (a) warm predict: the Worker (onnxruntime-web in workerd) against the Node server on
//     onnxruntime-web, same classifier and one-row body, both over loopback HTTP, interleaved;
// (b) the first request to a fresh isolate with the classifier in R2 (workerd already started):
//     module evaluation, onnxruntime's WASM start, the R2 reads, the session, the prediction;
// (c) an edge-cache hit on a fresh isolate: the first request of a new instance whose Cache API
//     already holds the answer (and the persisted listing) — no session, no model read.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeBackend } from '../adapters/shared/ort-backends.ts';
import { startNodeServer } from '../adapters/node/server.ts';
import { FileSystemStore } from '../adapters/storage/fs.ts';
import { silentLogger } from '../functions/util/log.ts';
import { mnistSamples } from '../test/fixtures/example-models.ts';
import { startWorker } from '../test/workers-runtime.ts';
import { interleave, median, pythonStyleRows } from './stats.ts';

export async function benchWorkers(repository: string) {
  const body = pythonStyleRows(mnistSamples(1).images);
  const predict = async (fetcher: (path: string, init: RequestInit) => Promise<Response>) => {
    const res = await fetcher('/v1/models/mnist:predict', { method: 'POST', body });
    if (res.status !== 200) throw new Error(await res.text());
    await res.text();
  };

  const worker = await startWorker({ EDGESERVE_LOG_REQUESTS: '0' });
  const node = await startNodeServer({
    store: new FileSystemStore(repository), backend: await createNodeBackend('ort-web'), logger: silentLogger,
    port: 0, host: '127.0.0.1', preload: true,
  });
  // The transports differ (miniflare routes through its own entry worker): an empty request on
  // each (a 404 page, no model) measures what to subtract to compare the predict work itself.
  const empty = async (base: string) => void (await (await fetch(`${base}/healthz`)).text());
  // The same, carrying the predict's body (14 KiB in), which the 404 page never reads.
  const emptyPost = async (base: string) => void (await (await fetch(`${base}/healthz`, { method: 'POST', body })).text());
  let warm;
  let transport;
  let transportWithBody;
  try {
    warm = await interleave(() => predict((p, i) => fetch(worker.url + p, i)), () => predict((p, i) => fetch(node.url + p, i)), 400, 50);
    transport = await interleave(() => empty(worker.url), () => empty(node.url), 400, 50);
    transportWithBody = await interleave(() => emptyPost(worker.url), () => emptyPost(node.url), 400, 50);
  } finally {
    await worker.dispose();
    await node.close();
  }

  const firsts: number[] = [];
  for (let i = 0; i < 5; i++) {
    const fresh = await startWorker({ EDGESERVE_LOG_REQUESTS: '0' });
    try {
      const t0 = performance.now();
      await predict(fresh.fetch);
      firsts.push(performance.now() - t0);
    } finally {
      await fresh.dispose();
    }
  }
  // (c) An edge-cache hit on a fresh isolate: one instance answers (a miss, written to the Cache
  // API), a new one sharing its cache (miniflare persists it to a folder) answers the same body.
  const cacheDir = await mkdtemp(join(tmpdir(), 'edgeserve-cache-'));
  const cacheHits: number[] = [];
  const warmHits: number[] = [];
  try {
    for (let i = 0; i < 5; i++) {
      const vars = { EDGESERVE_LOG_REQUESTS: '0', EDGESERVE_CACHE_MODELS: 'mnist' };
      const first = await startWorker(vars, { cachePersist: cacheDir });
      try {
        const miss = await first.fetch('/v1/models/mnist:predict', { method: 'POST', body });
        await miss.text();
        await new Promise((r) => setTimeout(r, 200)); // the put rides on waitUntil
      } finally {
        await first.dispose();
      }
      const fresh = await startWorker(vars, { cachePersist: cacheDir });
      try {
        const t0 = performance.now();
        const hit = await fresh.fetch('/v1/models/mnist:predict', { method: 'POST', body });
        await hit.text();
        const ms = performance.now() - t0;
        if (hit.headers.get('x-edgeserve-cache') !== 'hit') throw new Error(`expected an edge-cache hit, got ${hit.headers.get('x-edgeserve-cache')}`);
        cacheHits.push(ms);
        for (let j = 0; j < 5; j++) {
          const t1 = performance.now();
          await (await fresh.fetch('/v1/models/mnist:predict', { method: 'POST', body })).text();
          warmHits.push(performance.now() - t1);
        }
      } finally {
        await fresh.dispose();
      }
    }
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
  return {
    cacheHitMs: median(cacheHits),
    warmCacheHitMs: median(warmHits),
    workerdUs: median(warm.a),
    nodeWebUs: median(warm.b),
    workerdEmptyUs: median(transport.a),
    nodeEmptyUs: median(transport.b),
    workerdEmptyPostUs: median(transportWithBody.a),
    nodeEmptyPostUs: median(transportWithBody.b),
    firstRequestMs: median(firsts),
  };
}
