// The operator API (GET /edgeserve/api/repository) after a known sequence of routed requests on
// real models: versions and states, labels, each arm's weight, share, requests, errors, latency
// percentiles and shadow agreement over the recent window, recent load failures; reset when the
// routing is removed; behind the admin scope; the same answer through the Fetch app (Workers),
// the Lambda handler and the Node handler.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeBackend } from '../../adapters/shared/ort-backends.ts';
import { FileSystemStore } from '../../adapters/storage/fs.ts';
import { createEdgeserve, type EdgeserveOptions } from '../../functions/app.ts';
import type { RestRequest } from '../../functions/http/exchange.ts';
import { renderView } from '../../functions/rest/operator/dashboard.ts';
import type { RepositoryView } from '../../functions/rest/operator/repository-view.ts';
import { parseAuthConfig } from '../../functions/auth/auth-config.ts';
import { silentLogger } from '../../functions/util/log.ts';
import { lambdaFetch } from '../lambda-events.ts';
import { scratchRepository } from '../helpers.ts';

const ADMIN_KEY = 'admin-key-for-operator-tests';
const PREDICT_KEY = 'predict-key-for-operator-tests';
const AUTH = JSON.stringify({ api_keys: [
  { name: 'ops', key: ADMIN_KEY, scopes: ['admin'] },
  { name: 'app', key: PREDICT_KEY, scopes: ['predict'] },
] });

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const ROUTED = {
  arms: [{ name: 'stable', label: 'stable', weight: 100 }, { name: 'canary', label: 'canary', weight: 0 }],
  override: { header: 'x-edgeserve-arm' },
  shadow: { arm: 'canary', sample: 1 },
};

async function setup(routing: unknown, options: Partial<EdgeserveOptions> = {}) {
  const repo = await scratchRepository();
  cleanups.push(repo.remove);
  const writeConfig = (r: unknown) => writeFile(join(repo.dir, 'models.config.json'), JSON.stringify({
    models: [{ name: 'half_plus_two', model_version_policy: { all: {} }, version_labels: { stable: 1, canary: 2 }, ...(r ? { routing: r } : {}) }],
  }));
  await writeConfig(routing);
  const es = createEdgeserve({
    store: new FileSystemStore(repo.dir), backend: await createNodeBackend('ort-node'), logger: silentLogger, refreshIntervalMs: 10,
    auth: parseAuthConfig(AUTH, 'test'), ...options,
  });
  await es.warmup(['half_plus_two']);
  const request = (method: string, path: string, headers: Record<string, string> = {}, body = ''): RestRequest => {
    const bytes = new TextEncoder().encode(body);
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    return { method, pathAndQuery: path, header: (n) => lower[n] ?? null, readBody: async () => bytes };
  };
  const predict = (headers: Record<string, string> = {}, body = '{"instances": [1.0, 2.0]}') =>
    es.handle(request('POST', '/v1/models/half_plus_two:predict', { authorization: `Bearer ${PREDICT_KEY}`, ...headers }, body));
  const view = async () => {
    const r = await es.handle(request('GET', '/edgeserve/api/repository', { 'x-api-key': ADMIN_KEY }));
    expect(r.status).toBe(200);
    return JSON.parse(r.body!) as RepositoryView;
  };
  return { dir: repo.dir, es, request, predict, view, writeConfig };
}

const model = (v: RepositoryView, name = 'half_plus_two') => v.models.find((m) => m.name === name)!;

