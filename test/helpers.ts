// Shared test set-up: the example repository and real Node servers on 127.0.0.1:0.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeBackend, type BackendName } from '../adapters/shared/ort-backends.ts';
import { startNodeServer, type NodeServer, type NodeServerOptions } from '../adapters/node/server.ts';
import { FileSystemStore } from '../adapters/storage/fs.ts';
import { silentLogger } from '../functions/util/log.ts';
import { StoreUnavailableError, type ModelStore } from '../functions/storage/model-store.ts';
import { DEFAULT_OUT, repositoryComplete, writeExampleRepository } from '../scripts/build-example-models.ts';

/** The example repository (`npm test` builds it first; built here if a test runs alone). */
export async function exampleRepository(): Promise<string> {
  if (!repositoryComplete(DEFAULT_OUT)) await writeExampleRepository(DEFAULT_OUT);
  return DEFAULT_OUT;
}

/** A scratch copy of the example repository that a test may change. */
export async function scratchRepository(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'edgeserve-test-'));
  await cp(await exampleRepository(), dir, { recursive: true });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export async function startTestServer(
  options: Partial<NodeServerOptions> & { root?: string; backendName?: BackendName; store?: ModelStore } = {},
): Promise<NodeServer> {
  const store = options.store ?? new FileSystemStore(options.root ?? (await exampleRepository()));
  return startNodeServer({
    backend: await createNodeBackend(options.backendName ?? 'ort-node'),
    logger: silentLogger,
    port: 0,
    host: '127.0.0.1',
    preload: true,
    ...options,
    store,
  });
}

/** Counts calls on a real store: how often the repository was listed and each object read. */
export class CountingStore implements ModelStore {
  readonly gets = new Map<string, number>();
  lists = 0;
  constructor(private readonly inner: ModelStore) {}
  get description() {
    return this.inner.description;
  }
  list(prefix: string) {
    this.lists++;
    return this.inner.list(prefix);
  }
  get(key: string, ifNoneMatch?: string) {
    this.gets.set(key, (this.gets.get(key) ?? 0) + 1);
    return this.inner.get(key, ifNoneMatch);
  }
  /** Requests of any kind so far. */
  get requests(): number {
    return this.lists + [...this.gets.values()].reduce((a, b) => a + b, 0);
  }
}

/**
 * A real store that can be switched to failing. A mock, on purpose: an outage of the storage
 * service between two requests cannot be caused on cue with a local folder (root ignores
 * permissions); the S3 tests cause real outages by stopping the server.
 */
export class FlakyStore extends CountingStore {
  down = false;
  private check() {
    if (this.down) throw new StoreUnavailableError('connection refused (simulated outage)');
  }
  override list(prefix: string) {
    return Promise.resolve().then(() => (this.check(), super.list(prefix)));
  }
  override get(key: string, ifNoneMatch?: string) {
    return Promise.resolve().then(() => (this.check(), super.get(key, ifNoneMatch)));
  }
}
