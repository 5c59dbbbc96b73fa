// A model's routing config (inside its models.config.json entry, reloaded with it): weighted arms
// over versions, labels or a remote server, stickiness, tester overrides, shadow traffic, fallback,
// ramps.
//
//   "routing": {
//     "arms": [ { "name": "stable", "label": "stable", "weight": 90 },
//               { "name": "canary", "label": "canary", "weight": 10 } ],
//               // or { "name": "gpu", "url": "https://gpu.internal", "timeout_ms": 30000, "weight": 5 }
//     "sticky": { "header": "x-user-id" },              // or { "cookie": "uid" } or { "field": "user_id" }
//     "override": { "header": "x-edgeserve-arm" },      // testers may force an arm (or "v<version>")
//     "shadow": { "arm": "canary", "sample": 0.05, "tolerance": 1e-4 },
//     "fallback": { "arm": "stable", "max_error_rate": 0.2, "min_requests": 20, "cooldown_seconds": 30 },
//     "ramp": [ { "at": "2026-12-01T00:00:00Z", "weights": { "stable": 50, "canary": 50 } } ]
//   }

export interface Arm {
  readonly name: string;
  /** Exactly one of version, label or remote (`url` in the config). */
  readonly version?: number;
  readonly label?: string;
  /** A remote arm: the request is forwarded to this server (the GPU container). */
  readonly remote?: RemoteBackend;
  readonly weight: number;
}

export type StickyKey = { readonly header: string } | { readonly cookie: string } | { readonly field: string };

export interface RoutingConfig {
  readonly arms: readonly Arm[];
  readonly sticky?: StickyKey;
  readonly overrideHeader?: string;
  readonly shadow?: { readonly arm: string; readonly sample: number; readonly tolerance: number };
  readonly fallback?: { readonly arm: string; readonly maxErrorRate: number; readonly minRequests: number; readonly cooldownMs: number };
  readonly ramp: readonly { readonly at: number; readonly weights: ReadonlyMap<string, number> }[];
}

import type { RemoteBackend } from './remote-backend.ts';
import { onlyFields, type Fail } from './fields.ts';

