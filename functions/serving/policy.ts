// TF Serving's AspiredVersionPolicy, as pure functions of arrays so that each rule can be tested
// without a repository or a runtime: the version policy picks the aspired versions from those
// present, and the availability-preserving policy (AvailabilityPreservingPolicy::GetNextAction)
// decides what to load and unload from a snapshot of every version's state.
import type { VersionPolicy } from '../config/model-config.ts';

export type VersionState = 'START' | 'LOADING' | 'AVAILABLE' | 'UNLOADING' | 'END';

/** The versions a policy aspires to, highest first, from those present in storage. */
export function aspiredVersions(policy: VersionPolicy, present: readonly number[]): number[] {
  const sorted = [...present].sort((a, b) => b - a);
  switch (policy.kind) {
    case 'latest': return sorted.slice(0, policy.numVersions);
    case 'all': return sorted;
    case 'specific': return sorted.filter((v) => policy.versions.includes(v));
  }
}

/** One version as the policy sees it. */
export interface VersionSnapshot {
  readonly version: number;
  readonly state: VersionState;
  readonly aspired: boolean;
  /** Aspired, cold, and not waiting out a retry backoff (the harness decides). */
  readonly loadable: boolean;
}

export interface PolicyActions {
  /** Versions to load, highest first. */
  readonly load: readonly number[];
  /** Versions to unload, lowest first. */
  readonly unload: readonly number[];
}

/**
 * Availability-preserving: every loadable version loads; a version no longer aspired unloads,
 * lowest first, unless it is the only one loaded while an aspired one is not yet ready; with
 * nothing aspired at all, every loaded version unloads (the model is gone).
 */
export function nextActions(versions: readonly VersionSnapshot[]): PolicyActions {
  const load = versions.filter((v) => v.loadable).map((v) => v.version).sort((a, b) => b - a);
  const anyAspired = versions.some((v) => v.aspired);
  const available = new Set(versions.filter((v) => v.state === 'AVAILABLE').map((v) => v.version));
  const stale = versions.filter((v) => !v.aspired && v.state === 'AVAILABLE').map((v) => v.version).sort((a, b) => a - b);
  const unload: number[] = [];
  for (const version of stale) {
    const othersLoaded = available.size > 1;
    if (!anyAspired || othersLoaded) {
      unload.push(version);
      available.delete(version);
    }
  }
  return { load, unload };
}
