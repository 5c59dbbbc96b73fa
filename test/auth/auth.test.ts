// Authentication and scopes through the REST handler every platform runs (Node calls it directly,
// Lambda too, Workers through the hono app; the platform tests run the same config end to end):
// API keys in plain and hashed, both headers, scopes and models, rates, admin pages, probes, and
// JWTs verified against a JWKS served by a real HTTP server on 127.0.0.1.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sign } from 'hono/utils/jwt/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEdgeserve } from '../../functions/app.ts';
import { parseAuthConfig } from '../../functions/auth/auth-config.ts';
import type { RestRequest } from '../../functions/http/exchange.ts';
import { FakeBackend, writeFakeRepository } from '../support/fake-backend.ts';
import { MemoryStore } from '../support/memory-store.ts';

const WEB_KEY = 'web-key-0123456789abcdef';
const ADMIN_KEY = 'admin-key-0123456789abcdef';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function setup(authJson: object) {
  const store = new MemoryStore();
  writeFakeRepository(store, { a: { 1: {} }, b: { 1: {} } });
  const lines: string[] = [];
  const es = createEdgeserve({
    store, backend: new FakeBackend(), metricsPath: '/metrics', routingAdmin: true,
    auth: parseAuthConfig(JSON.stringify(authJson), 'auth.json'),
    logger: { log: (_l, event, fields) => void lines.push(JSON.stringify({ event, ...fields })) },
  });
  const send = async (method: string, pathAndQuery: string, headers: Record<string, string> = {}, body = '{"instances": [1]}') => {
    const bytes = new TextEncoder().encode(body);
    const request: RestRequest = { method, pathAndQuery, header: (n) => headers[n] ?? null, readBody: async () => bytes };
    const r = await es.handle(request);
    return { status: r.status, headers: r.headers, json: r.body ? JSON.parse(r.body.startsWith('{') ? r.body : '{}') : undefined, body: r.body };
  };
  return { es, send, lines };
}

const keys = {
  api_keys: [
    { name: 'web', key: WEB_KEY, scopes: ['predict'], models: ['a'] },
    { name: 'ops', sha256: sha256(ADMIN_KEY), scopes: ['admin'] },
    { name: 'slow', key: 'slow-key-0123456789abcdef', scopes: ['predict'], rate_per_second: 2 },
  ],
};

