// The dashboard in a real browser (Debian's chromium driven by playwright-core) against a real Node
// server serving the rollout example (digits v1 stable, v2 canary, shadowed): it asks for the key
// (HTTP Basic) and shows the models and arms; it updates itself after traffic, without a reload;
// it loads nothing from elsewhere; it fits a phone's width. The screenshot is checked by the text
// on the page when it was taken, not by its pixels. EDGESERVE_SCREENSHOT=docs/dashboard.png keeps
// the picture (the README's).
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeServer } from '../../adapters/node/server.ts';
import { parseAuthConfig } from '../../functions/auth/auth-config.ts';
import { dashboardPage } from '../../functions/rest/operator/dashboard.ts';
import type { RepositoryView } from '../../functions/rest/operator/repository-view.ts';
import { digitsClassifier, mnistSamples } from '../fixtures/example-models.ts';
import { startTestServer } from '../helpers.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ADMIN_KEY = 'dashboard-admin-key';
const AUTH = parseAuthConfig(JSON.stringify({ api_keys: [{ name: 'ops', key: ADMIN_KEY, scopes: ['admin', 'predict'] }] }), 'test');

let dir: string;
let server: NodeServer;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: apt-get install chromium (as .ci/run does), or set CHROMIUM_PATH`);
  dir = await mkdtemp(join(tmpdir(), 'edgeserve-dashboard-'));
  for (const v of [1, 2] as const) {
    await mkdir(join(dir, 'digits', String(v)), { recursive: true });
    await writeFile(join(dir, 'digits', String(v), 'model.onnx'), digitsClassifier(v));
  }
  await writeFile(join(dir, 'models.config.json'), JSON.stringify({ models: [{
    name: 'digits', model_version_policy: { all: {} }, version_labels: { stable: 1, canary: 2 },
    routing: {
      arms: [{ name: 'stable', label: 'stable', weight: 90 }, { name: 'canary', label: 'canary', weight: 10 }],
      sticky: { header: 'x-user-id' }, shadow: { arm: 'canary', sample: 1, tolerance: 0.1 },
    },
  }] }));
  server = await startTestServer({ root: dir, auth: AUTH, refreshIntervalMs: 1000 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Predicts `n` digits, each for its own user (so the sticky split sends some to the canary). */
async function traffic(n: number): Promise<void> {
  const { images } = mnistSamples(n);
  for (let i = 0; i < n; i++) {
    const r = await fetch(`${server.url}/v1/models/digits:predict`, {
      method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'x-user-id': `user-${i}` },
      body: JSON.stringify({ instances: [Array.from(images[i]!)] }),
    });
    expect(r.status).toBe(200);
  }
}

/** The arm row's cells by column name. */
async function armRow(page: import('playwright-core').Page, arm: string): Promise<Record<string, string>> {
  return page.evaluate((name) => {
    const tables = Array.from(document.querySelectorAll('section[data-model="digits"] table'));
    const routing = tables[tables.length - 1]!;
    const head = Array.from(routing.querySelectorAll('th')).map((th) => th.textContent!);
    const row = Array.from(routing.querySelectorAll('tr')).find((tr) => tr.querySelector('td b')?.textContent === name)!;
    // The cell's own text: on a phone's width its column name is drawn before it by CSS, not in the text.
    return Object.fromEntries(Array.from(row.querySelectorAll('td')).map((td, i) => [head[i]!, td.textContent!.trim()]));
  }, arm);
}

describe('dashboard in chromium', () => {
  it('asks for the key: without it the page is refused', async () => {
    const context = await browser.newContext();
    const response = await context.request.get(`${server.url}/edgeserve/dashboard`);
    expect(response.status()).toBe(401);
    expect(response.headers()['www-authenticate']).toMatch(/^Basic /);
    // A headless browser cannot answer the prompt: the navigation itself fails on the challenge.
    const page = await context.newPage();
    await expect(page.goto(`${server.url}/edgeserve/dashboard`)).rejects.toThrow(/ERR_INVALID_AUTH_CREDENTIALS/);
    await context.close();
  });

  it('draws names, labels and errors as text: markup in them creates no element, on the first paint or a refresh', async () => {
    const EVIL = '<img src=x onerror=alert(1)>';
    const context = await browser.newContext({ httpCredentials: { username: 'ops', password: ADMIN_KEY } });
    const real = await (await context.request.get(`${server.url}/edgeserve/api/repository`, { headers: { 'x-api-key': ADMIN_KEY } })).json() as RepositoryView;
    const m = real.models[0]!;
    const evil: RepositoryView = {
      ...real,
      models: [{
        ...m, name: EVIL, labels: m.labels.map((l) => ({ ...l, name: EVIL })),
        versions: m.versions.map((v) => ({ ...v, error: EVIL, labels: [EVIL] })),
        routing: m.routing && { ...m.routing, arms: m.routing.arms.map((a) => ({ ...a, name: EVIL, target: EVIL })) },
      }],
      load_errors: [{ time: real.time, model: EVIL, version: 3, code: EVIL, error: EVIL, attempt: 1 }],
    };
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    // A refresh: the served page's script renders what the API answers (here, the evil view).
    await page.route('**/edgeserve/api/repository', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify(evil) }));
    expect((await page.goto(`${server.url}/edgeserve/dashboard`))!.status()).toBe(200);
    await expect.poll(() => page.locator('main').innerText(), { timeout: 15_000 }).toContain(EVIL);
    expect(await page.locator('img').count()).toBe(0);
    // The first paint, without the CSP's help: the page's HTML as rendered on the server, set directly.
    await page.setContent(dashboardPage(evil, { apiPath: '/nowhere' }));
    expect(await page.locator('main').innerText()).toContain(EVIL);
    expect(await page.locator('img').count()).toBe(0);
    await page.waitForTimeout(200);
    expect(dialogs).toEqual([]);
    await context.close();
  }, 60_000);

  it('shows models and arms, updates after traffic, loads nothing from elsewhere, fits a phone', async () => {
    // A phone's viewport, with the key given as the browser would after its prompt.
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true,
      httpCredentials: { username: 'ops', password: ADMIN_KEY },
    });
    const origins = new Set<string>();
    context.on('request', (r) => origins.add(new URL(r.url()).origin));
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // Anything the CSP refuses (the inline script or style, a style attribute) is reported on the console.
    const refused: string[] = [];
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) refused.push(m.text()); });
    const response = (await page.goto(`${server.url}/edgeserve/dashboard`))!;
    expect(response.status()).toBe(200);
    const csp = response.headers()['content-security-policy']!;
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers()['x-content-type-options']).toBe('nosniff');

    const main = page.locator('main');
    await expect.poll(() => main.innerText()).toContain('digits');
    const before = await main.innerText();
    expect(before).toContain('stable → v1');
    expect(before).toContain('canary → v2');
    expect(before).toMatch(/label stable → v1/);
    expect(before).toMatch(/label canary → v2/);
    expect((await armRow(page, 'stable')).Requests).toBe('0');

    await traffic(60);
    // No reload: the page's own script fetches the operator API and renders again.
    await expect.poll(async () => Number((await armRow(page, 'stable')).Requests), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(async () => (await armRow(page, 'canary'))['Shadow agreement'], { timeout: 15_000 }).toMatch(/% of \d+/);
    const stable = await armRow(page, 'stable');
    const canary = await armRow(page, 'canary');
    expect(Number(stable.Requests) + Number(canary.Requests)).toBe(60);
    expect(Number(canary.Requests)).toBeGreaterThan(0); // the sticky split sent some users to the canary
    expect(stable.Weight).toBe('90');
    expect(stable.p50).toMatch(/ms$/);
    // The versions differ: the shadow comparison reports real disagreement.
    const agreement = Number(/([\d.]+) %/.exec(canary['Shadow agreement']!)![1]);
    expect(agreement).toBeLessThan(100); // (≈ 25 % agree within 0.1 on every score)
    // … and how far apart they are: the largest |Δ| over the scores, beyond the tolerance.
    const maxError = Number(/max \|Δ\| ([\d.e-]+)/.exec(canary['Shadow agreement']!)?.[1]);
    expect(maxError).toBeGreaterThan(0.1);

    // The screenshot, judged by the text shown when it was taken.
    const shot = await page.screenshot({ fullPage: true });
    const shown = await page.locator('body').innerText();
    expect(shot.subarray(1, 4).toString()).toBe('PNG');
    expect(shown).toMatch(/^edgeserve/m);
    expect(shown).toMatch(/1 model · updated \d\d:\d\d:\d\d UTC/);
    for (const text of ['digits', 'v2', 'AVAILABLE', 'Routing', 'sticky by header x-user-id', 'shadow canary at 100.0 %']) expect(shown).toContain(text);
    // On a phone the rows are blocks of "column: value" (the name drawn by CSS): every figure in view, named.
    const drawn = await page.evaluate(() => Array.from(document.querySelectorAll('td')).slice(-9).map((td) => getComputedStyle(td, '::before').content));
    expect(drawn).toEqual(['Arm', 'Serves', 'Weight', 'Share', 'Requests', 'Error rate', 'p50', 'p99', 'Shadow agreement'].map((h) => `"${h}: "`));
    expect(shown).toContain('live');
    if (process.env.EDGESERVE_SCREENSHOT) {
      await mkdir(dirname(process.env.EDGESERVE_SCREENSHOT), { recursive: true });
      await writeFile(process.env.EDGESERVE_SCREENSHOT, shot);
    }

    expect([...origins]).toEqual([server.url]); // offline-safe: every request went to the server itself
    expect(errors).toEqual([]);
    expect(refused).toEqual([]); // the page ran and refreshed under its CSP
    // The share bar is drawn (a <progress>, no inline style the CSP would refuse).
    expect(await page.evaluate(() => document.querySelectorAll('progress.bar').length)).toBeGreaterThan(0);
    // One column that fits: tables scroll inside their cards, the page never scrolls sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await context.close();
  }, 60_000);
});
