// The TF Serving side's guarantees hold for V2 too, through the one handler, on real models with
// onnxruntime: authentication and scopes (admin for load/unload, probes open to anyone), metrics
// with the V2 entrypoint, request records, request ids, and the limits (body bytes, gzip ratio,
// elements counted before allocation, answer bytes), each a V2 error and never a 5xx.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createNodeBackend } from '../../adapters/shared/ort-backends.ts';
import { FileSystemStore } from '../../adapters/storage/fs.ts';
import { createEdgeserve, type EdgeserveOptions } from '../../functions/app.ts';
import { parseRepositoryConfig } from '../../functions/config/model-config.ts';
import { parseAuthConfig } from '../../functions/auth/auth-config.ts';
import type { RequestRecord } from '../../functions/metrics/request-record.ts';
import { joinParts, type RestRequest } from '../../functions/http/exchange.ts';
import { silentLogger } from '../../functions/util/log.ts';
import { exampleRepository } from '../helpers.ts';
import { binaryOf, encodeRequest, type ClientRequest } from './client.ts';

const WEB_KEY = 'web-key-0123456789abcdef';
const OPS_KEY = 'ops-key-0123456789abcdef';

async function server(options: Partial<EdgeserveOptions> = {}) {
  const records: RequestRecord[] = [];
  const es = createEdgeserve({
    store: new FileSystemStore(await exampleRepository()), backend: await createNodeBackend('ort-node'), logger: silentLogger,
    metricsPath: '/metrics', requestSink: (r) => void records.push(r), ...options,
  });
  await es.warmup(['half_plus_two', 'two_io']);
  const call = async (method: string, pathAndQuery: string, body: Uint8Array | string = '', headers: Record<string, string> = {}) => {
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    const request: RestRequest = { method, pathAndQuery, header: (n) => lower[n] ?? null, readBody: async (limit) => {
      if (bytes.byteLength > limit) throw new (await import('../../functions/http/exchange.ts')).BodyTooLargeError(limit);
      return bytes;
    } };
    const r = await es.handle(request);
    const text = r.body ?? '';
    return { status: r.status, headers: r.headers, bytes: r.bytes && joinParts(r.bytes), json: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : undefined };
  };
  const infer = (model: string, request: ClientRequest, headers: Record<string, string> = {}) => {
    const { body, headers: h } = encodeRequest(request);
    return call('POST', `/v2/models/${model}/infer`, body, { ...h, ...headers });
  };
  return { es, call, infer, records };
}

