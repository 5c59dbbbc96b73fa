// The dashboard and the operator API in the built Worker, in workerd (Miniflare): with an admin key
// in EDGESERVE_AUTH_CONFIG the page answers 200 (Bearer, or HTTP Basic with the key as password, as
// a browser sends it), 401 without a key (asking a browser for one), 403 for a key without admin
// scope; the API answers the repository view as JSON for the models in R2.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_DASHBOARD_PATH, OPERATOR_API_PATH } from '../../functions/rest/operator/operator-api.ts';
import { startWorker, type TestWorker } from '../workers-runtime.ts';

const ADMIN = 'worker-admin-key-0123456789';
const PREDICT = 'worker-predict-key-0123456789';
let worker: TestWorker;
beforeAll(async () => {
  const auth = { api_keys: [{ name: 'ops', key: ADMIN, scopes: ['admin'] }, { name: 'web', key: PREDICT, scopes: ['predict'] }] };
  worker = await startWorker({ EDGESERVE_AUTH_CONFIG: JSON.stringify(auth) });
}, 180_000);
afterAll(() => worker?.dispose());

const bearer = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });

it('serves the dashboard page to an admin key, asks a browser for one without, refuses other scopes', async () => {
  const page = await worker.fetch(DEFAULT_DASHBOARD_PATH, bearer(ADMIN));
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  expect(page.headers.get('cache-control')).toBe('no-store');
  expect(await page.text()).toMatch(/<html/i);
  const basic = await worker.fetch(DEFAULT_DASHBOARD_PATH, { headers: { authorization: `Basic ${btoa(`ops:${ADMIN}`)}` } });
  expect(basic.status).toBe(200);
  await basic.body?.cancel();
  const none = await worker.fetch(DEFAULT_DASHBOARD_PATH);
  expect(none.status).toBe(401);
  expect(none.headers.get('www-authenticate')).toMatch(/^Basic realm="edgeserve dashboard"/);
  await none.body?.cancel();
  const other = await worker.fetch(DEFAULT_DASHBOARD_PATH, bearer(PREDICT));
  expect(other.status).toBe(403);
  await other.body?.cancel();
}, 60_000);

it('answers the operator API as JSON: the models in R2 with their versions', async () => {
  const denied = await worker.fetch(OPERATOR_API_PATH);
  expect(denied.status).toBe(401);
  await denied.body?.cancel();
  const r = await worker.fetch(OPERATOR_API_PATH, bearer(ADMIN));
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toMatch(/^application\/json/);
  const view = (await r.json()) as { time: string; models: { name: string; versions: { version: number }[] }[] };
  expect(Number.isNaN(Date.parse(view.time))).toBe(false);
  const half = view.models.find((m) => m.name === 'half_plus_two');
  expect(half?.versions.length).toBeGreaterThan(0);
  expect(half!.versions.every((v) => Number.isSafeInteger(v.version) && v.version > 0)).toBe(true);
}, 60_000);
