// Issue 3's targets, against a real S3 server (s3rver) on 127.0.0.1:
// (a) cold start: a fresh edgeserve (empty cache, new S3 client) answering its first predict for
//     the classifier, against the floor it cannot beat: a GET of the model object plus the
//     session create, with a new client too, interleaved in the same run; and the same cold start
//     given a persisted listing and config file (a ListingCache shared by the fresh instances, as
//     the Cache API is by isolates), timed to its answer (the real listing that follows in the background is
//     drained before the next round, untimed);
// (b) refresh cost: storage requests per model per refresh interval on an unchanged bucket.
import { readdir } from 'node:fs/promises';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import * as ort from 'onnxruntime-node';
import { createNodeBackend } from '../adapters/shared/ort-backends.ts';
import { createEdgeserve } from '../functions/app.ts';
import { MemoryListingCache } from '../functions/serving/listing-cache.ts';
import { silentLogger } from '../functions/util/log.ts';
import type { RestRequest } from '../functions/http/exchange.ts';
import { CountingStore } from '../test/helpers.ts';
import { BUCKET } from '../test/s3-server.ts';
import { S3Store } from '../adapters/storage/s3.ts';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { interleave, median, pythonStyleRows } from './stats.ts';
import { mnistSamples } from '../test/fixtures/example-models.ts';

/** The S3 server in a child process, so that it does not share the measured event loop. */
export async function startRemoteS3(repository: string): Promise<{ endpoint: string; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/s3-server.ts', repository, 'repo'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`s3 server exited with ${code}`)));
  });
  return { endpoint: (JSON.parse(line) as { endpoint: string }).endpoint, stop: () => child.kill('SIGTERM') };
}

export async function benchColdStart(repository: string) {
  const s3 = await startRemoteS3(repository);
  const clientConfig = { endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } };
  const storeAt = () => new S3Store({ bucket: BUCKET, prefix: 'repo', client: clientConfig });
  try {
    const backend = await createNodeBackend('ort-node');
    const body = new TextEncoder().encode(pythonStyleRows(mnistSamples(1).images));
    const request: RestRequest = { method: 'POST', pathAndQuery: '/v1/models/mnist:predict', header: () => null, readBody: async () => body };
    const coldStart = async () => {
      const es = createEdgeserve({ store: storeAt(), backend, logger: silentLogger, refreshIntervalMs: 0 });
      const res = await es.handle(request);
      if (res.status !== 200) throw new Error(res.body ?? '');
      await es.manager.close();
    };
    /** The floor: a new client, (optionally the listing version discovery needs,) one GET, one session. */
    const floorOf = (withListing: boolean) => async () => {
      const client = new S3Client({ ...clientConfig, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
      if (withListing) await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'repo/' }));
      const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'repo/mnist/1/model.onnx' }));
      const session = await ort.InferenceSession.create(await got.Body!.transformToByteArray(), { executionProviders: ['cpu'] });
      await session.release();
      client.destroy();
    };
    const vsGet = await interleave(coldStart, floorOf(false), 15, 3);
    // The entry a previous instance leaves: its real listing and config file, written back after its first request.
    const listingCache = new MemoryListingCache();
    const previous = createEdgeserve({ store: storeAt(), backend, logger: silentLogger, refreshIntervalMs: 0, listingCache });
    await previous.handle(request);
    await Promise.all(await previous.manager.refresh());
    await previous.manager.close();
    if (listingCache.writes !== 1) throw new Error('the previous instance left no persisted listing');
    const persistedMs: number[] = [];
    const coldStartPersisted = async () => {
      const t0 = performance.now();
      const es = createEdgeserve({ store: storeAt(), backend, logger: silentLogger, refreshIntervalMs: 0, listingCache });
      const res = await es.handle(request);
      persistedMs.push(performance.now() - t0);
      if (res.status !== 200) throw new Error(res.body ?? '');
      await Promise.all(await es.manager.refresh()); // the background listing (or one more), untimed
      await es.manager.close();
    };
    const vsGetPersisted = await interleave(coldStartPersisted, floorOf(false), 15, 3);
    const vsListGet = await interleave(coldStart, floorOf(true), 15, 3);

    // (b) An unchanged bucket under steady traffic for ten refresh intervals.
    const store = new CountingStore(storeAt());
    const intervalMs = 100;
    const es = createEdgeserve({ store, backend, logger: silentLogger, refreshIntervalMs: intervalMs });
    await es.handle(request);
    const before = store.requests;
    const started = Date.now();
    while (Date.now() - started < 10 * intervalMs) await es.handle(request);
    const intervals = (Date.now() - started) / intervalMs;
    const models = (await readdir(repository, { withFileTypes: true })).filter((e) => e.isDirectory()).length;
    const perModelPerInterval = (store.requests - before) / intervals / models;
    await es.manager.close();
    const ms = (samples: number[]) => median(samples) / 1000;
    return {
      vsGet: { edgeserveMs: ms(vsGet.a), floorMs: ms(vsGet.b) },
      vsListGet: { edgeserveMs: ms(vsListGet.a), floorMs: ms(vsListGet.b) },
      // Timed to the answer; the first 3 rounds (interleave's warm-up) are left out.
      vsGetPersisted: { edgeserveMs: median(persistedMs.slice(3)), floorMs: ms(vsGetPersisted.b) },
      perModelPerInterval,
      models,
    };
  } finally {
    s3.stop();
  }
}