const hpt = (data: number[]): ClientRequest => ({ inputs: [{ name: 'x', shape: [data.length], datatype: 'FP32', data }] });
const auth = parseAuthConfig(JSON.stringify({
  api_keys: [
    { name: 'web', key: WEB_KEY, scopes: ['predict'], models: ['half_plus_two'] },
    { name: 'ops', key: OPS_KEY, scopes: ['admin', 'predict'] },
  ],
}), 'auth.json');
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('V2 and authentication', () => {
  it('no credential is a 401 V2 error with the challenge; a key serves its models only (403 otherwise)', async () => {
    const { infer, call } = await server({ auth });
    const none = await infer('half_plus_two', hpt([1]));
    expect(none.status).toBe(401);
    expect(none.headers['WWW-Authenticate']).toBe('Bearer realm="edgeserve"');
    expect(Object.keys(none.json)).toEqual(['error']);
    expect((await infer('half_plus_two', hpt([1]), bearer(WEB_KEY))).status).toBe(200);
    const other = await infer('two_io', hpt([1]), bearer(WEB_KEY));
    expect(other).toMatchObject({ status: 403, json: { error: 'The key web may not use model two_io' } });
    expect((await call('GET', '/v2/models/two_io', '', bearer(WEB_KEY))).status).toBe(403);
    expect((await call('GET', '/v2', '')).status).toBe(401);
  });

  it('the health probes answer anyone, as /edgeserve/live and /ready do', async () => {
    const { call } = await server({ auth });
    expect(await call('GET', '/v2/health/live')).toMatchObject({ status: 200, json: { live: true } });
    expect(await call('GET', '/v2/health/ready')).toMatchObject({ status: 200, json: { ready: true } });
    expect((await call('GET', '/v2/models/half_plus_two/ready')).status).toBe(401); // names a model: predict scope
  });

  it('load and unload need the admin scope; unload frees a model until its next request; the index and /v1/models list only the models a key may use', async () => {
    const { call, infer } = await server({ auth });
    expect(await call('POST', '/v2/repository/models/mnist/load', '', bearer(WEB_KEY))).toMatchObject({ status: 403, json: { error: 'The key web does not have the admin scope' } });
    expect(await call('POST', '/v2/repository/models/mnist/load', '', bearer(OPS_KEY))).toMatchObject({ status: 200, json: {} });
    expect(await call('POST', '/v2/repository/models/nope/load', '', bearer(OPS_KEY))).toMatchObject({ status: 404 });
    const index = await call('POST', '/v2/repository/index', '', bearer(WEB_KEY));
    expect(index.json).toEqual([{ name: 'half_plus_two', version: '2', state: 'READY', reason: '' }]);
    const all = await call('POST', '/v2/repository/index', '', bearer(OPS_KEY));
    expect(all.json).toContainEqual({ name: 'mnist', version: '1', state: 'READY', reason: '' }); // loaded above
    expect((await call('POST', '/v2/repository/models/mnist/unload', '', bearer(WEB_KEY))).status).toBe(403);
    expect(await call('POST', '/v2/repository/models/nope/unload', '', bearer(OPS_KEY))).toMatchObject({ status: 404 });
    expect(await call('POST', '/v2/repository/models/mnist/unload', '', bearer(OPS_KEY))).toMatchObject({ status: 200, json: {} });
    const unloaded = await call('POST', '/v2/repository/index', '', bearer(OPS_KEY));
    expect(unloaded.json).toContainEqual({ name: 'mnist', version: '1', state: 'UNAVAILABLE', reason: '' });
    expect((await call('GET', '/v2/models/mnist/ready', '', bearer(OPS_KEY))).status).toBe(400); // not ready until used or loaded
    const again = await infer('mnist', { inputs: [{ name: 'image', shape: [1, 784], datatype: 'FP32', data: Array(784).fill(0.5) }] }, bearer(OPS_KEY));
    expect(again.status).toBe(200); // the next request loads it again
    expect((await call('GET', '/v2/models/mnist/ready', '', bearer(OPS_KEY))).status).toBe(200);
    expect((await call('GET', '/v1/models', '', bearer(WEB_KEY))).json.models.map((m: { name: string }) => m.name)).toEqual(['half_plus_two']);
  });
});

describe('V2 unload and readiness', () => {
  it('an unloaded model does not make the server not-ready (a probe would keep away the request that reloads it)', async () => {
    const config = parseRepositoryConfig(JSON.stringify({ models: [{ name: 'half_plus_two' }, { name: 'two_io' }] }), 'config');
    const { call, infer } = await server({ config });
    expect((await call('GET', '/v2/health/ready')).status).toBe(200);
    expect((await call('POST', '/v2/repository/models/two_io/unload')).status).toBe(200);
    expect((await call('GET', '/v2/models/two_io/ready')).status).toBe(400);
    expect((await call('GET', '/v2/health/ready')).status).toBe(200);
    expect((await infer('half_plus_two', hpt([1]))).status).toBe(200);
  });
});

describe('V2 metrics, records and request ids', () => {
  // One request of each outcome, on a fresh server: the counts are exact.
  it('counts and times each request under the V2 entrypoint and writes its record: api infer, version, bytes, the caller\'s request id', async () => {
    const { infer, records, es } = await server();
    const request: ClientRequest = { inputs: [{ name: 'x', shape: [3], datatype: 'FP32', binary: binaryOf('FP32', [1, 2, 5]) }], parameters: { binary_data_output: true } };
    const r = await infer('half_plus_two', request, { 'x-request-id': 'v2-req-7' });
    expect(r.status).toBe(200);
    expect(r.headers['x-request-id']).toBe('v2-req-7');
    const record = records.at(-1)!;
    expect(record).toMatchObject({ request_id: 'v2-req-7', method: 'POST', path: '/v2/models/half_plus_two/infer', model: 'half_plus_two', api: 'infer', status: 'OK', http_status: 200, version: 2 });
    expect(record.bytes_in).toBe(encodeRequest(request).body.byteLength);
    expect(record.bytes_out).toBe(r.bytes!.byteLength);
    const page = await es.handle({ method: 'GET', pathAndQuery: '/metrics', header: () => null, readBody: async () => new Uint8Array() });
    expect(page.body).toMatch(/:tensorflow:serving:request_count\{model_name="half_plus_two",status="OK"\} 1/);
    expect(page.body).toMatch(/:tensorflow:serving:request_latency_count\{model_name="half_plus_two",API="infer",entrypoint="V2"\} 1/);
    expect(page.body).toMatch(/:tensorflow:serving:runtime_latency_count\{model_name="half_plus_two",API="infer",runtime="onnxruntime"\} 1/);
    const bad = await infer('half_plus_two', { inputs: [{ name: 'x', shape: [2], datatype: 'FP32', data: [1] }] });
    expect(bad.status).toBe(400);
    expect(records.at(-1)).toMatchObject({ api: 'infer', status: 'INVALID_ARGUMENT', http_status: 400 });
    const after = await es.handle({ method: 'GET', pathAndQuery: '/metrics', header: () => null, readBody: async () => new Uint8Array() });
    expect(after.body).toMatch(/:tensorflow:serving:request_count\{model_name="half_plus_two",status="INVALID_ARGUMENT"\} 1/);
  });
});

