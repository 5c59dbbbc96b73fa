// The router through the whole REST layer on real models: weighted splits, stickiness across
// weight changes made by config reloads, overrides, shadow traffic and fallback.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeBackend } from '../../adapters/shared/ort-backends.ts';
import { FileSystemStore } from '../../adapters/storage/fs.ts';
import { createEdgeserve } from '../../functions/app.ts';
import { silentLogger } from '../../functions/util/log.ts';
import type { RestRequest } from '../../functions/http/exchange.ts';
import { Router } from '../../functions/routing/router.ts';
import { parseRoutingConfig } from '../../functions/config/routing-config.ts';
import { scratchRepository } from '../helpers.ts';

const repos: { remove(): Promise<void> }[] = [];
afterEach(async () => {
  for (const r of repos.splice(0)) await r.remove();
});

/** half_plus_two with versions 1 (stable) and 2 (canary), both loaded, routed as `routing` says. */
async function setup(routing: unknown) {
  const repo = await scratchRepository();
  repos.push(repo);
  const writeConfig = (r: unknown) =>
    writeFile(join(repo.dir, 'models.config.json'), JSON.stringify({
      models: [{ name: 'half_plus_two', model_version_policy: { all: {} }, version_labels: { stable: 1, canary: 2 }, routing: r }],
    }));
  await writeConfig(routing);
  const es = createEdgeserve({
    store: new FileSystemStore(repo.dir), backend: await createNodeBackend('ort-node'), logger: silentLogger, refreshIntervalMs: 0, routingAdmin: true,
  });
  await es.warmup();
  const predict = async (headers: Record<string, string> = {}, body = '{"instances": [1.0]}') => {
    const bytes = new TextEncoder().encode(body);
    const request: RestRequest = { method: 'POST', pathAndQuery: '/v1/models/half_plus_two:predict', header: (n) => headers[n] ?? null, readBody: async () => bytes };
    return es.handle(request);
  };
  const report = async () => {
    const r = await es.handle({ method: 'GET', pathAndQuery: '/edgeserve/routing', header: () => null, readBody: async () => new Uint8Array() });
    return JSON.parse(r.body!) as Record<string, { arms: { name: string; requests: number; errors: number; weight: number; shadow: { compared: number; agreed: number; outputs: Record<string, unknown> } }[] }>;
  };
  return { dir: repo.dir, es, predict, report, writeConfig };
}

const arms = (stable: number, canary: number) => [
  { name: 'stable', label: 'stable', weight: stable },
  { name: 'canary', label: 'canary', weight: canary },
];

/**
 * A canary arm on version 3, which cannot serve. (A label cannot be moved to such a version: TF
 * Serving's rule keeps the old label, see test/serving/labels.test.ts; so the arm names the version.)
 */
const brokenCanary = (stable: number, canary: number) => [
  { name: 'stable', label: 'stable', weight: stable },
  { name: 'canary', version: 3, weight: canary },
];