describe('API keys', () => {
  it('no credential: 401 with a Bearer challenge; a wrong one: 401 invalid_token', async () => {
    const { send } = setup(keys);
    const none = await send('POST', '/v1/models/a:predict');
    expect(none.status).toBe(401);
    expect(none.headers['WWW-Authenticate']).toBe('Bearer realm="edgeserve"');
    expect(none.json).toEqual({ error: 'This server needs an API key or token: send Authorization: Bearer <key>' });
    const wrong = await send('POST', '/v1/models/a:predict', { authorization: 'Bearer not-a-key-at-all-0000' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['WWW-Authenticate']).toBe('Bearer realm="edgeserve", error="invalid_token"');
  });

  it('a key in Authorization or x-api-key serves its models; another model or scope is 403', async () => {
    const { send } = setup(keys);
    expect((await send('POST', '/v1/models/a:predict', { authorization: `Bearer ${WEB_KEY}` })).status).toBe(200);
    expect((await send('GET', '/v1/models/a', { 'x-api-key': WEB_KEY })).status).toBe(200);
    const other = await send('POST', '/v1/models/b:predict', { 'x-api-key': WEB_KEY });
    expect(other).toMatchObject({ status: 403, json: { error: 'The key web may not use model b' } });
    const adminOnly = await send('POST', '/v1/models/a:predict', { authorization: `Bearer ${ADMIN_KEY}` });
    expect(adminOnly).toMatchObject({ status: 403, json: { error: 'The key ops does not have the predict scope' } });
  });

  it('the metrics page and routing view need the admin scope; the probes need nothing', async () => {
    const { send, es } = setup(keys);
    await es.warmup();
    expect((await send('GET', '/metrics')).status).toBe(401);
    expect((await send('GET', '/metrics', { 'x-api-key': WEB_KEY })).status).toBe(403);
    const page = await send('GET', '/metrics', { authorization: `Bearer ${ADMIN_KEY}` });
    expect(page.status).toBe(200);
    expect(page.body).toContain(':edgeserve:auth:failures{reason="missing"} 1');
    expect(page.body).toContain(':edgeserve:auth:failures{reason="forbidden"} 1');
    expect((await send('GET', '/edgeserve/routing', { 'x-api-key': ADMIN_KEY })).status).toBe(200);
    const ready = await send('GET', '/edgeserve/ready');
    expect(ready).toMatchObject({ status: 200, json: { ready: true } });
    expect(ready.body).not.toContain('"a"'); // with auth on, the probe does not list the models
    expect((await send('GET', '/edgeserve/live')).status).toBe(200);
  });

  it('HTTP Basic: the key as the password works; malformed headers are a 401, never a 5xx', async () => {
    const COLON_KEY = 'colon:key:0123456789abcdef';
    const { send } = setup({ api_keys: [...keys.api_keys, { name: 'colon', key: COLON_KEY, scopes: ['predict'], models: ['a'] }] });
    const basic = (text: string) => `Basic ${btoa(text)}`;
    const predict = (authorization: string) => send('POST', '/v1/models/a:predict', { authorization });
    expect((await predict(basic(`anyone:${WEB_KEY}`))).status).toBe(200);
    expect((await predict(basic(`:${WEB_KEY}`))).status).toBe(200); // no user name
    expect((await predict(basic(`user:${COLON_KEY}`))).status).toBe(200); // the password is everything after the first ':'
    for (const bad of [
      'Basic !!!', 'Basic', 'Basic ', `Basic ${btoa(`u:${WEB_KEY}`).replace(/=+$/, '')}`, `Basic ${btoa(`u:${WEB_KEY}`).replace(/=+$/, '')}==`, // bad padding
      `Basic ${btoa(`u:${WEB_KEY}`)}===`, 'Basic ====', `Basic ${btoa(WEB_KEY)}`, // no colon
      basic('user:'), basic(':'), basic(`${WEB_KEY}:`), // an empty password (the key as the user name does not count)
      basic(`user:${WEB_KEY}x`), `Basic ${btoa(`u:${WEB_KEY}`)} extra`, 'Basic \u00ff\u00fe', `Basic ${btoa('\xff\xfe:\xff')}`,
    ]) {
      const r = await predict(bad);
      expect({ bad, status: r.status }).toEqual({ bad, status: 401 });
    }
  });

  it('a key over its rate gets 429 with Retry-After', async () => {
    const { send } = setup(keys);
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 5; i++) {
      const r = await send('POST', '/v1/models/a:predict', { 'x-api-key': 'slow-key-0123456789abcdef' });
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers['Retry-After'];
    }
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    expect(statuses.slice(2)).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it('logs failures by reason and key name, never the credential', async () => {
    const { send, lines } = setup(keys);
    await send('POST', '/v1/models/a:predict', { authorization: 'Bearer guess-0123456789abcdef' });
    await send('POST', '/v1/models/b:predict', { 'x-api-key': WEB_KEY });
    const auth = lines.filter((l) => l.includes('auth_failed'));
    expect(auth.map((l) => JSON.parse(l).reason)).toEqual(['invalid', 'forbidden']);
    expect(lines.join('\n')).not.toContain('guess-0123456789abcdef');
    expect(lines.join('\n')).not.toContain(WEB_KEY);
  });

  it('refuses configs that would let anyone in or that misspell a field', () => {
    expect(() => parseAuthConfig('{}', 'auth.json')).toThrow('auth.json: (document): names no api_keys and no jwt');
    expect(() => parseAuthConfig('{"api_keys": [{"name": "x", "key": "short", "scopes": ["predict"]}]}', 'auth.json')).toThrow('at least 16 characters');
    expect(() => parseAuthConfig('{"api_keys": [{"name": "x", "key": "0123456789abcdefg", "scope": ["predict"]}]}', 'a')).toThrow('a: api_keys[0].scope: unknown field');
    expect(() => parseAuthConfig('{"api_keys": [{"name": "x", "key": "0123456789abcdefg", "scopes": ["root"]}]}', 'a')).toThrow('api_keys[0].scopes');
  });
});

describe('JWT', () => {
  let server: Server;
  let jwksUrl: string;
  let privateKey: CryptoKey;
  let jwksFetches = 0;

  beforeAll(async () => {
    const pair = (await crypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    privateKey = pair.privateKey;
    const jwk = { ...(await crypto.subtle.exportKey('jwk', pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((_req, res) => {
      jwksFetches++;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const token = async (claims: Record<string, unknown>) => {
    const now = Math.floor(Date.now() / 1000);
    const jwt = await sign({ iss: 'https://idp.test/', aud: 'edgeserve', sub: 'user-1', exp: now + 60, ...claims }, privateKey as never, 'RS256');
    // hono's sign writes no kid: add it to the header and re-sign the same way the IdP would.
    const [, body] = jwt.split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'k1' })).toString('base64url');
    const signature = new Uint8Array(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', privateKey, new TextEncoder().encode(`${header}.${body}`)));
    return `${header}.${body}.${Buffer.from(signature).toString('base64url')}`;
  };

  it('a valid token with the predict scope serves; wrong audience, expiry or scope does not; the JWKS is fetched once', async () => {
    const { send } = setup({ jwt: { jwks_url: jwksUrl, issuer: 'https://idp.test/', audience: 'edgeserve', models_claim: 'models' } });
    const bearer = async (claims: Record<string, unknown>) => ({ authorization: `Bearer ${await token(claims)}` });
    expect((await send('POST', '/v1/models/a:predict', await bearer({ scope: 'predict' }))).status).toBe(200);
    expect((await send('POST', '/v1/models/b:predict', await bearer({ scope: 'openid predict', models: ['b'] }))).status).toBe(200);
    expect((await send('POST', '/v1/models/a:predict', await bearer({ scope: 'predict', models: ['b'] }))).status).toBe(403);
    expect((await send('POST', '/v1/models/a:predict', await bearer({ scope: 'admin' }))).status).toBe(403);
    expect((await send('POST', '/v1/models/a:predict', await bearer({ scope: 'predict', aud: 'someone-else' }))).status).toBe(401);
    expect((await send('POST', '/v1/models/a:predict', await bearer({ scope: 'predict', exp: Math.floor(Date.now() / 1000) - 10 }))).status).toBe(401);
    expect(jwksFetches).toBe(1);
  });
});

describe('auth config on Node', () => {
  it('--auth_config_file is read and wins over EDGESERVE_AUTH_CONFIG; the served Node server asks for the key', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { parseCommandLine } = await import('../../adapters/node/command-line.ts');
    const { nodeServerOptions } = await import('../../adapters/node/options.ts');
    const { startNodeServer } = await import('../../adapters/node/server.ts');
    const { exampleRepository } = await import('../helpers.ts');
    const dir = await mkdtemp(join(tmpdir(), 'edgeserve-auth-'));
    try {
      const file = join(dir, 'auth.json');
      await writeFile(file, JSON.stringify({ api_keys: [{ name: 'file', key: 'from-the-file-0123456789', scopes: ['predict'] }] }));
      const command = parseCommandLine(
        ['--auth_config_file', file, '--model_base_path', await exampleRepository(), '--rest_api_port', '0', '--log_requests=false', '--lazy'],
        { EDGESERVE_AUTH_CONFIG: '{"api_keys": [{"name": "env", "key": "from-the-environment-0", "scopes": ["predict"]}]}' },
      );
      if (command.kind !== 'serve') throw new Error(`not a serve command: ${JSON.stringify(command)}`);
      const server = await startNodeServer({ ...(await nodeServerOptions(command.values, { log() {} })) });
      try {
        const predict = (headers: Record<string, string>) =>
          fetch(`${server.url}/v1/models/half_plus_two:predict`, { method: 'POST', body: '{"instances": [1.0]}', headers });
        expect((await predict({})).status).toBe(401);
        expect((await predict({ 'x-api-key': 'from-the-environment-0' })).status).toBe(401);
        expect((await predict({ 'x-api-key': 'from-the-file-0123456789' })).status).toBe(200);
      } finally {
        await server.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
