// The persisted listing in workerd, with the real Cache API: two Worker runtimes one after the
// other (a new isolate, as on a fresh deployment or in another process), sharing their cache and
// R2 storage through Miniflare's persistence folders. The second one's first status answer comes
// from the listing the first left in the cache (it does not show a version put into R2 since);
// the real listing follows in the background and the new version appears.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { FileSystemStore } from '../../../adapters/storage/fs.ts';
import { buildWorker, WORKER_OUT } from '../../../scripts/build-workers.ts';
import { exampleRepository } from '../../helpers.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function runtime(persist: string): Miniflare {
  return new Miniflare({
    modules: [{ type: 'ESModule', path: join(WORKER_OUT, 'index.mjs') }, { type: 'CompiledWasm', path: join(WORKER_OUT, 'ort-wasm-simd-threaded.wasm') }],
    modulesRoot: WORKER_OUT,
    compatibilityDate: '2026-04-01',
    r2Buckets: ['MODELS'],
    r2Persist: join(persist, 'r2'),
    cachePersist: join(persist, 'cache'),
    bindings: { EDGESERVE_POLL_SECONDS: '3600' },
    log: undefined,
  });
}

type Bucket = { put(k: string, v: Uint8Array | string): Promise<unknown> };
const versions = async (mf: Miniflare) => {
  const r = await mf.dispatchFetch('http://edgeserve.test/v1/models/half_plus_two');
  const json = (await r.json()) as { model_version_status: { version: string }[] };
  return json.model_version_status.map((s) => s.version);
};

describe('persisted listing in workerd', () => {
  it('a second runtime answers from the first one\'s listing in the Cache API, then from the real one', async () => {
    await buildWorker();
    const persist = await mkdtemp(join(tmpdir(), 'edgeserve-workerd-listing-'));
    dirs.push(persist);
    const repo = await exampleRepository();

    const first = runtime(persist);
    try {
      const bucket = (await first.getR2Bucket('MODELS')) as unknown as Bucket;
      for (const { key } of await new FileSystemStore(repo).list('')) await bucket.put(key, new Uint8Array(await readFile(join(repo, key))));
      expect((await versions(first))[0]).toBe('2');
      const cache = (await first.getCaches()) as unknown as { default: { match(url: string): Promise<unknown> } };
      await vi.waitFor(async () => expect(await cache.default.match('https://edgeserve-listing.internal/r2%3A%2F%2FMODELS%2F')).toBeDefined(), { timeout: 10_000 });
    } finally {
      await first.dispose();
    }

    const second = runtime(persist);
    try {
      const bucket = (await second.getR2Bucket('MODELS')) as unknown as Bucket;
      await bucket.put('half_plus_two/3/model.onnx', new Uint8Array(await readFile(join(repo, 'half_plus_two/2/model.onnx'))));
      expect((await versions(second))[0]).toBe('2'); // the persisted listing: no LIST made before answering
      await vi.waitFor(async () => expect((await versions(second))[0]).toBe('3'), { timeout: 10_000 });
    } finally {
      await second.dispose();
    }
  }, 120_000);
});
