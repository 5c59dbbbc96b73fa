// Shared test set-up: the example repository and real Node servers on 127.0.0.1:0.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeBackend, type BackendName } from '../adapters/node/ort-backends.ts';
import { startNodeServer, type NodeServer, type NodeServerOptions } from '../adapters/node/server.ts';
import { FileSystemStore } from '../adapters/storage/fs.ts';
import { silentLogger } from '../functions/log.ts';
import type { ModelStore } from '../functions/storage/model-store.ts';
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
