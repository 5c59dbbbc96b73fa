// The built Worker running in workerd (miniflare), with the example repository in its R2 bucket.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { FileSystemStore } from '../adapters/storage/fs.ts';
import { buildWorker, WORKER_OUT } from '../scripts/build-workers.ts';
import { exampleRepository } from './helpers.ts';

export interface TestWorker {
  readonly mf: Miniflare;
  /** The worker's own HTTP address on 127.0.0.1 (plain HTTP, as a client would call it). */
  readonly url: string;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  put(key: string, body: Uint8Array | string): Promise<void>;
  remove(key: string): Promise<void>;
  scheduled(): Promise<void>;
  dispose(): Promise<void>;
}

let built: Promise<unknown> | undefined;

export async function startWorker(
  vars: Record<string, string> = {},
  options: { upload?: boolean; bindR2?: boolean; onLog?: (message: string) => void; cachePersist?: string } = {},
): Promise<TestWorker> {
  built ??= buildWorker();
  await built;
  const mf = new Miniflare({
    modules: [{ type: 'ESModule', path: join(WORKER_OUT, 'index.mjs') }, { type: 'CompiledWasm', path: join(WORKER_OUT, 'ort-wasm-simd-threaded.wasm') }],
    modulesRoot: WORKER_OUT,
    compatibilityDate: '2026-04-01',
    r2Buckets: options.bindR2 === false ? [] : ['MODELS'],
    bindings: { EDGESERVE_POLL_SECONDS: '1', ...vars },
    host: '127.0.0.1',
    port: 0,
    // A folder shared by two instances: the Cache API of one data center, seen by a fresh isolate.
    ...(options.cachePersist ? { cachePersist: options.cachePersist } : {}),
    ...(options.onLog ? { handleStructuredLogs: ({ message }: { message: string }) => options.onLog!(message) } : {}),
    log: undefined,
  });
  const bucket = (options.bindR2 === false ? undefined : await mf.getR2Bucket('MODELS')) as unknown as {
    put(k: string, v: Uint8Array | string): Promise<unknown>;
    delete(k: string): Promise<void>;
  };
  if (options.upload !== false && bucket) {
    const repo = await exampleRepository();
    for (const { key } of await new FileSystemStore(repo).list('')) {
      await bucket.put(key, new Uint8Array(await readFile(join(repo, key))));
    }
  }
  const worker = await mf.getWorker();
  const url = (await mf.ready).origin;
  return {
    mf,
    url,
    fetch: (path, init) => mf.dispatchFetch(`http://edgeserve.test${path}`, init as never) as unknown as Promise<Response>,
    put: async (key, body) => void (await bucket.put(key, body)),
    remove: (key) => bucket.delete(key),
    scheduled: async () => void (await (worker as unknown as { scheduled(o: { cron: string }): Promise<unknown> }).scheduled({ cron: "*/5 * * * *" })),
    dispose: () => mf.dispose(),
  };
}
