// Picks the arm for a request that pins no version or label: weighted (with scheduled ramps),
// sticky by a consistent hash of a key, overridable by testers where the config allows, and
// falling back to a stable arm when an arm errors above its limit. Keeps per-arm counts.
import type { JsonValue } from '../util/json/value.ts';
import { JsonInt } from '../util/json/value.ts';
import { invalidArgument } from '../util/status.ts';
import type { VersionSelector } from '../serving/servable-request.ts';
import type { Arm, RoutingConfig } from '../config/routing-config.ts';
import { ArmWindow } from './arm-window.ts';
import { ShadowErrorStats } from './shadow.ts';

export interface RouteInput {
  header(name: string): string | null;
  /** A top-level field of the request body, for `sticky: {field}`. */
  field(name: string): JsonValue | undefined;
}

export interface RouteDecision {
  readonly arm: Arm;
  readonly selector: VersionSelector;
  readonly reason: 'weight' | 'sticky' | 'override' | 'fallback';
}

/** Outcomes kept per arm for the fallback's error rate. */
const WINDOW = 100;

export class ArmStats {
  requests = 0;
  errors = 0;
  latencyUsTotal = 0;
  /** The last minutes of this arm's traffic, for the operator API (routing/arm-window.ts). */
  readonly recent: ArmWindow;
  /** How far this arm's answers were from the served ones, per output, when it ran as the shadow. */
  readonly shadowErrors = new ShadowErrorStats();
  private compared = 0;
  private agreed = 0;
  /** When the fallback took this arm out of rotation (a circuit breaker's "open"), if it did. */
  trippedAt: number | undefined;
  private readonly window = new Uint8Array(WINDOW);
  private filled = 0;
  private next = 0;
  private windowErrors = 0;

  constructor(now?: () => number) {
    this.recent = new ArmWindow(now);
  }

  // Accessors, not fields: the shadow run (inference/shadow-run.ts) counts with `++`, and each
  // count must also reach the recent window (a comparison, then whether it agreed).
  get shadowCompared(): number {
    return this.compared;
  }

  set shadowCompared(value: number) {
    if (value > this.compared) this.recent.shadowCompared();
    this.compared = value;
  }

  get shadowAgreed(): number {
    return this.agreed;
  }

  set shadowAgreed(value: number) {
    if (value > this.agreed) this.recent.shadowAgreed();
    this.agreed = value;
  }

  record(ok: boolean, latencyUs: number): void {
    this.recent.request(ok, latencyUs);
    this.requests++;
    if (!ok) this.errors++;
    this.latencyUsTotal += latencyUs;
    if (this.filled === WINDOW) this.windowErrors -= this.window[this.next]!;
    else this.filled++;
    this.window[this.next] = ok ? 0 : 1;
    this.windowErrors += ok ? 0 : 1;
    this.next = (this.next + 1) % WINDOW;
  }

  /** Forgets recent outcomes: the arm gets a fresh trial after its cool-down. */
  resetWindow(): void {
    this.window.fill(0);
    this.filled = this.next = this.windowErrors = 0;
  }

  /** Error rate over the last WINDOW requests, or undefined below `minRequests` of them. */
  recentErrorRate(minRequests: number): number | undefined {
    return this.filled < Math.min(minRequests, WINDOW) ? undefined : this.windowErrors / this.filled;
  }
}

/** A stable hash of a string to a point in (0, 1): FNV-1a, then murmur3's finalizer to spread it. */
export function hashPoint(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return ((h >>> 0) + 0.5) / 2 ** 32;
}

export class Router {
  constructor(
    readonly model: string,
    readonly config: RoutingConfig,
    /** Per-arm counts, kept by the registry across config reloads. */
    readonly stats: Map<string, ArmStats>,
    /** Told when an arm is taken out of rotation or let back in. */
    private readonly onEvent: (event: string, fields: Record<string, unknown>) => void = () => {},
  ) {
    for (const arm of config.arms) if (!stats.has(arm.name)) stats.set(arm.name, new ArmStats());
  }

  /** Current weights: the arms' own, or the latest ramp step that has started. */
  weights(now: number): Map<string, number> {
    const weights = new Map(this.config.arms.map((a) => [a.name, a.weight]));
    for (const step of this.config.ramp) {
      if (step.at > now) break;
      for (const [arm, w] of step.weights) weights.set(arm, w);
    }
    return weights;
  }

