// The conformance suite over real HTTP against the Node server, once per inference backend.
import { afterAll, beforeAll } from 'vitest';
import type { NodeServer } from '../../adapters/node/server.ts';
import { startTestServer } from '../helpers.ts';
import { defineConformanceSuite } from './cases.ts';

for (const backendName of ['ort-node', 'ort-web'] as const) {
  let server: NodeServer;
  beforeAll(async () => {
    server = await startTestServer({ backendName });
  });
  afterAll(() => server.close());
  defineConformanceSuite(`Node server (${backendName})`, () => (path, init) => fetch(server.url + path, init));
}

// The Fetch-API app that Workers and Lambda run, called in-process.
{
  let server: NodeServer;
  beforeAll(async () => {
    server = await startTestServer({ port: 0 });
  });
  afterAll(() => server.close());
  defineConformanceSuite('hono app (Fetch API, in-process)', () => (path, init) =>
    Promise.resolve(server.app.fetch(new Request(`http://edgeserve${path}`, init))),
  );
}
