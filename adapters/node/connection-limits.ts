// How long a client may take and how many may be connected: node:http's defaults let a slowloris
// connection live about 90 s (headers timeout 60 s, checked every 30 s), a slow body 5 minutes,
// and accept connections without bound. TF Serving's libevent server has no such limits either;
// a public server needs them. Each is an option (option table, Server section).
import type { ServerOptions } from 'node:http';

export interface ConnectionLimits {
  /** A client has this long to send its request headers (408 after). */
  readonly headersTimeoutMs: number;
  /** A client has this long to send its whole request, body included (408 after). */
  readonly requestTimeoutMs: number;
  /** Open connections at once; more are closed as they arrive. */
  readonly maxConnections: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 60_000, maxConnections: 1024 };

/**
 * node:http checks the two timeouts only every `connectionsCheckingInterval` (30 s by default), so
 * a 10 s limit could take 40 s to act: check at a tenth of the shorter one, at most once a second.
 */
export function serverOptions(limits: ConnectionLimits): ServerOptions {
  // node:http refuses a headers timeout above the request timeout (0 turns the latter off).
  const requestTimeout = limits.requestTimeoutMs;
  const headersTimeout = requestTimeout > 0 ? Math.min(limits.headersTimeoutMs, requestTimeout) : limits.headersTimeoutMs;
  const shortest = Math.min(...[headersTimeout, requestTimeout].filter((t) => t > 0));
  return {
    headersTimeout,
    requestTimeout,
    connectionsCheckingInterval: Math.max(100, Math.min(1000, Number.isFinite(shortest) ? shortest / 10 : 1000)),
  };
}
