// Issue 6's targets: the routing decision itself, and what shadowing adds to a served request
// (a predict through handle(), with and without a shadow arm at sample 1, interleaved).
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeBackend } from '../adapters/shared/ort-backends.ts';
import { FileSystemStore } from '../adapters/storage/fs.ts';
import { createEdgeserve } from '../functions/app.ts';
import { silentLogger } from '../functions/util/log.ts';
import type { RestRequest } from '../functions/http/exchange.ts';
import { Router } from '../functions/routing/router.ts';
import { parseRoutingConfig } from '../functions/config/routing-config.ts';
import { median } from './stats.ts';

const ARMS = [{ name: 'stable', label: 'stable', weight: 90 }, { name: 'canary', label: 'canary', weight: 10 }];

export async function benchRouting(repository: string) {
  const fail = (p: string, m: string): never => {
    throw new Error(`${p}: ${m}`);
  };
  const router = new Router('m', parseRoutingConfig({ arms: ARMS, sticky: { header: 'x-user' } }, 'routing', fail), new Map());
  const input = (i: number) => ({ header: (n: string) => (n === 'x-user' ? `user-${i}` : null), field: () => undefined });
  const decisions: number[] = [];
  for (let round = 0; round < 200; round++) {
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) router.decide(input(i), 0);
    decisions.push(((performance.now() - t0) * 1000) / 1000);
  }

  const withRouting = async (routing: unknown) => {
    const dir = await mkdtemp(join(tmpdir(), 'edgeserve-bench-'));
    await cp(join(repository, 'half_plus_two'), join(dir, 'half_plus_two'), { recursive: true });
    await writeFile(join(dir, 'models.config.json'), JSON.stringify({
      models: [{ name: 'half_plus_two', model_version_policy: { all: {} }, version_labels: { stable: 1, canary: 2 }, routing }],
    }));
    const es = createEdgeserve({ store: new FileSystemStore(dir), backend: await createNodeBackend('ort-node'), logger: silentLogger, refreshIntervalMs: 0 });
    await es.warmup();
    return { es, dir };
  };
  const plain = await withRouting({ arms: ARMS.map((a) => ({ ...a, weight: a.name === 'stable' ? 100 : 0 })) });
  const shadowed = await withRouting({ arms: ARMS.map((a) => ({ ...a, weight: a.name === 'stable' ? 100 : 0 })), shadow: { arm: 'canary', sample: 1 } });
  const bytes = new TextEncoder().encode('{"instances": [1.0, 2.0, 5.0]}');
  const request: RestRequest = { method: 'POST', pathAndQuery: '/v1/models/half_plus_two:predict', header: () => null, readBody: async () => bytes };
  // A served request's latency, as a server with some idle time between requests sees it: each
  // request follows a 3 ms gap (where shadows run). Blocks, so a shadow's cost can only land on
  // shadowed requests. Throughput cost is another matter: at sample 1 a shadow doubles the work.
  const served = { a: [] as number[], b: [] as number[] };
  for (let round = 0; round < 8; round++) {
    for (const [es, into] of [[shadowed.es, served.a], [plain.es, served.b]] as const) {
      for (let i = 0; i < 150; i++) {
        await new Promise((r) => setTimeout(r, 3));
        const t0 = performance.now();
        await es.handle(request);
        if (round > 0) into.push((performance.now() - t0) * 1000);
      }
    }
  }
  for (const { es, dir } of [plain, shadowed]) {
    await es.manager.close();
    await rm(dir, { recursive: true, force: true });
  }
  return { decisionUs: median(decisions), shadowedUs: median(served.a), plainUs: median(served.b) };
}
