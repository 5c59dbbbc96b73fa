// One Router per model, rebuilt when the model's config is reloaded; per-arm counts survive the
// reload (a weight change is not a new experiment). Also the admin view of it all.
import { silentLogger, type Logger } from '../util/log.ts';
import type { ModelConfig } from '../config/model-config.ts';
import { ArmStats, Router } from './router.ts';

export class RoutingRegistry {
  private readonly routers = new Map<string, Router>();
  private readonly stats = new Map<string, Map<string, ArmStats>>();

  constructor(
    private readonly logger: Logger = silentLogger,
    private readonly now: () => number = () => Date.now(),
  ) {}

  routerFor(config: ModelConfig): Router | undefined {
    if (config.routing === undefined) return undefined;
    let router = this.routers.get(config.name);
    if (router === undefined || router.config !== config.routing) {
      let stats = this.stats.get(config.name);
      if (stats === undefined) this.stats.set(config.name, (stats = new Map()));
      router = new Router(config.name, config.routing, stats, (event, fields) => this.logger.log('warn', event, fields));
      this.routers.set(config.name, router);
    }
    return router;
  }

  /** Per-arm counters in the Prometheus page (the same numbers as the report). */
  renderMetrics(): string {
    const series = (name: string, value: (s: ArmStats) => number) => {
      let out = `# TYPE ${name} counter\n`;
      for (const [model, router] of this.routers) {
        for (const [arm, s] of router.stats) out += `${name}{model_name="${model}",arm="${arm}"} ${value(s)}\n`;
      }
      return out;
    };
    if (this.routers.size === 0) return '';
    return (
      series(':edgeserve:router:requests', (s) => s.requests) +
      series(':edgeserve:router:errors', (s) => s.errors) +
      series(':edgeserve:router:shadow_compared', (s) => s.shadowCompared) +
      series(':edgeserve:router:shadow_agreed', (s) => s.shadowAgreed)
    );
  }

  /** Per model and arm: current weight, requests, errors, mean latency, shadow agreement. */
  report(): Record<string, unknown> {
    const now = this.now();
    const out: Record<string, unknown> = {};
    for (const [model, router] of this.routers) {
      const weights = router.weights(now);
      out[model] = {
        arms: [...router.stats].map(([name, s]) => ({
          name,
          weight: weights.get(name) ?? 0,
          requests: s.requests,
          errors: s.errors,
          mean_latency_us: s.requests ? Math.round(s.latencyUsTotal / s.requests) : 0,
          shadow: { compared: s.shadowCompared, agreed: s.shadowAgreed },
          ...(router.config.fallback && name !== router.config.fallback.arm
            ? { falling_back: s.trippedAt !== undefined }
            : {}),
        })),
      };
    }
    return out;
  }
}