describe('operator API', () => {
  it('reports versions, labels and each arm after a known sequence of routed requests', async () => {
    const { predict, view } = await setup(ROUTED);
    for (let i = 0; i < 6; i++) expect((await predict()).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await predict({ 'x-edgeserve-arm': 'canary' })).headers['x-edgeserve-arm']).toBe('canary');
    expect((await predict({}, '{"instances": "not a tensor"}')).status).toBe(400); // a client error counts against no arm
    // Every stable request is shadowed on the canary after its answer: wait for the six.
    let v = await view();
    for (let k = 0; k < 100 && model(v).routing!.arms[1]!.shadow.compared < 6; k++) {
      await new Promise((r) => setTimeout(r, 20));
      v = await view();
    }
    const m = model(v);
    expect(m.versions.map((x) => [x.version, x.state, x.labels])).toEqual([[2, 'AVAILABLE', ['canary']], [1, 'AVAILABLE', ['stable']]]);
    expect(m.versions.every((x) => typeof x.bytes === 'number' && x.bytes > 0)).toBe(true);
    expect(m.labels).toEqual([{ name: 'stable', version: 1, resolves: 1 }, { name: 'canary', version: 2, resolves: 2 }]);
    const [stable, canary] = m.routing!.arms;
    expect(stable).toMatchObject({ name: 'stable', target: 'label stable → v1', version: 1, weight: 100, requests: 6, errors: 0, error_rate: 0 });
    expect(canary).toMatchObject({ name: 'canary', target: 'label canary → v2', version: 2, weight: 0, requests: 2, errors: 0 });
    expect(stable!.share).toBeCloseTo(6 / 8, 10);
    expect(canary!.share).toBeCloseTo(2 / 8, 10);
    expect(stable!.p50_ms).toBeGreaterThan(0);
    expect(stable!.p99_ms).toBeGreaterThanOrEqual(stable!.p50_ms!);
    // half_plus_two's versions compute the same function: every comparison agrees.
    expect(canary!.shadow).toMatchObject({ compared: 6, agreed: 6, agreement: 1 });
    const errors = Object.values(canary!.shadow.outputs);
    expect(errors).toHaveLength(1); // per output: how far the shadow's answers were
    expect(errors[0]).toMatchObject({ compared: 6, maxAbsError: 0, meanAbsError: 0 });
    expect(errors[0]!.elements).toBeGreaterThanOrEqual(6);
    expect(stable!.shadow).toEqual({ compared: 0, agreed: 0, agreement: null, outputs: {} });
    expect(m.routing).toMatchObject({ override: 'x-edgeserve-arm', shadow: { arm: 'canary', sample: 1 }, sticky: null, fallback: null });
    expect(v.window_seconds).toBe(300);
    expect(v.load_errors).toEqual([]);
  });

  it('counts server errors of an arm, and lists recent load failures', async () => {
    const { dir, es, predict, view, writeConfig } = await setup(undefined);
    await mkdir(join(dir, 'half_plus_two', '3'), { recursive: true });
    await writeFile(join(dir, 'half_plus_two', '3', 'model.onnx'), 'not an onnx model');
    await writeConfig({ arms: [{ name: 'stable', label: 'stable', weight: 0 }, { name: 'broken', version: 3, weight: 100 }] });
    await Promise.all(await es.manager.refresh());
    // Version 3 cannot load: each routed request fails on it, and counts against the arm.
    for (let i = 0; i < 3; i++) expect((await predict()).status).not.toBe(200);
    const v = await view();
    const broken = model(v).routing!.arms.find((a) => a.name === 'broken')!;
    expect(broken).toMatchObject({ requests: 3, errors: 3, error_rate: 1, p50_ms: null });
    expect(model(v).versions.find((x) => x.version === 3)!.error).not.toBe('');
    expect(v.load_errors.length).toBeGreaterThan(0);
    expect(v.load_errors[0]).toMatchObject({ model: 'half_plus_two', version: 3 });
  });

  it('starts an arm\'s figures afresh when the arm serves something else; a weight change keeps them', async () => {
    const { dir, es, predict, view, writeConfig } = await setup(undefined);
    await mkdir(join(dir, 'half_plus_two', '3'), { recursive: true });
    await writeFile(join(dir, 'half_plus_two', '3', 'model.onnx'), 'not an onnx model');
    const arms = (canary: Record<string, unknown>, stableWeight: number) => ({
      arms: [{ name: 'stable', label: 'stable', weight: stableWeight }, { name: 'canary', weight: 100 - stableWeight, ...canary }],
      override: { header: 'x-edgeserve-arm' },
    });
    await writeConfig(arms({ version: 3 }, 50)); // a broken canary
    await Promise.all(await es.manager.refresh());
    for (let i = 0; i < 3; i++) await predict({ 'x-edgeserve-arm': 'canary' });
    await predict({ 'x-edgeserve-arm': 'stable' });
    const arm = (v: RepositoryView, name: string) => model(v).routing!.arms.find((a) => a.name === name)!;
    expect(arm(await view(), 'canary')).toMatchObject({ requests: 3, errors: 3, total: { requests: 3, errors: 3 } });
    // A new canary under the same arm name (version 2), and a new weight for the stable arm.
    await writeConfig(arms({ label: 'canary' }, 90));
    await Promise.all(await es.manager.refresh());
    const v = await view();
    expect(arm(v, 'canary').target).toMatch(/canary/);
    expect(arm(v, 'canary')).toMatchObject({ requests: 0, errors: 0, shadow: { compared: 0, agreed: 0 }, total: { requests: 0, errors: 0 } });
    expect(arm(v, 'stable')).toMatchObject({ weight: 90, requests: 1, total: { requests: 1 } });
  });

  it('is reset when the routing is removed from the config', async () => {
    const { predict, view, writeConfig } = await setup(ROUTED);
    await predict();
    expect(model(await view()).routing!.arms[0]!.requests).toBe(1);
    // Each view starts the refresh that is due (in the background); a later one shows the config as applied.
    const until = async (done: (v: RepositoryView) => boolean) => {
      let v = await view();
      for (let k = 0; k < 100 && !done(v); k++) {
        await new Promise((r) => setTimeout(r, 20));
        v = await view();
      }
      return v;
    };
    await writeConfig(undefined);
    expect(model(await until((v) => model(v).routing === null)).routing).toBeNull();
    await writeConfig(ROUTED);
    const again = await until((v) => model(v).routing !== null);
    expect(model(again).routing!.arms[0]!.total.requests).toBe(0);
  });

  it('is the admin scope\'s: 401 without a key, 403 for a predict key, Basic auth for the dashboard', async () => {
    const { es, request } = await setup(ROUTED);
    expect((await es.handle(request('GET', '/edgeserve/api/repository'))).status).toBe(401);
    expect((await es.handle(request('GET', '/edgeserve/api/repository', { 'x-api-key': PREDICT_KEY }))).status).toBe(403);
    const page = await es.handle(request('GET', '/edgeserve/dashboard'));
    expect(page.status).toBe(401);
    expect(page.headers['WWW-Authenticate']).toMatch(/^Basic realm=/);
    const basic = `Basic ${btoa(`anyone:${ADMIN_KEY}`)}`;
    const html = await es.handle(request('GET', '/edgeserve/dashboard', { authorization: basic }));
    expect(html.status).toBe(200);
    expect(html.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(html.body).toContain('half_plus_two');
    expect(html.body).not.toMatch(/<(script|link|img)[^>]+(src|href)=/); // nothing loaded from elsewhere
    // The CSP pins the page's one inline script and style by their hashes: no 'unsafe-inline'.
    const csp = html.headers['Content-Security-Policy']!;
    expect(csp).not.toContain('unsafe-inline');
    for (const d of ["base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'", "default-src 'none'"]) expect(csp).toContain(d);
    const hash = async (text: string) => `'sha256-${Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))).toString('base64')}'`;
    const script = /<script>([\s\S]*?)<\/script>/.exec(html.body!)![1]!;
    const style = /<style>([\s\S]*?)<\/style>/.exec(html.body!)![1]!;
    expect(csp).toContain(`script-src ${await hash(script)}`);
    expect(csp).toContain(`style-src ${await hash(style)}`);
    expect(html.body).not.toMatch(/ style=/); // no inline style attributes (the CSP would refuse them)
    expect(html.headers['X-Content-Type-Options']).toBe('nosniff');
    const api = await es.handle(request('GET', '/edgeserve/api/repository', { 'x-api-key': ADMIN_KEY }));
    expect(api.headers['X-Content-Type-Options']).toBe('nosniff');
    // With auth configured the old view is gone (404); it answers, deprecated, only without auth (next test).
    expect((await es.handle(request('GET', '/edgeserve/routing', { 'x-api-key': ADMIN_KEY }))).status).toBe(404);
  });

  it('renders a model name, label or load error as text, never as markup', async () => {
    const EVIL = '<img src=x onerror=alert(1)>';
    const { view } = await setup(ROUTED);
    const real = await view();
    const m = real.models[0]!;
    const html = renderView({
      ...real,
      models: [{ ...m, name: EVIL, labels: m.labels.map((l) => ({ ...l, name: EVIL })), versions: m.versions.map((v) => ({ ...v, error: EVIL })) }],
      load_errors: [{ time: real.time, model: EVIL, version: 3, code: 'INTERNAL', error: EVIL, attempt: 1 }],
    });
    expect(html).not.toContain('<img');
    expect(html.split('&lt;img src=x onerror=alert(1)&gt;').length - 1).toBeGreaterThanOrEqual(4);
  });

  it('without auth, is served only when asked for (--enable_routing_admin)', async () => {
    const off = await setup(ROUTED, { auth: undefined });
    expect((await off.es.handle(off.request('GET', '/edgeserve/api/repository'))).status).toBe(404);
    const on = await setup(ROUTED, { auth: undefined, routingAdmin: true, dashboardPath: '/ops' });
    expect((await on.es.handle(on.request('GET', '/edgeserve/api/repository'))).status).toBe(200);
    expect((await on.es.handle(on.request('GET', '/ops'))).status).toBe(200);
    const old = await on.es.handle(on.request('GET', '/edgeserve/routing'));
    expect(old.headers.Deprecation).toBe('true');
    expect(old.headers.Link).toBe('</edgeserve/api/repository>; rel="successor-version"');
  });

  it('answers the same through the Fetch app (Workers) and the Lambda handler', async () => {
    const { dir, es, predict } = await setup(ROUTED);
    await predict();
    const fetched = await es.app.fetch(new Request('http://edge/edgeserve/api/repository', { headers: { 'x-api-key': ADMIN_KEY } }));
    expect(fetched.status).toBe(200);
    expect(model((await fetched.json()) as RepositoryView).routing!.arms[0]!.requests).toBe(1);

    Object.assign(process.env, { EDGESERVE_MODEL_BASE_PATH: dir, EDGESERVE_AUTH_CONFIG: AUTH, EDGESERVE_LOG_REQUESTS: '0' });
    cleanups.push(async () => {
      for (const k of ['EDGESERVE_MODEL_BASE_PATH', 'EDGESERVE_AUTH_CONFIG', 'EDGESERVE_LOG_REQUESTS']) delete process.env[k];
    });
    const { handler } = await import('../../adapters/lambda/handler.ts');
    const lambda = lambdaFetch(handler, 'function-url');
    expect((await lambda('/edgeserve/api/repository')).status).toBe(401);
    const r = await lambda('/edgeserve/api/repository', { headers: { 'x-api-key': ADMIN_KEY } });
    expect(r.status).toBe(200);
    expect(model((await r.json()) as RepositoryView).routing!.arms.map((a) => a.name)).toEqual(['stable', 'canary']);
  });
});