export function parseRoutingConfig(value: unknown, path: string, fail: Fail): RoutingConfig {
  const r = object(value, path, fail);
  onlyFields(r, ['arms', 'sticky', 'override', 'shadow', 'fallback', 'ramp'], path, fail);
  if (!Array.isArray(r.arms) || r.arms.length === 0) fail(`${path}.arms`, 'must be a non-empty array');
  const arms = (r.arms as unknown[]).map((a, i) => parseArm(a, `${path}.arms[${i}]`, fail));
  const names = new Set(arms.map((a) => a.name));
  if (names.size !== arms.length) fail(`${path}.arms`, 'arm names must be unique');
  const armName = (v: unknown, p: string) => {
    if (typeof v !== 'string' || !names.has(v)) fail(p, `must name one of the arms (${[...names].join(', ')})`);
    return v as string;
  };
  let sticky: StickyKey | undefined;
  if (r.sticky !== undefined) {
    const s = object(r.sticky, `${path}.sticky`, fail);
    const [kind, name] = Object.entries(s)[0] ?? [];
    if (Object.keys(s).length !== 1 || !['header', 'cookie', 'field'].includes(kind!) || typeof name !== 'string' || !name) {
      fail(`${path}.sticky`, 'must be one of {"header": name}, {"cookie": name}, {"field": name}');
    }
    sticky = (kind === 'header' ? { header: (name as string).toLowerCase() } : { [kind!]: name }) as StickyKey;
  }
  let overrideHeader: string | undefined;
  if (r.override !== undefined) {
    const o = object(r.override, `${path}.override`, fail);
    onlyFields(o, ['header'], `${path}.override`, fail);
    if (typeof o.header !== 'string' || !o.header) fail(`${path}.override.header`, 'must be a header name');
    overrideHeader = (o.header as string).toLowerCase();
  }
  let shadow: RoutingConfig['shadow'];
  if (r.shadow !== undefined) {
    const s = object(r.shadow, `${path}.shadow`, fail);
    onlyFields(s, ['arm', 'sample', 'tolerance'], `${path}.shadow`, fail);
    const sample = s.sample ?? 1;
    if (typeof sample !== 'number' || sample < 0 || sample > 1) fail(`${path}.shadow.sample`, 'must be a number in [0, 1]');
    const tolerance = s.tolerance ?? 1e-5;
    if (typeof tolerance !== 'number' || tolerance < 0) fail(`${path}.shadow.tolerance`, 'must be a non-negative number');
    shadow = { arm: armName(s.arm, `${path}.shadow.arm`), sample: sample as number, tolerance: tolerance as number };
  }
  let fallback: RoutingConfig['fallback'];
  if (r.fallback !== undefined) {
    const f = object(r.fallback, `${path}.fallback`, fail);
    onlyFields(f, ['arm', 'max_error_rate', 'min_requests', 'cooldown_seconds'], `${path}.fallback`, fail);
    const rate = f.max_error_rate ?? 0.5;
    if (typeof rate !== 'number' || rate < 0 || rate > 1) fail(`${path}.fallback.max_error_rate`, 'must be a number in [0, 1]');
    const min = f.min_requests ?? 20;
    // The error rate is judged over the last 100 requests (routing/router.ts WINDOW).
    if (!Number.isSafeInteger(min) || (min as number) < 1 || (min as number) > 100) fail(`${path}.fallback.min_requests`, 'must be an integer from 1 to 100');
    const cooldown = f.cooldown_seconds ?? 30;
    if (typeof cooldown !== 'number' || cooldown < 0) fail(`${path}.fallback.cooldown_seconds`, 'must be a non-negative number');
    fallback = { arm: armName(f.arm, `${path}.fallback.arm`), maxErrorRate: rate as number, minRequests: min as number, cooldownMs: 1000 * (cooldown as number) };
  }
  const ramp = r.ramp === undefined ? [] : (Array.isArray(r.ramp) ? r.ramp : fail(`${path}.ramp`, 'must be an array')).map((step, i) => {
    const s = object(step, `${path}.ramp[${i}]`, fail);
    onlyFields(s, ['at', 'weights'], `${path}.ramp[${i}]`, fail);
    const at = typeof s.at === 'string' ? Date.parse(s.at) : NaN;
    if (Number.isNaN(at)) fail(`${path}.ramp[${i}].at`, 'must be an ISO 8601 time');
    const weights = new Map<string, number>();
    for (const [arm, w] of Object.entries(object(s.weights, `${path}.ramp[${i}].weights`, fail))) {
      armName(arm, `${path}.ramp[${i}].weights`);
      weights.set(arm, weight(w, `${path}.ramp[${i}].weights.${arm}`, fail));
    }
    return { at, weights };
  });
  return { arms, sticky, overrideHeader, shadow, fallback, ramp: [...ramp].sort((a, b) => a.at - b.at) };
}

function parseArm(value: unknown, path: string, fail: Fail): Arm {
  const a = object(value, path, fail);
  onlyFields(a, ['name', 'version', 'label', 'url', 'timeout_ms', 'weight'], path, fail);
  if (typeof a.name !== 'string' || !a.name) fail(`${path}.name`, 'must be a non-empty string');
  const weightOf = () => weight(a.weight ?? 0, `${path}.weight`, fail);
  if (a.url !== undefined) {
    if (a.version !== undefined || a.label !== undefined) fail(path, 'needs exactly one of "version", "label" or "url"');
    if (typeof a.url !== 'string' || !/^https?:\/\//.test(a.url)) fail(`${path}.url`, 'must be an http(s) URL');
    const timeout = a.timeout_ms ?? 30_000;
    if (!Number.isSafeInteger(timeout) || (timeout as number) < 1) fail(`${path}.timeout_ms`, 'must be a positive integer');
    return { name: a.name as string, remote: { url: a.url as string, timeoutMs: timeout as number }, weight: weightOf() };
  }
  const hasVersion = a.version !== undefined;
  if (hasVersion === (a.label !== undefined)) fail(path, 'needs exactly one of "version", "label" or "url"');
  if (hasVersion && (!Number.isSafeInteger(a.version) || (a.version as number) < 0)) fail(`${path}.version`, 'must be a version number');
  if (!hasVersion && (typeof a.label !== 'string' || !a.label)) fail(`${path}.label`, 'must be a label name');
  return {
    name: a.name as string,
    ...(hasVersion ? { version: a.version as number } : { label: a.label as string }),
    weight: weightOf(),
  };
}

function weight(v: unknown, path: string, fail: Fail): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(path, 'must be a non-negative number');
  return v as number;
}

function object(value: unknown, path: string, fail: Fail): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'must be an object');
  return value as Record<string, unknown>;
}
