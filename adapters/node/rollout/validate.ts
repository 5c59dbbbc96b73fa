// `edgeserve validate REPO`: the repository as the server would serve it — the same listing,
// config, loader (manifests verified, warmup replayed) and backend — every aspired version loaded
// once, then a table: model, version, file size, inputs → outputs, load and warmup times, verdict.
import { createEdgeserve } from '../../../functions/app.ts';
import { DEFAULT_SIGNATURE } from '../../../functions/serving/servable.ts';
import type { TensorSpec } from '../../../functions/tensor/tensor-spec.ts';
import type { Logger } from '../../../functions/util/log.ts';
import { BACKEND_NAMES, createNodeBackend, type BackendName } from '../../shared/ort-backends.ts';
import { storeFromUrl, type StoreOptions } from '../../shared/store-from-url.ts';
import { CommandFailed, UsageError } from './arguments.ts';
import type { Output } from './edit-commands.ts';
import { formatBytes, table } from './table.ts';

export interface ValidatedVersion {
  readonly model: string;
  readonly version: number;
  readonly bytes: number | null;
  readonly inputs: string;
  readonly outputs: string;
  readonly load_ms: number | null;
  readonly warmup_ms: number | null;
  readonly ok: boolean;
  readonly error: string;
}

export async function validate(location: string, flags: ReadonlyMap<string, string>, storeOptions: StoreOptions, out: Output) {
  const backendName = (flags.get('backend') ?? 'ort-node') as BackendName;
  if (!BACKEND_NAMES.includes(backendName)) throw new UsageError(`--backend ${backendName}: one of ${BACKEND_NAMES.join(', ')}`);
  const store = storeFromUrl(location, storeOptions);
  const loads = new Map<string, { loadMs: number; warmupMs: number; error?: string }>();
  const problems: string[] = [];
  const logger: Logger = {
    log(level, event, f = {}) {
      const key = `${f.model}/${f.version}`;
      if (event === 'version_loaded') loads.set(key, { loadMs: Number(f.fetch_ms) + Number(f.session_ms), warmupMs: Number(f.warmup_ms) });
      else if (event === 'version_load_failed') loads.set(key, { loadMs: 0, warmupMs: 0, error: `${f.code}: ${f.error}` });
      else if (level !== 'info') problems.push(`${event}${f.error ? `: ${f.error}` : f.model ? ` (${f.model})` : ''}`);
    },
  };
  const es = createEdgeserve({
    store, backend: await createNodeBackend(backendName), logger, warmup: true,
    // One attempt per version, no budget: every version is loaded once, to be judged.
    maxLoadRetries: 0, memoryBudgetBytes: Number.MAX_SAFE_INTEGER, refreshIntervalMs: 0,
  });
  const model = flags.get('model');
  const statuses = await es.warmup(model === undefined ? undefined : [model]);
  // A well-formed command about a repository that lacks the model: a failure (1), not a usage error (2).
  if (model !== undefined && !statuses.has(model)) throw new CommandFailed(`${location} has no model ${model}`);
  const sizes = new Map((await store.list('')).map((o) => [o.key, o.size]));
  const rows: ValidatedVersion[] = [];
  for (const [name, versions] of [...statuses].sort(([a], [b]) => a.localeCompare(b))) {
    const config = es.manager.modelConfigs().find((c) => c.name === name);
    for (const v of [...versions].reverse()) {
      const load = loads.get(`${name}/${v.version}`);
      let inputs = '';
      let outputs = '';
      if (v.state === 'AVAILABLE') {
        const handle = await es.manager.acquire(name, { kind: 'version', version: v.version });
        const signature = handle.servable.signatures.get(DEFAULT_SIGNATURE)!;
        handle.release();
        inputs = signature.inputs.map(spec).join(', ');
        outputs = signature.outputs.map(spec).join(', ');
      }
      rows.push({
        model: name, version: v.version, bytes: sizes.get(`${config?.basePath ?? name}/${v.version}/model.onnx`) ?? null, inputs, outputs,
        load_ms: load && !load.error ? round(load.loadMs) : null, warmup_ms: load && !load.error ? round(load.warmupMs) : null,
        ok: v.state === 'AVAILABLE', error: v.state === 'AVAILABLE' ? '' : load?.error ?? (v.errorMessage || `${v.state}`),
      });
    }
  }
  await es.manager.close();
  const ok = rows.length > 0 && rows.every((r) => r.ok) && problems.length === 0;
  out.say(table(
    ['MODEL', 'VERSION', 'SIZE', 'INPUTS', 'OUTPUTS', 'LOAD', 'WARMUP', 'VERDICT'],
    rows.map((r) => [r.model, String(r.version), formatBytes(r.bytes), r.inputs, r.outputs,
      r.load_ms === null ? '—' : `${r.load_ms} ms`, r.warmup_ms === null ? '—' : `${r.warmup_ms} ms`, r.ok ? 'ok' : `FAIL ${r.error}`]),
  ));
  for (const p of problems) out.say(`problem: ${p}`);
  if (rows.length === 0) out.say(`no aspired versions in ${location}`);
  return { ok, versions: rows, problems };
}

function spec(t: TensorSpec): string {
  return `${t.name}:${t.dtype ?? t.runtimeType}[${t.dims === undefined ? '?' : t.dims.map((d) => (typeof d === 'string' ? d : String(d))).join(',')}]`;
}

const round = (ms: number) => Math.round(ms * 10) / 10;