  decide(input: RouteInput, now: number, random: () => number = Math.random): RouteDecision {
    const { config } = this;
    if (config.overrideHeader) {
      const forced = input.header(config.overrideHeader);
      if (forced) return this.override(forced);
    }
    const key = this.stickyKey(input);
    const weights = this.weights(now);
    const arm = key === undefined ? this.pickRandom(random(), weights) : this.pickSticky(key, weights);
    const fallback = config.fallback;
    if (fallback && arm.name !== fallback.arm) {
      const stats = this.stats.get(arm.name)!;
      if (stats.trippedAt !== undefined && now - stats.trippedAt >= fallback.cooldownMs) {
        // Half-open: the arm gets traffic again, judged on a fresh window.
        stats.trippedAt = undefined;
        stats.resetWindow();
        this.onEvent('route_recovering', { model: this.model, arm: arm.name });
      }
      const rate = stats.recentErrorRate(fallback.minRequests);
      if (stats.trippedAt === undefined && rate !== undefined && rate > fallback.maxErrorRate) {
        stats.trippedAt = now;
        this.onEvent('route_fallback', { model: this.model, arm: arm.name, to: fallback.arm, error_rate: rate, cooldown_ms: fallback.cooldownMs });
      }
      if (stats.trippedAt !== undefined) return this.decision(this.arm(fallback.arm)!, 'fallback');
    }
    return this.decision(arm, key === undefined ? 'weight' : 'sticky');
  }

  /** The arm to retry on when `failed` could not serve at all (its version failed to load). */
  fallbackFor(failed: Arm): RouteDecision | undefined {
    const name = this.config.fallback?.arm;
    return name !== undefined && name !== failed.name ? this.decision(this.arm(name)!, 'fallback') : undefined;
  }

  arm(name: string): Arm | undefined {
    return this.config.arms.find((a) => a.name === name);
  }

  /**
   * Weighted rendezvous hashing: each arm scores -ln(h(model, arm, key)) / weight and the lowest
   * wins. Raising one arm's weight lowers only its scores, so users move only onto that arm (and
   * lowering it moves users only off it), whatever the number of arms; the model is in the hash,
   * so one user's arms in different models' experiments are independent.
   */
  private pickSticky(key: string, weights: Map<string, number>): Arm {
    let best: Arm | undefined;
    let bestScore = Infinity;
    for (const arm of this.config.arms) {
      const w = weights.get(arm.name) ?? 0;
      if (w <= 0) continue;
      const score = -Math.log(hashPoint(`${this.model}\u0000${arm.name}\u0000${key}`)) / w;
      if (score < bestScore) {
        bestScore = score;
        best = arm;
      }
    }
    return best ?? this.config.arms[0]!;
  }

  /** Cumulative ranges over [0, 1) for requests without a sticky key. */
  private pickRandom(point: number, weights: Map<string, number>): Arm {
    const arms = this.config.arms.filter((a) => (weights.get(a.name) ?? 0) > 0);
    if (arms.length === 0) return this.config.arms[0]!;
    const total = arms.reduce((sum, a) => sum + weights.get(a.name)!, 0);
    let edge = 0;
    for (const arm of arms) {
      edge += weights.get(arm.name)! / total;
      if (point < edge) return arm;
    }
    return arms[arms.length - 1]!;
  }

  private stickyKey(input: RouteInput): string | undefined {
    const sticky = this.config.sticky;
    if (sticky === undefined) return undefined;
    if ('header' in sticky) return input.header(sticky.header) ?? undefined;
    if ('cookie' in sticky) return cookie(input.header('cookie'), sticky.cookie);
    const v = input.field(sticky.field);
    return typeof v === 'string' ? v : typeof v === 'number' || v instanceof JsonInt ? String(v) : undefined;
  }

  private override(forced: string): RouteDecision {
    const arm = this.arm(forced);
    if (arm) return this.decision(arm, 'override');
    const digits = /^v?(\d{1,19})$/.exec(forced)?.[1];
    if (digits !== undefined) {
      // Exact, as in a URL: a number past 2^53 keeps its digits (and can name no loaded version).
      const exact = BigInt(digits);
      const version = exact <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(exact) : exact;
      return { arm: { name: `v${version}`, weight: 0, ...(typeof version === 'number' ? { version } : {}) }, selector: { kind: 'version', version }, reason: 'override' };
    }
    throw invalidArgument(
      `Routing override "${forced}" names no arm of model ${this.model} (arms: ${this.config.arms.map((a) => a.name).join(', ')}; or v<version>)`,
    );
  }

  private decision(arm: Arm, reason: RouteDecision['reason']): RouteDecision {
    return { arm, selector: armSelector(arm), reason };
  }
}

/** The versions an arm asks for; a remote arm's server resolves its own ("latest" here). */
export function armSelector(arm: Arm): VersionSelector {
  if (arm.version !== undefined) return { kind: 'version', version: arm.version };
  if (arm.label !== undefined) return { kind: 'label', label: arm.label };
  return { kind: 'latest' };
}

function cookie(header: string | null, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