describe('V2 payload sampling', () => {
  it('a sampled record holds the JSON part of a binary request, never its tensor bytes', async () => {
    const { infer, records } = await server({ requestBodySampleRate: 1 });
    const request: ClientRequest = { inputs: [{ name: 'x', shape: [3], datatype: 'FP32', binary: binaryOf('FP32', [1, 2, 5]) }] };
    expect((await infer('half_plus_two', request)).status).toBe(200);
    const { body, headers } = encodeRequest(request);
    const json = new TextDecoder().decode(body.subarray(0, Number(headers['Inference-Header-Content-Length'])));
    expect(records.at(-1)!.request_body).toBe(json);
  });
});

describe('V2 limits', () => {
  it('a body past --max_body_bytes is a 413 V2 error', async () => {
    const { infer } = await server({ maxBodyBytes: 100 });
    const r = await infer('half_plus_two', hpt(Array(50).fill(1)));
    expect(r).toMatchObject({ status: 413, json: { error: 'Request body is larger than the limit of 100 bytes' } });
  });

  it('a gzip body is inflated (the header length counts inflated bytes); a gzip bomb is a 413', async () => {
    const { call } = await server();
    const { body, headers } = encodeRequest({ inputs: [{ name: 'x', shape: [3], datatype: 'FP32', binary: binaryOf('FP32', [1, 2, 5]) }] });
    const ok = await call('POST', '/v2/models/half_plus_two/infer', gzipSync(body), { ...headers, 'Content-Encoding': 'gzip' });
    expect(ok).toMatchObject({ status: 200, json: { outputs: [{ data: [2.5, 3, 4.5] }] } });
    const zeros = `{"inputs":[{"name":"x","shape":[1000000],"datatype":"FP32","data":[${'0,'.repeat(999_999)}0]}]}`;
    const bomb = await call('POST', '/v2/models/half_plus_two/infer', gzipSync(zeros), { 'Content-Encoding': 'gzip' });
    expect(bomb).toMatchObject({ status: 413, json: { error: 'Request body inflates more than 100 times its gzip size (--max_gzip_ratio)' } });
  });

  it('elements past --max_request_elements are refused before anything is allocated: a shape, or the numbers parsed', async () => {
    const { infer } = await server({ maxRequestElements: 1000 });
    const limit = "The request's tensors hold more than 1000 elements, this server's limit (--max_request_elements)";
    // A tiny body claiming 10^15 elements: refused from its shape, in a few milliseconds.
    const started = performance.now();
    const claim = await infer('half_plus_two', { inputs: [{ name: 'x', shape: [1_000_000, 1_000_000_000], datatype: 'FP32', binary: new Uint8Array(4) }] });
    expect(claim).toMatchObject({ status: 400, json: { error: limit } });
    expect(performance.now() - started).toBeLessThan(500);
    expect(await infer('half_plus_two', hpt(Array(1001).fill(1)))).toMatchObject({ status: 400, json: { error: limit } });
    expect((await infer('half_plus_two', hpt(Array(1000).fill(1)))).status).toBe(200);
  });

  it('an answer past --max_response_bytes is a 413, in JSON and in binary', async () => {
    const { infer } = await server({ maxResponseBytes: 200 });
    const json = await infer('half_plus_two', hpt(Array(100).fill(1)));
    expect(json.status).toBe(413);
    expect(json.json.error).toMatch(/--max_response_bytes/);
    const binary = await infer('half_plus_two', { ...hpt(Array(100).fill(1)), parameters: { binary_data_output: true } });
    expect(binary.status).toBe(413);
    expect((await infer('half_plus_two', hpt([1]))).status).toBe(200);
  });
});
