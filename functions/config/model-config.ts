// The model repository's config: which models, where, which versions (TF Serving's
// model_version_policy) and which labels. JSON with TF Serving's field names, or TF Serving's
// own model_config_list text format, validated by one function.
import { parseBatchingParameters, type BatchingParameters } from './batching-parameters.ts';
import { asObject, onlyFields, type Fail } from './fields.ts';
import type { RemoteBackend } from './remote-backend.ts';
import { parseRoutingConfig, type RoutingConfig } from './routing-config.ts';
import { parseTextFormat, TextFormatError, textConfigToJson } from './config-text.ts';

export type VersionPolicy =
  | { readonly kind: 'latest'; readonly numVersions: number }
  | { readonly kind: 'all' }
  | { readonly kind: 'specific'; readonly versions: readonly number[] };

export interface ModelConfig {
  readonly name: string;
  /** Folder of the model's versions, relative to the repository root ('' when `location` is set). */
  readonly basePath: string;
  /**
   * An absolute base_path (`/models/x`, `s3://bucket/models/x`, `https://…`): the model's own
   * folder, read from there rather than from the repository.
   */
  readonly location?: string;
  readonly versionPolicy: VersionPolicy;
  readonly versionLabels: ReadonlyMap<string, number>;
  /** Canary/A-B routing for requests that pin no version or label (JSON config only). */
  readonly routing?: RoutingConfig;
  /** Dynamic batching for this model (TF Serving's BatchingParameters, JSON config only). */
  readonly batching?: BatchingParameters;
  /** Offload: requests for this model are forwarded to this edgeserve/TF Serving (JSON config only). */
  readonly remote?: RemoteBackend;
}

export interface RepositoryConfig {
  readonly models: readonly ModelConfig[];
}

/** Config files looked for at the repository root, in this order. */
export const CONFIG_FILES = ['models.config.json', 'models.config'] as const;
export const DEFAULT_POLICY: VersionPolicy = { kind: 'latest', numVersions: 1 };

export class ConfigError extends Error {
  constructor(source: string, path: string, problem: string) {
    super(`${source}: ${path}: ${problem}`);
    this.name = 'ConfigError';
  }
}

/** Fields of one model's entry; logging_config and model_type are TF Serving's, accepted and unused. */
const MODEL_FIELDS = ['name', 'base_path', 'model_platform', 'model_version_policy', 'version_labels', 'routing', 'batching_parameters', 'remote', 'logging_config', 'model_type'];

export function defaultModelConfig(name: string): ModelConfig {
  return { name, basePath: name, versionPolicy: DEFAULT_POLICY, versionLabels: new Map() };
}

/**
 * Parses a config in either format: JSON (models.config.json, TF Serving's field names) or TF
 * Serving's text format (model_config_list). `source` names the file or variable in errors.
 */
export function parseRepositoryConfig(text: string, source: string): RepositoryConfig {
  const trimmed = text.trimStart();
  if (trimmed === '') return { models: [] }; // an empty text config is valid in TF Serving
  if (trimmed.startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new ConfigError(source, '(document)', `not valid JSON: ${(e as Error).message}`);
    }
    return validate(doc, source, (i) => `models[${i}]`);
  }
  try {
    const { doc, pathOf } = textConfigToJson(parseTextFormat(text));
    return validate(doc, source, pathOf);
  } catch (e) {
    if (e instanceof TextFormatError) throw new ConfigError(source, '(text format)', e.message);
    throw e;
  }
}

function validate(doc: unknown, source: string, pathOf: (i: number) => string): RepositoryConfig {
  const fail = (path: string, problem: string): never => {
    throw new ConfigError(source, path, problem);
  };
  const root = asObject(doc, '(document)', fail);
  onlyFields(root, ['models'], '', fail);
  const models = root.models ?? [];
  if (!Array.isArray(models)) fail('models', 'must be an array');
  const seen = new Set<string>();
  const parsed = (models as unknown[]).map((m, i) => {
    const config = parseModel(m, pathOf(i), fail);
    if (seen.has(config.name)) fail(`${pathOf(i)}.name`, `duplicate model name "${config.name}"`);
    seen.add(config.name);
    return config;
  });
  return { models: parsed };
}

