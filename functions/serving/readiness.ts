// The readiness probe (the container's health check, Kubernetes' readinessProbe): ready once the
// repository has been listed and every model that has versions serves one of them. Without a
// config given up front, the first warm-up having run is enough: one broken model in a folder
// repository does not hold back the others (its status says what is wrong). A model an operator
// unloaded counts as serving: it loads on its next request, which a not-ready probe would keep away.
import type { ModelState } from './model-state.ts';
import type { VersionState } from './policy.ts';

export interface Readiness {
  readonly ready: boolean;
  /** Every model's versions and states, highest first, e.g. `{"mnist": ["2:AVAILABLE", "1:END"]}`. */
  readonly models: Record<string, string[]>;
}

export function readiness(models: Iterable<ModelState>, at: { listed: boolean; configGiven: boolean; warmedUp: boolean }): Readiness {
  const out: Record<string, string[]> = {};
  let allServing = at.listed;
  for (const state of models) {
    const versions = state.sorted();
    out[state.config.name] = versions.map((h) => `${h.version}:${h.state satisfies VersionState}`);
    const hasVersions = versions.some((h) => h.aspired);
    if (hasVersions && !state.evicted && !versions.some((h) => h.state === 'AVAILABLE')) allServing = false;
  }
  return { ready: allServing || (at.listed && !at.configGiven && at.warmedUp), models: out };
}
