// Triton's model repository extension: the index (every model, its versions and their states),
// and load / unload (admin scope). edgeserve serves what the repository and its config aspire to,
// as Triton's poll mode does, and loads a version on first use: load warms the model's aspired
// versions now; unload frees their memory now (UNAVAILABLE in the index), and the next request for
// the model loads them again, as after a memory-budget eviction. To stop serving a model for good,
// remove it from the repository or its config.
import type { Manager, VersionStatus } from '../serving/manager.ts';
import type { ServingScope } from '../serving/serving-scope.ts';
import type { JsonValue } from '../util/json/value.ts';
import { invalidArgument, notFound } from '../util/status.ts';

export interface IndexEntry {
  readonly name: string;
  readonly version: string;
  readonly state: string;
  readonly reason: string;
}

/** Triton's states for TF Serving's: READY (AVAILABLE), LOADING, UNLOADING, UNAVAILABLE (START, END, failed). */
function tritonState(v: VersionStatus): string {
  if (v.state === 'AVAILABLE') return 'READY';
  if (v.state === 'LOADING' || v.state === 'UNLOADING') return v.state;
  return 'UNAVAILABLE';
}

/** `{"ready": true}` lists only the versions ready to serve. */
export async function repositoryIndex(manager: Manager, request: JsonValue | undefined, scope: ServingScope & { mayUse(model: string): boolean }): Promise<string> {
  const readyOnly = readyFlag(request);
  await manager.status('', undefined, scope).catch(() => {}); // waits for the first listing (an unknown name fails)
  const names = manager.modelConfigs().map((c) => c.name).filter((n) => scope.mayUse(n)).sort();
  const entries: IndexEntry[] = [];
  for (const name of names) {
    const versions = await manager.status(name, undefined, scope).catch(() => [] as VersionStatus[]);
    for (const v of [...versions].reverse()) {
      const state = tritonState(v);
      if (readyOnly && state !== 'READY') continue;
      entries.push({ name, version: String(v.version), state, reason: v.errorCode === 'OK' ? '' : v.errorMessage });
    }
  }
  return JSON.stringify(entries);
}

function readyFlag(request: JsonValue | undefined): boolean {
  if (request === undefined) return false;
  if (!(request instanceof Map)) throw invalidArgument('The repository index request must be a JSON object');
  const ready = request.get('ready');
  if (ready !== undefined && typeof ready !== 'boolean') throw invalidArgument("The index request's 'ready' must be true or false");
  return ready === true;
}

/** Loads the model's aspired versions now; fails as the versions failed, 404 for an unknown model. */
export async function loadModel(manager: Manager, model: string): Promise<void> {
  const statuses = await manager.warmup([model]);
  const versions = statuses.get(model);
  if (versions === undefined) throw notFound(`Could not find any versions of model ${model}`);
  const failed = versions.find((v) => v.errorCode !== 'OK' && v.state !== 'AVAILABLE');
  if (failed && !versions.some((v) => v.state === 'AVAILABLE')) throw invalidArgument(`Failed to load model ${model}: ${failed.errorMessage}`);
}

/** Unloads the model's loaded versions now (each after its last request); the next request loads them again. 404 for an unknown model. */
export async function unloadModel(manager: Manager, model: string): Promise<void> {
  if (!(await manager.evict(model))) throw notFound(`Could not find any versions of model ${model}`);
}
