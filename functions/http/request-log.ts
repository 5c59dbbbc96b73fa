// What one REST request leaves behind: its record (a log line, an EMF line …) and the
// Server-Timing header of a response that ran a model or paid for a load.
import type { RequestScope } from '../inference/request-scope.ts';
import { MAX_LOGGED_BODY_CHARS, type RequestRecord } from '../metrics/request-record.ts';
import type { StatusCode } from '../util/status.ts';
import { bodyLength, type RestResponse } from './exchange.ts';

/** The REST layer's additions to the request scope: what the body was, for the record. */
export interface RestScope extends RequestScope {
  /** Whether the caller may use this model: model lists show only those (with authentication on). */
  mayUse(model: string): boolean;
  bytesIn?: number;
  /** Set only when this request's body was sampled into its record. */
  bodyText?: string;
}

export interface Outcome {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly model: string;
  readonly api: string;
  readonly status: StatusCode;
  readonly response: RestResponse;
  readonly totalMs: number;
}

export function requestRecord(scope: RestScope, r: Outcome): RequestRecord {
  const ms = (v: number | undefined) => (v === undefined ? undefined : Math.round(v * 1000) / 1000);
  return {
    time: new Date().toISOString(),
    request_id: r.requestId,
    method: r.method,
    path: r.path,
    model: r.model,
    api: r.api,
    status: r.status,
    http_status: r.response.status,
    ...(scope.version !== undefined ? { version: scope.version } : {}),
    ...(scope.arm !== undefined ? { arm: scope.arm } : {}),
    cold_start: scope.cold !== undefined,
    duration_ms: ms(r.totalMs)!,
    ...(scope.runMs !== undefined ? { run_ms: ms(scope.runMs) } : {}),
    ...(scope.cold ? { storage_ms: ms(scope.cold.fetchMs), session_ms: ms(scope.cold.sessionMs), warmup_ms: ms(scope.cold.warmupMs) } : {}),
    bytes_in: scope.bytesIn ?? 0,
    bytes_out: bodyLength(r.response),
    ...(scope.bodyText !== undefined ? { request_body: scope.bodyText.slice(0, MAX_LOGGED_BODY_CHARS) } : {}),
  };
}

/** Where this request's time went: storage fetch, session create and warmup when it paid for a load. */
export function serverTiming(scope: RequestScope, totalMs: number): string {
  const parts: string[] = [];
  const dur = (name: string, ms: number) => parts.push(`${name};dur=${ms.toFixed(2)}`);
  if (scope.cold) {
    dur('storage', scope.cold.fetchMs);
    dur('session', scope.cold.sessionMs);
    dur('warmup', scope.cold.warmupMs);
  }
  if (scope.queueMs) dur('queue', scope.queueMs);
  if (scope.runMs !== undefined) dur('run', scope.runMs);
  dur('total', totalMs);
  return parts.join(', ');
}
