// Connection hygiene on the Node server, on real sockets: a client that never finishes its headers
// (slowloris) or its body gets 408 and is closed; connections past the cap are closed as they
// arrive while the ones already open keep being served.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeServer, type NodeServer } from '../../../adapters/node/server.ts';
import { silentLogger } from '../../../functions/util/log.ts';
import { FakeBackend, writeFakeRepository } from '../../support/fake-backend.ts';
import { MemoryStore } from '../../support/memory-store.ts';

let server: NodeServer;
let port: number;

beforeAll(async () => {
  const store = new MemoryStore();
  writeFakeRepository(store, { echo: { 1: {} } });
  server = await startNodeServer({
    store, backend: new FakeBackend(), logger: silentLogger, port: 0, host: '127.0.0.1', preload: true,
    connections: { headersTimeoutMs: 300, requestTimeoutMs: 800, maxConnections: 3 },
  });
  port = Number(new URL(server.url).port);
});
afterAll(() => server.close());

/** A raw connection that records what the server sends and when it closes. */
function open(): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    let data = '';
    const socket = connect(port, '127.0.0.1');
    const closed = new Promise<void>((done) => socket.on('close', () => done()));
    socket.on('data', (chunk) => (data += chunk.toString()));
    socket.on('error', () => {});
    socket.once('connect', () => resolve({ socket, received: () => data, closed }));
    socket.once('error', reject);
  });
}

describe('Node connection limits', () => {
  it('answers 408 and closes a connection that never finishes its headers', async () => {
    const c = await open();
    c.socket.write('GET /v1/models/echo HTTP/1.1\r\nHost: x\r\n'); // no blank line: headers never end
    await c.closed;
    expect(c.received()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('answers 408 and closes a connection whose body stops coming', async () => {
    const c = await open();
    c.socket.write('POST /v1/models/echo:predict HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"instances": [');
    await c.closed;
    expect(c.received()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('closes connections past the cap at once and keeps serving the open ones', async () => {
    const held = await Promise.all([open(), open(), open()]);
    // Let the server register all three before the fourth arrives.
    await new Promise((r) => setTimeout(r, 50));
    const extra = await open();
    await extra.closed;
    expect(extra.received()).toBe('');
    // An open connection is still served.
    held[0]!.socket.write('GET /v1/models/echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await held[0]!.closed;
    expect(held[0]!.received()).toMatch(/^HTTP\/1\.1 200/);
    for (const c of held) c.socket.destroy();
    await Promise.all(held.map((c) => c.closed));
    // With room again, a new client is served.
    const response = await fetch(`${server.url}/v1/models/echo`);
    expect(response.status).toBe(200);
  });
});
