// The model repository's config: which models, where, which versions (TF Serving's
// model_version_policy) and which labels. JSON with TF Serving's field names, so that the
// model_config_list text format maps onto it one to one.

export type VersionPolicy =
  | { readonly kind: 'latest'; readonly numVersions: number }
  | { readonly kind: 'all' }
  | { readonly kind: 'specific'; readonly versions: readonly number[] };

export interface ModelConfig {
  readonly name: string;
  /** Folder of the model's versions, relative to the repository root. */
  readonly basePath: string;
  readonly versionPolicy: VersionPolicy;
  readonly versionLabels: ReadonlyMap<string, number>;
}

export interface RepositoryConfig {
  readonly models: readonly ModelConfig[];
}

export const CONFIG_FILE = 'models.config.json';
export const DEFAULT_POLICY: VersionPolicy = { kind: 'latest', numVersions: 1 };

export class ConfigError extends Error {
  constructor(path: string, problem: string) {
    super(`${CONFIG_FILE}: ${path}: ${problem}`);
    this.name = 'ConfigError';
  }
}

export function defaultModelConfig(name: string): ModelConfig {
  return { name, basePath: name, versionPolicy: DEFAULT_POLICY, versionLabels: new Map() };
}

/** Parses and validates the JSON config; every error names the offending field. */
export function parseRepositoryConfig(text: string): RepositoryConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ConfigError('(document)', `not valid JSON: ${(e as Error).message}`);
  }
  const root = asObject(doc, '(document)');
  const models = root.models ?? [];
  if (!Array.isArray(models)) throw new ConfigError('models', 'must be an array');
  const seen = new Set<string>();
  const parsed = models.map((m, i) => {
    const config = parseModel(m, `models[${i}]`);
    if (seen.has(config.name)) throw new ConfigError(`models[${i}].name`, `duplicate model name "${config.name}"`);
    seen.add(config.name);
    return config;
  });
  return { models: parsed };
}

function parseModel(value: unknown, path: string): ModelConfig {
  const m = asObject(value, path);
  const name = m.name;
  if (typeof name !== 'string' || name === '') throw new ConfigError(`${path}.name`, 'must be a non-empty string');
  const basePath = m.base_path ?? name;
  if (typeof basePath !== 'string' || basePath === '') throw new ConfigError(`${path}.base_path`, 'must be a non-empty string');
  const versionPolicy =
    m.model_version_policy === undefined ? DEFAULT_POLICY : parsePolicy(m.model_version_policy, `${path}.model_version_policy`);
  const labels = new Map<string, number>();
  if (m.version_labels !== undefined) {
    const raw = asObject(m.version_labels, `${path}.version_labels`);
    for (const [label, version] of Object.entries(raw)) {
      labels.set(label, asVersion(version, `${path}.version_labels.${label}`));
    }
  }
  return { name, basePath: basePath.replace(/^\/+|\/+$/g, ''), versionPolicy, versionLabels: labels };
}

function parsePolicy(value: unknown, path: string): VersionPolicy {
  const p = asObject(value, path);
  const keys = Object.keys(p);
  if (keys.length !== 1) throw new ConfigError(path, 'must have exactly one of "latest", "all", "specific"');
  if (p.all !== undefined) {
    asObject(p.all, `${path}.all`);
    return { kind: 'all' };
  }
  if (p.latest !== undefined) {
    const latest = asObject(p.latest, `${path}.latest`);
    const n = latest.num_versions ?? 1;
    if (!Number.isInteger(n) || (n as number) < 0) {
      throw new ConfigError(`${path}.latest.num_versions`, 'must be a non-negative integer');
    }
    // TF Serving treats num_versions 0 as 1.
    return { kind: 'latest', numVersions: Math.max(1, n as number) };
  }
  if (p.specific !== undefined) {
    const specific = asObject(p.specific, `${path}.specific`);
    if (!Array.isArray(specific.versions)) throw new ConfigError(`${path}.specific.versions`, 'must be an array of versions');
    return { kind: 'specific', versions: specific.versions.map((v, i) => asVersion(v, `${path}.specific.versions[${i}]`)) };
  }
  throw new ConfigError(path, `unknown policy "${keys[0]}"; expected "latest", "all" or "specific"`);
}

function asObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(path, 'must be an object');
  return value as Record<string, unknown>;
}

function asVersion(value: unknown, path: string): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new ConfigError(path, 'must be a non-negative integer version');
  }
  return n;
}

/** The versions a policy aspires to, highest first, from those present in storage. */
export function aspiredVersions(policy: VersionPolicy, present: readonly number[]): number[] {
  const sorted = [...present].sort((a, b) => b - a);
  switch (policy.kind) {
    case 'latest': return sorted.slice(0, policy.numVersions);
    case 'all': return sorted;
    case 'specific': return sorted.filter((v) => policy.versions.includes(v));
  }
}