function parseModel(value: unknown, path: string, fail: Fail): ModelConfig {
  const m = asObject(value, path, fail);
  onlyFields(m, MODEL_FIELDS, path, fail);
  const name = m.name;
  if (typeof name !== 'string' || name === '') return fail(`${path}.name`, 'must be a non-empty string');
  const basePath = m.base_path ?? name;
  if (typeof basePath !== 'string' || basePath === '') return fail(`${path}.base_path`, 'must be a non-empty string');
  // TF Serving refuses a platform it has no loader for; edgeserve's one platform is ONNX.
  if (m.model_platform !== undefined && m.model_platform !== '' && m.model_platform !== 'onnx') {
    fail(`${path}.model_platform`, `platform "${String(m.model_platform)}" is not supported: edgeserve serves ONNX models ("onnx", or leave it empty)`);
  }
  const versionPolicy =
    m.model_version_policy === undefined ? DEFAULT_POLICY : parsePolicy(m.model_version_policy, `${path}.model_version_policy`, fail);
  const labels = new Map<string, number>();
  if (m.version_labels !== undefined) {
    const raw = asObject(m.version_labels, `${path}.version_labels`, fail);
    for (const [label, version] of Object.entries(raw)) {
      labels.set(label, asVersion(version, `${path}.version_labels.${label}`, fail));
    }
  }
  const routing = m.routing === undefined ? undefined : parseRoutingConfig(m.routing, `${path}.routing`, fail);
  for (const arm of routing?.arms ?? []) {
    if (arm.label !== undefined && !labels.has(arm.label)) fail(`${path}.routing`, `arm "${arm.name}" uses label "${arm.label}", which version_labels does not define`);
  }
  const batching = m.batching_parameters === undefined ? undefined : parseBatchingParameters(m.batching_parameters, `${path}.batching_parameters`, fail);
  let remote: RemoteBackend | undefined;
  if (m.remote !== undefined) {
    const r = asObject(m.remote, `${path}.remote`, fail);
    onlyFields(r, ['url', 'timeout_ms'], `${path}.remote`, fail);
    if (typeof r.url !== 'string' || !/^https?:\/\//.test(r.url)) fail(`${path}.remote.url`, 'must be an http(s) URL');
    const timeout = r.timeout_ms ?? 30_000;
    if (!Number.isSafeInteger(timeout) || (timeout as number) < 1) fail(`${path}.remote.timeout_ms`, 'must be a positive integer');
    remote = { url: r.url as string, timeoutMs: timeout as number };
  }
  return {
    name, ...modelPlace(basePath), versionPolicy, versionLabels: labels,
    ...(routing ? { routing } : {}), ...(batching ? { batching } : {}), ...(remote ? { remote } : {}),
  };
}

/**
 * Where a model's versions are: a relative base_path is a folder of the repository; an absolute one
 * (a path, or a URL such as `s3://bucket/models/x`, as TF Serving configs carry) is the model's own
 * folder, wherever it is.
 */
function modelPlace(basePath: string): { basePath: string; location?: string } {
  const trimmed = basePath.replace(/\/+$/, '');
  if (trimmed.startsWith('/') || /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) return { basePath: '', location: trimmed };
  return { basePath: trimmed.replace(/^\.\//, '') };
}

/** Where a version's files are, for logs and TF Serving's model_path metric labels. */
export function versionPath(model: ModelConfig, folder: string): string {
  return model.location !== undefined ? `${model.location}/${folder}` : `${model.basePath}/${folder}`;
}

function parsePolicy(value: unknown, path: string, fail: Fail): VersionPolicy {
  const p = asObject(value, path, fail);
  const keys = Object.keys(p);
  if (keys.length !== 1) fail(path, 'must have exactly one of "latest", "all", "specific"');
  if (p.all !== undefined) {
    onlyFields(asObject(p.all, `${path}.all`, fail), [], `${path}.all`, fail);
    return { kind: 'all' };
  }
  if (p.latest !== undefined) {
    const latest = asObject(p.latest, `${path}.latest`, fail);
    onlyFields(latest, ['num_versions'], `${path}.latest`, fail);
    const n = latest.num_versions ?? 1;
    if (!Number.isInteger(n) || (n as number) < 0) fail(`${path}.latest.num_versions`, 'must be a non-negative integer');
    // TF Serving treats num_versions 0 as 1.
    return { kind: 'latest', numVersions: Math.max(1, n as number) };
  }
  if (p.specific !== undefined) {
    const specific = asObject(p.specific, `${path}.specific`, fail);
    onlyFields(specific, ['versions'], `${path}.specific`, fail);
    if (!Array.isArray(specific.versions)) fail(`${path}.specific.versions`, 'must be an array of versions');
    return {
      kind: 'specific',
      versions: (specific.versions as unknown[]).map((v, i) => asVersion(v, `${path}.specific.versions[${i}]`, fail)),
    };
  }
  return fail(path, `unknown policy "${keys[0]}"; expected "latest", "all" or "specific"`);
}

function asVersion(value: unknown, path: string, fail: Fail): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) fail(path, 'must be a non-negative integer version');
  return n as number;
}
