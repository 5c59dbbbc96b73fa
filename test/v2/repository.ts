// The repository behind the V2 conformance suite: the example repository, plus half_plus_two's
// folder served a second time as half_plus_two_canary, with both versions and a 50/50 canary split
// (sticky by x-user), so that routed infers can be checked on every platform.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { scratchRepository } from '../helpers.ts';

export const CANARY_MODEL = 'half_plus_two_canary';

export async function v2Repository(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const repo = await scratchRepository();
  const arms = [{ name: 'stable', label: 'stable', weight: 50 }, { name: 'canary', label: 'canary', weight: 50 }];
  await writeFile(join(repo.dir, 'models.config.json'), JSON.stringify({
    models: [
      { name: 'half_plus_two', version_labels: { stable: 2 } },
      { name: CANARY_MODEL, base_path: 'half_plus_two', model_version_policy: { all: {} }, version_labels: { stable: 1, canary: 2 }, routing: { arms, sticky: { header: 'x-user' } } },
    ],
  }));
  return repo;
}
