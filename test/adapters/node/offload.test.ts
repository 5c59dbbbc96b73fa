// Offload through a real second edgeserve on 127.0.0.1: the edge forwards a remote model's
// requests over the same REST contract, and turns an unreachable or silent backend into 502/504.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeServer } from '../../../adapters/node/server.ts';
import { call } from '../../conformance/cases.ts';
import { startTestServer } from '../../helpers.ts';
import { binaryOf, hex, infer } from '../../v2/client.ts';

let backend: NodeServer;
let edge: NodeServer;
let silent: Server;
const sockets: Socket[] = [];
let dir: string;

beforeAll(async () => {
  backend = await startTestServer();
  silent = createServer((s) => void sockets.push(s)); // accepts, never answers
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const closedPort = (closed.address() as import('node:net').AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r())); // a port nobody listens on
  dir = await mkdtemp(join(tmpdir(), 'edgeserve-edge-'));
  await writeFile(join(dir, 'models.config.json'), JSON.stringify({
    models: [
      { name: 'half_plus_two', remote: { url: backend.url, timeout_ms: 5000 } },
      { name: 'slow', remote: { url: `http://127.0.0.1:${(silent.address() as import('node:net').AddressInfo).port}`, timeout_ms: 300 } },
      { name: 'gone', remote: { url: `http://127.0.0.1:${closedPort}`, timeout_ms: 1000 } },
    ],
  }));
  edge = await startTestServer({ root: dir, preload: false });
});
afterAll(async () => {
  await edge.close();
  await backend.close();
  for (const s of sockets) s.destroy();
  silent.close();
  await rm(dir, { recursive: true, force: true });
});

const viaEdge = (path: string, init?: RequestInit) => fetch(edge.url + path, init);

describe('offload to a remote backend', () => {
  it('forwards predict, status and metadata over the same contract, errors included', async () => {
    const r = await call(viaEdge, 'POST', '/v1/models/half_plus_two:predict', '{"instances": [1.0, 2.0]}');
    expect(r).toMatchObject({ status: 200, json: { predictions: [2.5, 3.0] } });
    expect(r.headers.get('x-model-version')).toBe('2');
    expect(r.headers.get('x-edgeserve-offload')).toBe(backend.url);
    expect((await call(viaEdge, 'GET', '/v1/models/half_plus_two')).json.model_version_status[0].state).toBe('AVAILABLE');
    expect((await call(viaEdge, 'GET', '/v1/models/half_plus_two/metadata')).json.model_spec.version).toBe('2');
    expect(await call(viaEdge, 'POST', '/v1/models/half_plus_two/versions/9:predict', '{"instances": [1.0]}')).toMatchObject({
      status: 404, json: { error: 'Servable not found for request: Specific(half_plus_two, 9)' },
    });
  });

  it('forwards V2 infer (JSON and binary, both ways), metadata and readiness as they came', async () => {
    const json = await infer(viaEdge, '/v2/models/half_plus_two/infer', { inputs: [{ name: 'x', shape: [2], datatype: 'FP32', data: [1, 2] }] });
    expect(json).toMatchObject({ status: 200, json: { model_version: '2', outputs: [{ name: 'y', data: [2.5, 3] }] } });
    expect(json.headers.get('x-edgeserve-offload')).toBe(backend.url);
    const binary = await infer(viaEdge, '/v2/models/half_plus_two/infer', {
      inputs: [{ name: 'x', shape: [3], datatype: 'FP32', binary: binaryOf('FP32', [1, 2, 5]) }], parameters: { binary_data_output: true },
    });
    expect(binary.status).toBe(200);
    expect(binary.headers.get('content-type')).toBe('application/octet-stream');
    expect(hex(binary.outputs[0]!.binary!)).toBe('00 00 20 40 00 00 40 40 00 00 90 40');
    expect((await call(viaEdge, 'GET', '/v2/models/half_plus_two')).json).toMatchObject({ name: 'half_plus_two', versions: ['2'], platform: 'onnx' });
    expect((await call(viaEdge, 'GET', '/v2/models/half_plus_two/ready')).json).toEqual({ name: 'half_plus_two', ready: true });
  });

  it('answers 504 for a backend that does not answer in time, 502 for one that cannot be reached', async () => {
    const started = Date.now();
    expect(await call(viaEdge, 'POST', '/v1/models/slow:predict', '{"instances": [1.0]}')).toMatchObject({
      status: 504, json: { error: expect.stringMatching(/^Remote backend http:\/\/127\.0\.0\.1:\d+ did not answer within 300 ms$/) },
    });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await call(viaEdge, 'POST', '/v1/models/gone:predict', '{"instances": [1.0]}')).toMatchObject({
      status: 502, json: { error: expect.stringMatching(/^Remote backend http:\/\/127\.0\.0\.1:\d+ is unreachable: ECONNREFUSED$/) },
    });
    // The edge itself is unharmed.
    expect((await call(viaEdge, 'POST', '/v1/models/half_plus_two:predict', '{"instances": [1.0]}')).status).toBe(200);
  });
});

describe('a routing arm on a remote backend', () => {
  it('splits traffic between a local arm and the remote one, which answers over the same contract', async () => {
    const { scratchRepository } = await import('../../helpers.ts');
    const repo = await scratchRepository();
    await writeFile(join(repo.dir, 'models.config.json'), JSON.stringify({
      models: [{
        name: 'half_plus_two', version_labels: { stable: 2 },
        routing: {
          arms: [{ name: 'local', label: 'stable', weight: 50 }, { name: 'gpu', url: backend.url, timeout_ms: 5000, weight: 50 }],
          override: { header: 'x-edgeserve-arm' },
        },
      }],
    }));
    const routed = await startTestServer({ root: repo.dir });
    try {
      const f = (path: string, init?: RequestInit) => fetch(routed.url + path, init);
      const remote = await call(f, 'POST', '/v1/models/half_plus_two:predict', '{"instances": [1.0]}', { 'x-edgeserve-arm': 'gpu' });
      expect(remote).toMatchObject({ status: 200, json: { predictions: [2.5] } });
      expect(remote.headers.get('x-edgeserve-arm')).toBe('gpu');
      expect(remote.headers.get('x-edgeserve-offload')).toBe(backend.url);
      const local = await call(f, 'POST', '/v1/models/half_plus_two:predict', '{"instances": [1.0]}', { 'x-edgeserve-arm': 'local' });
      expect(local.headers.get('x-edgeserve-arm')).toBe('local');
      expect(local.headers.get('x-edgeserve-offload')).toBeNull();
      const arms = new Set<string>();
      for (let i = 0; i < 40; i++) arms.add((await call(f, 'POST', '/v1/models/half_plus_two:predict', '{"instances": [1.0]}')).headers.get('x-edgeserve-arm')!);
      expect(arms).toEqual(new Set(['local', 'gpu']));
      // A V2 binary infer on the remote arm is forwarded with its framing, its answer passed back as bytes.
      const v2 = await infer(f, '/v2/models/half_plus_two/infer', {
        inputs: [{ name: 'x', shape: [3], datatype: 'FP32', binary: binaryOf('FP32', [1, 2, 5]) }], parameters: { binary_data_output: true },
      }, { 'x-edgeserve-arm': 'gpu' });
      expect(v2.status).toBe(200);
      expect(v2.headers.get('x-edgeserve-arm')).toBe('gpu');
      expect(v2.headers.get('x-edgeserve-offload')).toBe(backend.url);
      expect(hex(v2.outputs[0]!.binary!)).toBe('00 00 20 40 00 00 40 40 00 00 90 40');
    } finally {
      await routed.close();
      await repo.remove();
    }
  });
});
