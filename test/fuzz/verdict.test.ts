// The fuzz suite's own checks, against answers and servers made to misbehave: a stack trace, a
// leaked path, an undesigned 5xx, a hang and a dropped connection are each caught, and echoes of
// what the request itself sent are not findings.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FuzzClient } from '../../scripts/fuzz/client.ts';
import { echoOf, findings, isDesigned5xx, leakMarkers, type Answer } from '../../scripts/fuzz/verdict.ts';

const REPO = '/srv/edgeserve/models';
const markers = leakMarkers(REPO);
const json = (status: number, error: string): Answer => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error }, null, 4) });
const plain = { method: 'POST', path: '/v1/models/m:predict', headers: {} };

describe('fuzz verdicts', () => {
  it('designed 501s: classify/regress, unsupported conversions and libevent pages; not 500, 503 or 504', () => {
    expect(isDesigned5xx(json(501, 'classify needs serialized tf.Example inputs, which ONNX models served by edgeserve cannot take; use :predict'))).toBe(true);
    expect(isDesigned5xx(json(501, 'Conversion of JSON Value: 1 to type: complex64'))).toBe(true);
    expect(isDesigned5xx({ status: 501, headers: {}, body: '<HTML><HEAD>\n<TITLE>501 Not Implemented</TITLE>\n</HEAD>' })).toBe(true);
    expect(isDesigned5xx(json(501, 'something else'))).toBe(false);
    expect(findings(json(500, 'Internal error'), echoOf(plain, undefined), markers)).toEqual(['undesigned 5xx']);
    expect(findings(json(503, 'Model storage is unavailable (error id x)'), echoOf(plain, undefined), markers)).toEqual(['undesigned 5xx']);
  });

  it('finds stack traces and leaked paths, in the body or headers', () => {
    const stack = 'TypeError: x is undefined\n    at decode (/srv/app/functions/codec/tensor.ts:10:5)\n    at async handle (file:///srv/app/rest.js:1:2)';
    expect(findings(json(400, stack), echoOf(plain, undefined), markers)).toEqual(['stack trace', 'leaked path']);
    expect(findings(json(400, 'Error: cannot open /srv/app/x.js'), echoOf(plain, undefined), [])).toEqual(['stack trace']);
    expect(findings(json(404, `Could not read ${REPO}/m/1/model.onnx`), echoOf(plain, undefined), markers)).toEqual(['leaked path']);
    expect(findings(json(503, 'ENOENT file:///x/models'), echoOf(plain, undefined), markers)).toEqual(['undesigned 5xx', 'leaked path']);
    expect(findings({ status: 200, headers: { 'x-debug': '/tmp/edgeserve-1/a' }, body: '{}' }, echoOf(plain, undefined), markers)).toEqual(['leaked path']);
  });

  it('does not count what the request sent and the server quoted back', () => {
    const c = { method: 'GET', path: '/v1/models/%2Ftmp%2F', headers: {} };
    expect(findings(json(404, 'Servable not found for request: Latest(/tmp/)'), echoOf(c, undefined), markers)).toEqual([]);
    const b = { ...plain, body: new TextEncoder().encode('{"instances": ["    at f (/x/y.js:1:2)", "node_modules"]}') };
    expect(findings(json(400, 'JSON Value: "    at f (/x/y.js:1:2)" Type: String is not of expected type: float; node_modules'), echoOf(b, undefined), markers)).toEqual([]);
    // A longer path than the one echoed is still a leak.
    expect(findings(json(404, 'Latest(/tmp/) read /tmp/edgeserve-x/m'), echoOf(c, undefined), markers)).toEqual(['leaked path']);
  });
});

describe('fuzz client', () => {
  let server: Server;
  let client: FuzzClient;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/hang') return; // never answers
      if (req.url === '/drop') return void req.socket.destroy();
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new FuzzClient(new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`), 300, 2);
  });
  afterAll(async () => {
    client.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('tells answers, hangs, drops and what node refuses to send apart', async () => {
    expect(await client.send({ method: 'GET', path: '/ok', headers: {} })).toMatchObject({ kind: 'answer', answer: { status: 200, body: 'ok' } });
    expect(await client.send({ method: 'GET', path: '/hang', headers: {} })).toMatchObject({ kind: 'hang' });
    expect(await client.send({ method: 'GET', path: '/drop', headers: {} })).toMatchObject({ kind: 'dropped' });
    expect(await client.send({ method: 'GET', path: '/a b', headers: {} })).toMatchObject({ kind: 'unsendable' });
    const lie = { method: 'POST', path: '/ok', headers: { 'content-length': '2', connection: 'close' }, body: new TextEncoder().encode('abcdef') };
    expect(await client.send(lie)).toMatchObject({ kind: 'answer', answer: { status: 200 } });
  });
});
