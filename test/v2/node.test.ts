// The V2 conformance table over real HTTP against the Node server (both onnxruntime backends), and
// through the Fetch-API app (the hono path Workers take) in-process.
import { afterAll, beforeAll } from 'vitest';
import type { NodeServer } from '../../adapters/node/server.ts';
import { startTestServer } from '../helpers.ts';
import { defineV2Suite } from './cases.ts';
import { v2Repository } from './repository.ts';

let repo: Awaited<ReturnType<typeof v2Repository>>;
const servers: NodeServer[] = [];
beforeAll(async () => {
  repo = await v2Repository();
  for (const backendName of ['ort-node', 'ort-web'] as const) servers.push(await startTestServer({ root: repo.dir, backendName }));
}, 60_000);
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await repo?.remove();
});

defineV2Suite('Node server (ort-node)', () => (path, init) => fetch(servers[0]!.url + path, init));
defineV2Suite('Node server (ort-web)', () => (path, init) => fetch(servers[1]!.url + path, init), { routedRequests: 100 });
defineV2Suite('hono app (Fetch API, in-process)', () => (path, init) => Promise.resolve(servers[0]!.app.fetch(new Request(`http://edgeserve${path}`, init))), { routedRequests: 100 });
