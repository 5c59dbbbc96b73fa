// The V2 conformance table against the built Worker in workerd (miniflare), the V2 repository in
// its R2 bucket: the hono app, Fetch Request/Response, binary bodies as workerd carries them.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { FileSystemStore } from '../../adapters/storage/fs.ts';
import { startWorker, type TestWorker } from '../workers-runtime.ts';
import { defineV2Suite } from './cases.ts';
import { v2Repository } from './repository.ts';

let worker: TestWorker;
let repo: Awaited<ReturnType<typeof v2Repository>>;
beforeAll(async () => {
  repo = await v2Repository();
  worker = await startWorker({}, { upload: false });
  for (const { key } of await new FileSystemStore(repo.dir).list('')) await worker.put(key, new Uint8Array(await readFile(join(repo.dir, key))));
  await worker.scheduled(); // the cron warm-up: every version AVAILABLE, as the suite's readiness case expects
}, 120_000);
afterAll(async () => {
  await worker?.dispose();
  await repo?.remove();
});

defineV2Suite('Cloudflare Worker in workerd, models in R2', () => (path, init) => worker.fetch(path, init));
