// V2 infers go through the same routing as TF Serving's predicts (Inference.run): a shadow arm
// runs the same inputs after the answer and its agreement is recorded; the override header picks
// an arm; a sticky top-level field of the JSON request keeps a user's arm.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeBackend } from '../../adapters/shared/ort-backends.ts';
import { FileSystemStore } from '../../adapters/storage/fs.ts';
import { createEdgeserve } from '../../functions/app.ts';
import { joinParts } from '../../functions/http/exchange.ts';
import { silentLogger } from '../../functions/util/log.ts';
import { scratchRepository } from '../helpers.ts';
import { binaryOf, encodeRequest, type ClientRequest } from './client.ts';

const repos: { remove(): Promise<void> }[] = [];
afterEach(async () => {
  for (const r of repos.splice(0)) await r.remove();
});

async function setup(routing: unknown) {
  const repo = await scratchRepository();
  repos.push(repo);
  await writeFile(join(repo.dir, 'models.config.json'), JSON.stringify({
    models: [{ name: 'half_plus_two', model_version_policy: { all: {} }, version_labels: { stable: 1, canary: 2 }, routing }],
  }));
  const es = createEdgeserve({ store: new FileSystemStore(repo.dir), backend: await createNodeBackend('ort-node'), logger: silentLogger, refreshIntervalMs: 0, routingAdmin: true });
  await es.warmup();
  const infer = async (request: ClientRequest, extra: Record<string, string> = {}) => {
    const { body, headers } = encodeRequest(request);
    const all: Record<string, string> = Object.fromEntries(Object.entries({ ...headers, ...extra }).map(([k, v]) => [k.toLowerCase(), v]));
    return es.handle({ method: 'POST', pathAndQuery: '/v2/models/half_plus_two/infer', header: (n) => all[n] ?? null, readBody: async () => body, waitUntil: () => {} });
  };
  const report = async () => {
    const r = await es.handle({ method: 'GET', pathAndQuery: '/edgeserve/routing', header: () => null, readBody: async () => new Uint8Array() });
    return JSON.parse(r.body!).half_plus_two.arms as { name: string; requests: number; shadow: { compared: number; agreed: number } }[];
  };
  return { infer, report };
}

const arms = (stable: number, canary: number) => [{ name: 'stable', label: 'stable', weight: stable }, { name: 'canary', label: 'canary', weight: canary }];
const binaryX: ClientRequest = { inputs: [{ name: 'x', shape: [3], datatype: 'FP32', binary: binaryOf('FP32', [1, 2, 5]) }], parameters: { binary_data_output: true } };

describe('V2 routing', () => {
  it('a shadow arm runs a binary request\'s inputs after the answer and records its agreement; the answer is the served arm\'s', async () => {
    const { infer, report } = await setup({ arms: arms(100, 0), shadow: { arm: 'canary', sample: 1 } });
    for (let i = 0; i < 5; i++) {
      const r = await infer(binaryX);
      expect(r.headers['x-edgeserve-arm']).toBe('stable');
      expect(Buffer.from(joinParts(r.bytes!)).subarray(-12).toString('hex')).toBe('000020400000404000009040');
    }
    let canary;
    for (let k = 0; k < 50 && (canary = (await report()).find((a) => a.name === 'canary')!).shadow.compared < 5; k++) await new Promise((r) => setTimeout(r, 20));
    expect(canary!.shadow).toMatchObject({ compared: 5, agreed: 5 }); // both versions are half_plus_two
    expect((await report()).find((a) => a.name === 'stable')!.requests).toBe(5);
  });

  it('the override header picks the arm; a sticky field of the JSON request keeps a user on one arm', async () => {
    const { infer } = await setup({ arms: arms(50, 50), override: { header: 'x-edgeserve-arm' }, sticky: { field: 'user' } });
    expect((await infer(binaryX, { 'x-edgeserve-arm': 'canary' })).headers['x-model-version']).toBe('2');
    expect((await infer(binaryX, { 'x-edgeserve-arm': 'stable' })).headers['x-model-version']).toBe('1');
    const armOf = async (user: string) => (await infer({ ...binaryX, user } as ClientRequest)).headers['x-edgeserve-arm'];
    const users = Array.from({ length: 40 }, (_, i) => `u${i}`);
    const first = await Promise.all(users.map(armOf));
    expect(await Promise.all(users.map(armOf))).toEqual(first);
    expect(new Set(first)).toEqual(new Set(['stable', 'canary']));
  });
});
