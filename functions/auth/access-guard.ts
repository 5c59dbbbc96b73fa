// The one check every protocol runs before it does anything for a caller: authenticated (401),
// allowed this scope and model (403), within its rate (429). Failures are counted by reason and
// logged by the caller's name — never with the credential.
import type { ServingMetrics } from '../metrics/serving-metrics.ts';
import type { Logger } from '../util/log.ts';
import type { AuthConfig, Scope } from './auth-config.ts';
import { Authenticator, type Principal } from './authenticator.ts';
import { RateLimiter } from './rate-limit.ts';

export interface Denial {
  readonly status: 401 | 403 | 429;
  readonly message: string;
  readonly headers: Record<string, string>;
}

export type Access = { readonly ok: true; readonly principal: Principal } | ({ readonly ok: false } & Denial);

export class AccessGuard {
  private readonly authenticator: Authenticator;
  private readonly limiter = new RateLimiter();

  constructor(
    config: AuthConfig,
    private readonly logger: Logger,
    private readonly metrics?: ServingMetrics,
    fetchImpl?: typeof fetch,
  ) {
    this.authenticator = new Authenticator(config, fetchImpl);
  }

  /** Who is calling, or the 401 to answer. */
  async authenticate(header: (name: string) => string | null, path: string): Promise<Access> {
    const auth = await this.authenticator.authenticate(header);
    if (auth.ok) return auth;
    const challenge = auth.reason === 'invalid' ? 'Bearer realm="edgeserve", error="invalid_token"' : 'Bearer realm="edgeserve"';
    return this.deny(auth.reason, path, undefined, { status: 401, message: auth.message, headers: { 'WWW-Authenticate': challenge } });
  }

  /** The scope and model check alone: nothing counted, logged or taken from the rate. */
  permits(principal: Principal, scope: Scope, model?: string): boolean {
    return principal.scopes.has(scope) && (model === undefined || principal.models === undefined || principal.models.has(model));
  }

  /** Whether this caller may use this scope (and model), and has a token left in its bucket. */
  authorize(principal: Principal, scope: Scope, path: string, model?: string): Access {
    if (!principal.scopes.has(scope)) {
      return this.deny('forbidden', path, principal, { status: 403, message: `The key ${principal.name} does not have the ${scope} scope`, headers: {} });
    }
    if (model !== undefined && principal.models !== undefined && !principal.models.has(model)) {
      return this.deny('forbidden', path, principal, { status: 403, message: `The key ${principal.name} may not use model ${model}`, headers: {} });
    }
    if (principal.ratePerSecond !== undefined) {
      const retryAfter = this.limiter.take(principal.name, principal.ratePerSecond);
      if (retryAfter !== undefined) {
        return this.deny('rate_limited', path, principal, {
          status: 429, message: `The key ${principal.name} is over its rate of ${principal.ratePerSecond} requests per second`, headers: { 'Retry-After': String(retryAfter) },
        });
      }
    }
    return { ok: true, principal };
  }

  private deny(reason: string, path: string, principal: Principal | undefined, denial: Denial): Access {
    this.metrics?.authFailures.inc([reason]);
    // The path is cut: a caller must not be able to write long lines into the log.
    this.logger.log('warn', 'auth_failed', { reason, path: path.slice(0, 200), ...(principal ? { key: principal.name } : {}) });
    return { ok: false, ...denial };
  }
}
