// The operator API's one document: every model with its versions (state, bytes held, error), its
// labels (as configured and as they resolve now), its routing with each arm's weight, live share
// and figures over the recent window (requests, error rate, p50/p99, shadow agreement), and the
// recent load failures. What `edgeserve status` prints and the dashboard shows. The figures are
// this instance's: each Workers isolate, Lambda environment and container counts its own.
import type { Arm } from '../../config/routing-config.ts';
import type { LoadEvents, LoadFailure } from '../../metrics/load-events.ts';
import { WINDOW_MS } from '../../routing/arm-window.ts';
import type { Router } from '../../routing/router.ts';
import type { RoutingRegistry } from '../../routing/routing-registry.ts';
import type { OutputErrorStats } from '../../routing/shadow.ts';
import type { Manager, VersionStatus } from '../../serving/manager.ts';
import type { ServingScope } from '../../serving/serving-scope.ts';

export interface VersionView {
  readonly version: number;
  readonly state: string;
  /** Bytes the loaded version holds (as the memory budget counts them); null until loaded once. */
  readonly bytes: number | null;
  readonly labels: readonly string[];
  readonly error: string;
}

export interface ArmView {
  readonly name: string;
  /** What it serves: `v2`, `label canary → v2`, `remote https://…`. */
  readonly target: string;
  readonly version: number | null;
  readonly weight: number;
  /** This arm's share of the model's routed requests in the window (0–1). */
  readonly share: number;
  readonly requests: number;
  readonly errors: number;
  readonly error_rate: number;
  readonly p50_ms: number | null;
  readonly p99_ms: number | null;
  readonly shadow: {
    readonly compared: number;
    readonly agreed: number;
    readonly agreement: number | null;
    /** Since the arm was created: per output, how far its answers were from the served ones (max and mean |Δ|). */
    readonly outputs: Record<string, OutputErrorStats>;
  };
  readonly total: { readonly requests: number; readonly errors: number };
  readonly falling_back?: boolean;
}

export interface ModelView {
  readonly name: string;
  readonly versions: readonly VersionView[];
  /** Label → version as configured; `resolves` is what it serves now (labels move only to AVAILABLE versions). */
  readonly labels: readonly { readonly name: string; readonly version: number; readonly resolves: number | null }[];
  readonly routing: {
    readonly arms: readonly ArmView[];
    readonly sticky: string | null;
    readonly override: string | null;
    readonly shadow: { readonly arm: string; readonly sample: number; readonly tolerance: number } | null;
    readonly fallback: string | null;
  } | null;
}

export interface RepositoryView {
  readonly time: string;
  readonly window_seconds: number;
  readonly models: readonly ModelView[];
  readonly load_errors: readonly LoadFailure[];
}

export interface ViewSources {
  readonly manager: Manager;
  readonly routing: RoutingRegistry;
  readonly loadEvents: LoadEvents;
}

export async function repositoryView(sources: ViewSources, scope: ServingScope & { mayUse(model: string): boolean }): Promise<RepositoryView> {
  const { manager, routing, loadEvents } = sources;
  // Waits for the first listing and starts a refresh when one is due (an unknown name fails), so
  // a config change (routing removed, a label moved) shows here as the server applies it.
  await manager.status('', undefined, scope).catch(() => {});
  const configs = manager.modelConfigs().filter((c) => scope.mayUse(c.name));
  const routers = new Map(routing.current(manager.modelConfigs()).map((r) => [r.model, r]));
  const models: ModelView[] = [];
  for (const config of [...configs].sort((a, b) => a.name.localeCompare(b.name))) {
    const statuses = await manager.status(config.name, undefined, scope).catch(() => [] as VersionStatus[]);
    const labels = await Promise.all(
      [...config.versionLabels].map(async ([name, version]) => ({
        name, version, resolves: (await manager.expectedVersion(config.name, { kind: 'label', label: name }, scope).catch(() => undefined)) ?? null,
      })),
    );
    const versions = statuses.map((s) => ({
      version: s.version,
      state: s.state,
      bytes: loadEvents.bytes(config.name, s.version) ?? null,
      labels: labels.filter((l) => l.version === s.version).map((l) => l.name),
      error: s.errorCode === 'OK' ? '' : s.errorMessage,
    }));
    const router = routers.get(config.name);
    models.push({ name: config.name, versions, labels, routing: router ? await routingOf(router, manager, scope) : null });
  }
  const names = new Set(configs.map((c) => c.name));
  return {
    time: new Date().toISOString(),
    window_seconds: WINDOW_MS / 1000,
    models,
    load_errors: loadEvents.recentFailures().filter((f) => names.has(f.model)),
  };
}

async function routingOf(router: Router, manager: Manager, scope: ServingScope): Promise<NonNullable<ModelView['routing']>> {
  const { config } = router;
  const weights = router.weights(Date.now());
  const figures = config.arms.map((arm) => router.stats.get(arm.name)?.recent.figures());
  const windowTotal = figures.reduce((sum, f) => sum + (f?.requests ?? 0), 0);
  const arms = await Promise.all(
    config.arms.map(async (arm, i): Promise<ArmView> => {
      const stats = router.stats.get(arm.name);
      const f = figures[i];
      const version = await armVersion(arm, router.model, manager, scope);
      return {
        name: arm.name,
        target: armTarget(arm, version),
        version,
        weight: weights.get(arm.name) ?? 0,
        share: windowTotal ? (f?.requests ?? 0) / windowTotal : 0,
        requests: f?.requests ?? 0,
        errors: f?.errors ?? 0,
        error_rate: f?.errorRate ?? 0,
        p50_ms: f?.p50Ms ?? null,
        p99_ms: f?.p99Ms ?? null,
        shadow: {
          compared: f?.shadowCompared ?? 0,
          agreed: f?.shadowAgreed ?? 0,
          agreement: f?.shadowCompared ? f.shadowAgreed / f.shadowCompared : null,
          outputs: stats?.shadowErrors.snapshot() ?? {},
        },
        total: { requests: stats?.requests ?? 0, errors: stats?.errors ?? 0 },
        ...(config.fallback && arm.name !== config.fallback.arm ? { falling_back: stats?.trippedAt !== undefined } : {}),
      };
    }),
  );
  const sticky = config.sticky === undefined ? null : Object.entries(config.sticky).map(([kind, name]) => `${kind} ${name}`)[0]!;
  return {
    arms,
    sticky,
    override: config.overrideHeader ?? null,
    shadow: config.shadow ?? null,
    fallback: config.fallback?.arm ?? null,
  };
}

async function armVersion(arm: Arm, model: string, manager: Manager, scope: ServingScope): Promise<number | null> {
  if (arm.version !== undefined) return arm.version;
  if (arm.label === undefined) return null;
  return (await manager.expectedVersion(model, { kind: 'label', label: arm.label }, scope).catch(() => undefined)) ?? null;
}

function armTarget(arm: Arm, version: number | null): string {
  if (arm.remote) return `remote ${arm.remote.url}`;
  if (arm.label !== undefined) return `label ${arm.label} → ${version === null ? '(none)' : `v${version}`}`;
  return `v${arm.version}`;
}
