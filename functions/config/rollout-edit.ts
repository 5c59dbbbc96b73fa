// The edits `edgeserve label | canary | promote` make to a repository's models.config.json, on
// its JSON document (other fields and models are kept as they are). Pure: the CLI reads and
// writes the file (adapters/node/rollout/). Each edit is checked against the versions present and
// the result against the config parser, so a label never points at a version that is not there
// and the server never reads a config it would refuse.
import { parseRepositoryConfig } from './model-config.ts';

export type ConfigDocument = { models?: Record<string, unknown>[] } & Record<string, unknown>;

/** An edit that cannot be made: the message says why, for one line on stderr. */
export class EditRefused extends Error {}

export interface CanaryRequest {
  readonly version: number;
  /** Percent of routed traffic for the canary (0–100); the stable arm gets the rest. */
  readonly weight: number;
  readonly stickyHeader?: string;
  /** Share of stable requests also run on the canary (0 removes the shadow). */
  readonly shadow?: number;
  readonly tolerance?: number;
}

export const OVERRIDE_HEADER = 'x-edgeserve-arm';

/** The model's entry, added when the config has none. */
export function modelEntry(doc: ConfigDocument, model: string): Record<string, unknown> {
  doc.models ??= [];
  let entry = doc.models.find((m) => m.name === model);
  if (!entry) doc.models.push((entry = { name: model }));
  return entry;
}

export function setLabel(doc: ConfigDocument, model: string, name: string, version: number, present: ReadonlySet<number>): void {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new EditRefused(`label ${JSON.stringify(name)}: use letters, digits, _ . -`);
  requirePresent(model, version, present);
  const entry = modelEntry(doc, model);
  labels(entry)[name] = version;
  aspire(entry, [version], present);
}

export function startCanary(doc: ConfigDocument, model: string, request: CanaryRequest, present: ReadonlySet<number>): void {
  const { version, weight } = request;
  if (!(weight >= 0 && weight <= 100)) throw new EditRefused(`--weight ${weight}: a percentage from 0 to 100`);
  requirePresent(model, version, present);
  const entry = modelEntry(doc, model);
  const l = labels(entry);
  const older = [...present].filter((v) => v < version).sort((a, b) => b - a)[0];
  const stable = typeof l.stable === 'number' ? l.stable : older;
  if (stable === undefined) throw new EditRefused(`${model} has no stable version to compare the canary with: label one (edgeserve label REPO ${model} stable=N)`);
  if (stable === version) throw new EditRefused(`version ${version} of ${model} is already the stable one`);
  l.stable = stable;
  l.canary = version;
  aspire(entry, [stable, version], present);
  const routing = (typeof entry.routing === 'object' && entry.routing !== null ? entry.routing : {}) as Record<string, unknown>;
  routing.arms = [
    { name: 'stable', label: 'stable', weight: 100 - weight },
    { name: 'canary', label: 'canary', weight },
  ];
  delete routing.ramp; // explicit weights now: a ramp would move them again
  if (request.stickyHeader !== undefined) routing.sticky = { header: request.stickyHeader };
  routing.override ??= { header: OVERRIDE_HEADER };
  if (request.shadow !== undefined) {
    if (!(request.shadow >= 0 && request.shadow <= 1)) throw new EditRefused(`--shadow ${request.shadow}: a share from 0 to 1`);
    if (request.shadow === 0) delete routing.shadow;
    else routing.shadow = { arm: 'canary', sample: request.shadow, ...(request.tolerance !== undefined ? { tolerance: request.tolerance } : {}) };
  }
  if (routing.fallback === undefined) routing.fallback = { arm: 'stable' };
  entry.routing = routing;
}

/** Whether the model has a canary now (a "canary" label or a routing arm of that name). */
export function hasCanary(doc: ConfigDocument, model: string): boolean {
  const entry = doc.models?.find((m) => m.name === model);
  if (!entry) return false;
  const l = entry.version_labels;
  const routing = entry.routing as { arms?: unknown } | undefined;
  const arms = typeof routing === 'object' && routing !== null && Array.isArray(routing.arms) ? routing.arms : [];
  return (typeof l === 'object' && l !== null && 'canary' in l) || arms.some((a) => (a as { name?: unknown })?.name === 'canary');
}

/** Sends the canary nothing (weight 0, the stable arm 100): rollback when no config from before the canary is kept. */
export function zeroCanary(doc: ConfigDocument, model: string): void {
  const arms = (doc.models?.find((m) => m.name === model)?.routing as { arms?: unknown } | undefined)?.arms;
  const list = Array.isArray(arms) ? (arms as Record<string, unknown>[]) : [];
  if (!list.some((a) => a?.name === 'canary')) throw new EditRefused(`${model} routes no traffic to a canary arm: nothing to set to 0`);
  for (const arm of list) if (arm?.name === 'canary') arm.weight = 0;
  for (const arm of list) if (arm?.name === 'stable') arm.weight = 100;
}

/** canary → stable: the stable label moves to the canary's version, the canary label and the routing go. */
export function promoteCanary(doc: ConfigDocument, model: string, present: ReadonlySet<number>): number {
  const entry = doc.models?.find((m) => m.name === model);
  const l = entry && (entry.version_labels as Record<string, unknown> | undefined);
  const version = l?.canary;
  if (typeof version !== 'number') throw new EditRefused(`${model} has no canary to promote (no "canary" label)`);
  requirePresent(model, version, present);
  l!.stable = version;
  delete l!.canary;
  delete entry!.routing;
  const policy = entry!.model_version_policy as Record<string, unknown> | undefined;
  if (policy === undefined || !('all' in policy)) entry!.model_version_policy = { specific: { versions: [version] } };
  return version;
}

/** The document as the server would read it (throws the parser's message, naming the field). */
export function checkDocument(doc: ConfigDocument, source: string): void {
  try {
    parseRepositoryConfig(JSON.stringify(doc), source);
  } catch (e) {
    throw new EditRefused(`the edited config would not be served: ${(e as Error).message}`);
  }
}

function requirePresent(model: string, version: number, present: ReadonlySet<number>): void {
  if (!Number.isSafeInteger(version) || version < 1) throw new EditRefused(`version ${version}: a positive integer`);
  if (!present.has(version)) {
    const have = [...present].sort((a, b) => a - b).join(', ') || 'none';
    throw new EditRefused(`version ${version} of ${model} is not in the repository (versions present: ${have})`);
  }
}

function labels(entry: Record<string, unknown>): Record<string, unknown> {
  if (typeof entry.version_labels !== 'object' || entry.version_labels === null) entry.version_labels = {};
  return entry.version_labels as Record<string, unknown>;
}

/**
 * The versions a label or arm names must be aspired, or the label never moves to them: the
 * policy becomes `specific`, keeping what it served (a `latest` policy's newest versions too).
 */
function aspire(entry: Record<string, unknown>, versions: readonly number[], present: ReadonlySet<number>): void {
  const policy = entry.model_version_policy as Record<string, { versions?: number[]; num_versions?: number }> | undefined;
  if (policy && 'all' in policy) return;
  const newest = [...present].sort((a, b) => b - a);
  const kept = policy?.specific?.versions ?? newest.slice(0, policy?.latest?.num_versions ?? 1);
  entry.model_version_policy = { specific: { versions: [...new Set([...kept, ...versions])].sort((a, b) => a - b) } };
}