describe('routing', () => {
  it('splits 10,000 requests within two points of the weights, and says which arm served', async () => {
    const { predict, report } = await setup({ arms: arms(90, 10) });
    const counts = { stable: 0, canary: 0 };
    for (let i = 0; i < 10_000; i++) {
      const r = await predict();
      const arm = r.headers['x-edgeserve-arm'] as 'stable' | 'canary';
      expect(r.headers['x-model-version']).toBe(arm === 'stable' ? '1' : '2');
      counts[arm]++;
    }
    expect(Math.abs(counts.canary / 10_000 - 0.1)).toBeLessThan(0.02);
    const armsReport = (await report()).half_plus_two!.arms;
    expect(armsReport.find((a) => a.name === 'canary')!.requests).toBe(counts.canary);
  }, 60_000);

  it('pinned requests are served as asked, never routed', async () => {
    const { es } = await setup({ arms: arms(0, 100) });
    const bytes = new TextEncoder().encode('{"instances": [1.0]}');
    const r = await es.handle({ method: 'POST', pathAndQuery: '/v1/models/half_plus_two/versions/1:predict', header: () => null, readBody: async () => bytes });
    expect(r.headers['x-model-version']).toBe('1');
    expect(r.headers['x-edgeserve-arm']).toBeUndefined();
  });

  it('sticky users keep their arm; raising the canary moves users only from stable to canary (config reload)', async () => {
    const { predict, writeConfig, es } = await setup({ arms: arms(80, 20), sticky: { header: 'x-user' } });
    const users = Array.from({ length: 400 }, (_, i) => `user-${i}`);
    const armOf = async () => new Map(await Promise.all(users.map(async (u) => [u, (await predict({ 'x-user': u })).headers['x-edgeserve-arm']] as const)));
    const before = await armOf();
    expect(await armOf()).toEqual(before); // stable across requests
    await writeConfig({ arms: arms(50, 50), sticky: { header: 'x-user' } });
    await Promise.all(await es.manager.refresh());
    const after = await armOf();
    let moved = 0;
    for (const u of users) {
      if (before.get(u) === 'canary') expect(after.get(u), u).toBe('canary');
      if (before.get(u) !== after.get(u)) moved++;
    }
    expect(moved).toBeGreaterThan(0);
    const canaryShare = [...after.values()].filter((a) => a === 'canary').length / users.length;
    expect(Math.abs(canaryShare - 0.5)).toBeLessThan(0.1);
  });

  it('sticky by cookie and by a request field hash the same key the same way', () => {
    const config = parseRoutingConfig({ arms: arms(50, 50), sticky: { cookie: 'uid' } }, 'routing', (p, m) => {
      throw new Error(`${p}: ${m}`);
    });
    const router = new Router('m', config, new Map());
    const byField = new Router('m', { ...config, sticky: { field: 'user_id' } }, new Map());
    for (const u of ['a', 'b', 'c', 'd', 'e', 'f']) {
      const viaCookie = router.decide({ header: (n) => (n === 'cookie' ? `x=1; uid=${u}` : null), field: () => undefined }, 0);
      const viaField = byField.decide({ header: () => null, field: (n) => (n === 'user_id' ? u : undefined) }, 0);
      expect(viaCookie.arm.name).toBe(viaField.arm.name);
      expect(viaCookie.reason).toBe('sticky');
    }
  });

  it('with three arms, raising one arm moves users only onto it; the split follows the weights', () => {
    const fail = (p: string, m: string): never => {
      throw new Error(`${p}: ${m}`);
    };
    const three = (b: number) => [
      { name: 'stable', label: 's', weight: 50 },
      { name: 'a', label: 'a', weight: 25 },
      { name: 'b', label: 'b', weight: b },
    ];
    const before = new Router('m', parseRoutingConfig({ arms: three(25), sticky: { header: 'u' } }, 'r', fail), new Map());
    const after = new Router('m', parseRoutingConfig({ arms: three(50), sticky: { header: 'u' } }, 'r', fail), new Map());
    const counts: Record<string, number> = { stable: 0, a: 0, b: 0 };
    for (let i = 0; i < 10_000; i++) {
      const input = { header: () => String(i), field: () => undefined };
      const x = before.decide(input, 0).arm.name;
      const y = after.decide(input, 0).arm.name;
      if (x !== y) expect(y, `user ${i}: ${x} → ${y}`).toBe('b');
      counts[x]!++;
    }
    expect(Math.abs(counts.stable! / 10_000 - 0.5)).toBeLessThan(0.02);
    expect(Math.abs(counts.b! / 10_000 - 0.25)).toBeLessThan(0.02);
  });

  it('overrides only where the config enables them', async () => {
    const off = await setup({ arms: arms(100, 0) });
    expect((await off.predict({ 'x-edgeserve-arm': 'canary' })).headers['x-edgeserve-arm']).toBe('stable');
    const on = await setup({ arms: arms(100, 0), override: { header: 'X-Edgeserve-Arm' } });
    expect((await on.predict({ 'x-edgeserve-arm': 'canary' })).headers['x-model-version']).toBe('2');
    expect((await on.predict({ 'x-edgeserve-arm': 'v1' })).headers['x-model-version']).toBe('1');
    const bad = await on.predict({ 'x-edgeserve-arm': 'blue' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body!).error).toBe('Routing override "blue" names no arm of model half_plus_two (arms: stable, canary; or v<version>)');
    // A version past 2^53 keeps its digits, as in a URL (before: Specific(…, 9007199254740992)).
    const huge = await on.predict({ 'x-edgeserve-arm': 'v9007199254740993' });
    expect(JSON.parse(huge.body!)).toEqual({ error: 'Servable not found for request: Specific(half_plus_two, 9007199254740993)' });
  });

  it('shadow traffic never changes the response and its comparison is recorded', async () => {
    const plain = await setup({ arms: arms(100, 0) });
    const shadowed = await setup({ arms: arms(100, 0), shadow: { arm: 'canary', sample: 1 } });
    for (let i = 0; i < 20; i++) {
      const body = `{"instances": [${i}.5]}`;
      const a = await plain.predict({}, body);
      const b = await shadowed.predict({}, body);
      expect(b.body).toBe(a.body);
      expect(b.headers['x-edgeserve-arm']).toBe('stable');
    }
    // Shadows run after their responses: wait (bounded) for the twentieth, on a loaded machine too.
    const canaryArm = async () => (await shadowed.report()).half_plus_two!.arms.find((a) => a.name === 'canary')!;
    for (let waited = 0; (await canaryArm()).shadow.compared < 20 && waited < 2_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    const canary = await canaryArm();
    expect(canary.shadow).toMatchObject({ compared: 20, agreed: 20 }); // both versions compute 0.5x + 2
    expect(Object.values(canary.shadow.outputs)).toEqual([{ compared: 20, elements: 20, maxAbsError: 0, meanAbsError: 0 }]);
    expect(canary.requests).toBe(0); // shadows are not served requests
  });

  it('a shadow that cannot answer is recorded as disagreeing, and the response is unaffected', async () => {
    const { dir, predict, report, es } = await setup({ arms: arms(100, 0), shadow: { arm: 'canary', sample: 1 } });
    await writeFile(join(dir, 'models.config.json'), JSON.stringify({
      models: [{ name: 'half_plus_two', model_version_policy: { all: {} }, version_labels: { stable: 1 }, routing: { arms: brokenCanary(100, 0), shadow: { arm: 'canary', sample: 1 } } }],
    }));
    await Promise.all(await es.manager.refresh());
    const r = await predict();
    expect(r.status).toBe(200);
    await new Promise((res) => setTimeout(res, 50));
    // No answer, so no error figures: the comparison counts as a disagreement only.
    expect((await report()).half_plus_two!.arms.find((a) => a.name === 'canary')!.shadow).toEqual({ compared: 1, agreed: 0, outputs: {} });
  });

  it('a canary whose version fails to load falls back to the stable arm, and says so', async () => {
    const { dir, es, predict, report } = await setup({ arms: arms(0, 100) });
    await mkdir(join(dir, 'half_plus_two/3'));
    await writeFile(join(dir, 'half_plus_two/3/model.onnx'), 'corrupt');
    await writeFile(join(dir, 'models.config.json'), JSON.stringify({
      models: [{
        name: 'half_plus_two', model_version_policy: { all: {} }, version_labels: { stable: 1 },
        routing: { arms: brokenCanary(50, 50), fallback: { arm: 'stable', max_error_rate: 0.2, min_requests: 5 } },
      }],
    }));
    await Promise.all(await es.manager.refresh());
    const served = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const r = await predict();
      expect(r.status).toBe(200);
      served.add(`${r.headers['x-edgeserve-arm']}:${r.headers['x-model-version']}`);
    }
    expect(served).toEqual(new Set(['stable:1']));
    const canary = (await report()).half_plus_two!.arms.find((a) => a.name === 'canary') as { errors: number; falling_back?: boolean };
    expect(canary.errors).toBeGreaterThan(0);
    expect(canary.falling_back).toBe(true);
  });

  it('an arm taken out of rotation gets a fresh trial after its cool-down, and both moves are logged', () => {
    const config = parseRoutingConfig(
      { arms: arms(0, 100), fallback: { arm: 'stable', max_error_rate: 0.5, min_requests: 4, cooldown_seconds: 10 } },
      'routing',
      (p, m) => {
        throw new Error(`${p}: ${m}`);
      },
    );
    const events: string[] = [];
    const router = new Router('m', config, new Map(), (event) => void events.push(event));
    const anyone = { header: () => null, field: () => undefined };
    for (let i = 0; i < 4; i++) router.stats.get('canary')!.record(false, 0);
    expect(router.decide(anyone, 1_000).arm.name).toBe('stable');
    expect(router.decide(anyone, 5_000).arm.name).toBe('stable'); // still cooling down
    expect(events).toEqual(['route_fallback']);
    expect(router.decide(anyone, 11_001).arm.name).toBe('canary'); // half-open: back in rotation
    expect(events).toEqual(['route_fallback', 'route_recovering']);
    router.stats.get('canary')!.record(true, 0);
    expect(router.decide(anyone, 11_002).arm.name).toBe('canary');
  });

  it('ramps change the weights on schedule, evaluated lazily from the config', () => {
    const config = parseRoutingConfig(
      { arms: arms(100, 0), ramp: [{ at: '2026-12-01T00:00:00Z', weights: { stable: 50, canary: 50 } }, { at: '2026-12-02T00:00:00Z', weights: { stable: 0, canary: 100 } }] },
      'routing',
      (p, m) => {
        throw new Error(`${p}: ${m}`);
      },
    );
    const router = new Router('m', config, new Map());
    expect(Object.fromEntries(router.weights(Date.parse('2026-11-30T00:00:00Z')))).toEqual({ stable: 100, canary: 0 });
    expect(Object.fromEntries(router.weights(Date.parse('2026-12-01T12:00:00Z')))).toEqual({ stable: 50, canary: 50 });
    expect(Object.fromEntries(router.weights(Date.parse('2026-12-03T00:00:00Z')))).toEqual({ stable: 0, canary: 100 });
  });

  it('rejects routing configs that point nowhere, naming the field', () => {
    const bad = (routing: unknown) => () =>
      parseRoutingConfig(routing, 'models[0].routing', (p, m) => {
        throw new Error(`${p}: ${m}`);
      });
    expect(bad({ arms: [] })).toThrow('models[0].routing.arms: must be a non-empty array');
    expect(bad({ arms: [{ name: 'a', version: 1, label: 'x' }] })).toThrow('models[0].routing.arms[0]: needs exactly one of "version", "label" or "url"');
    expect(bad({ arms: arms(1, 1), shadow: { arm: 'blue' } })).toThrow('models[0].routing.shadow.arm: must name one of the arms (stable, canary)');
    expect(bad({ arms: [{ name: 'gpu', url: 'ftp://gpu', weight: 1 }] })).toThrow('models[0].routing.arms[0].url: must be an http(s) URL');
    expect(bad({ arms: [{ name: 'gpu', url: 'http://gpu', label: 'x', weight: 1 }] })).toThrow('needs exactly one of "version", "label" or "url"');
  });
});
