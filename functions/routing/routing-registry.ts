// One Router per model, rebuilt when the model's config is reloaded; per-arm counts survive a
// reload (a weight change is not a new experiment), but the counts of an arm that left the config
// or now serves something else (another version, label target or remote),
// and the router of a model whose routing was removed, are dropped: nothing a caller can name
// grows this registry beyond the configured arms. Also the admin view of it all.
import type { ModelConfig } from '../config/model-config.ts';
import type { Arm } from '../config/routing-config.ts';
import { escapeLabelValue } from '../metrics/registry.ts';
import { silentLogger, type Logger } from '../util/log.ts';
import { ArmStats, Router } from './router.ts';

export class RoutingRegistry {
  private readonly routers = new Map<string, Router>();
  /** Per model, what each arm served when its router was built (whatArmServes). */
  private readonly served = new Map<string, Map<string, string>>();

  constructor(
    private readonly logger: Logger = silentLogger,
    private readonly now: () => number = () => Date.now(),
  ) {}

  routerFor(config: ModelConfig): Router | undefined {
    if (config.routing === undefined) {
      this.routers.delete(config.name);
      this.served.delete(config.name);
      return undefined;
    }
    let router = this.routers.get(config.name);
    const served = new Map(config.routing.arms.map((a) => [a.name, whatArmServes(a, config)]));
    const before = this.served.get(config.name);
    const same = before !== undefined && before.size === served.size && [...served].every(([arm, what]) => before.get(arm) === what);
    if (router === undefined || router.config !== config.routing || !same) {
      // An arm that now serves something else (another version, label target or remote) is a new
      // experiment under the old name: its figures start afresh.
      const stats = new Map([...(router?.stats ?? [])].filter(([arm]) => served.has(arm) && before?.get(arm) === served.get(arm)));
      router = new Router(config.name, config.routing, stats, (event, fields) => this.logger.log('warn', event, fields));
      this.routers.set(config.name, router);
      this.served.set(config.name, served);
    }
    return router;
  }

  /** Per-arm counters in the Prometheus page (the same numbers as the report). */
  renderMetrics(configs: Iterable<ModelConfig>): string {
    const routers = this.current(configs);
    if (routers.length === 0) return '';
    const series = (name: string, value: (s: ArmStats) => number) => {
      let out = `# TYPE ${name} counter\n`;
      for (const router of routers) {
        for (const [arm, s] of router.stats) out += `${name}{model_name="${escapeLabelValue(router.model)}",arm="${escapeLabelValue(arm)}"} ${value(s)}\n`;
      }
      return out;
    };
    return (
      series(':edgeserve:router:requests', (s) => s.requests) +
      series(':edgeserve:router:errors', (s) => s.errors) +
      series(':edgeserve:router:shadow_compared', (s) => s.shadowCompared) +
      series(':edgeserve:router:shadow_agreed', (s) => s.shadowAgreed)
    );
  }

  /** Per model and arm: current weight, requests, errors, mean latency, shadow agreement. */
  report(configs: Iterable<ModelConfig>): Record<string, unknown> {
    const now = this.now();
    const out: Record<string, unknown> = {};
    for (const router of this.current(configs)) {
      const weights = router.weights(now);
      out[router.model] = {
        arms: [...router.stats].map(([name, s]) => ({
          name,
          weight: weights.get(name) ?? 0,
          requests: s.requests,
          errors: s.errors,
          mean_latency_us: s.requests ? Math.round(s.latencyUsTotal / s.requests) : 0,
          shadow: { compared: s.shadowCompared, agreed: s.shadowAgreed, outputs: s.shadowErrors.snapshot() },
          ...(router.config.fallback && name !== router.config.fallback.arm ? { falling_back: s.trippedAt !== undefined } : {}),
        })),
      };
    }
    return out;
  }

  /** The routers of the models that route now, brought in line with their current configs (the operator API's view). */
  current(configs: Iterable<ModelConfig>): Router[] {
    const routed: Router[] = [];
    const names = new Set<string>();
    for (const config of configs) {
      names.add(config.name);
      const router = this.routerFor(config);
      if (router) routed.push(router);
    }
    for (const name of this.routers.keys()) if (!names.has(name)) this.routers.delete(name);
    for (const name of this.served.keys()) if (!names.has(name)) this.served.delete(name);
    return routed;
  }
}

/** What an arm serves, as a key: its version, its label and the version the label names now, or its remote; not its weight. */
function whatArmServes(arm: Arm, config: ModelConfig): string {
  return JSON.stringify([arm.version ?? null, arm.label ?? null, arm.label === undefined ? null : config.versionLabels.get(arm.label) ?? null, arm.remote?.url ?? null]);
}
