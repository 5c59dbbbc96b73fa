// Which kind of event reached the function. hono's Lambda adapter would run anything through the
// HTTP app (a schedule would become a request for `/`), so events are sorted before it sees them.

export type EventKind = 'http' | 'warmup' | 'unsupported';

/** A warm-up by hand or from EventBridge Scheduler's universal target: `{"edgeserve": "warmup", "models": [...]}`. */
export interface WarmupEvent {
  readonly edgeserve: 'warmup';
  readonly models?: readonly string[];
}

export function eventKind(event: unknown): EventKind {
  if (typeof event !== 'object' || event === null) return 'unsupported';
  const e = event as Record<string, unknown>;
  // EventBridge rules (`schedule:` in serverless.yml) and EventBridge Scheduler's templated targets.
  if (e.source === 'aws.events' || e.source === 'aws.scheduler' || e.edgeserve === 'warmup') return 'warmup';
  const ctx = e.requestContext as Record<string, unknown> | undefined;
  if (ctx && (typeof e.httpMethod === 'string' || typeof (ctx.http as Record<string, unknown> | undefined)?.method === 'string')) {
    return 'http'; // API Gateway REST (v1), HTTP API (v2), Function URLs, ALB targets
  }
  return 'unsupported';
}

/** Models named by a warm-up event (undefined: all). */
export function warmupModels(event: unknown): readonly string[] | undefined {
  const models = (event as { models?: unknown; detail?: { models?: unknown } }).models ?? (event as { detail?: { models?: unknown } }).detail?.models;
  return Array.isArray(models) && models.every((m) => typeof m === 'string') ? models : undefined;
}

export function describeEvent(event: unknown): string {
  if (typeof event !== 'object' || event === null) return typeof event;
  return `an event with keys ${Object.keys(event).slice(0, 8).join(', ') || '(none)'}`;
}
