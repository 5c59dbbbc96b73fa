// Who is calling: the credential of `Authorization: Bearer <credential>` or `x-api-key`, checked
// against the API keys (by SHA-256 digest, compared in constant time over every key, so neither
// timing nor the order of keys says which digest bytes matched) or, when it is a JWT and a JWKS is
// configured, verified with hono's JWT utilities (signature, exp/nbf, issuer, audience).
import { verifyWithJwks } from 'hono/utils/jwt/jwt';
import type { AuthConfig, Grant, JwtConfig, Scope } from './auth-config.ts';
import { digest } from './auth-config.ts';
import { JwksCache } from './jwks-cache.ts';

export interface Principal extends Grant {
  /** The key's name, or `jwt:<sub>`: what logs and rate limits know the caller by (never the credential). */
  readonly name: string;
}

export type Authentication =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly reason: 'missing' | 'invalid'; readonly message: string };

const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

export class Authenticator {
  private readonly jwks: JwksCache | undefined;
  /** Every key's digest, in the config's order (plain keys hashed once, here). */
  private readonly digests: Promise<Uint8Array[]>;
  /** What a matching key authenticates as: its grant, never its secret. */
  private readonly principals: Principal[];

  constructor(
    private readonly config: AuthConfig,
    fetchImpl: typeof fetch = (input, init) => fetch(input, init),
  ) {
    this.jwks = config.jwt ? new JwksCache(config.jwt.jwksUrl, fetchImpl) : undefined;
    this.principals = config.apiKeys.map(({ name, scopes, models, ratePerSecond }) => ({ name, scopes, ...(models ? { models } : {}), ratePerSecond }));
    this.digests = Promise.all(config.apiKeys.map((k) => ('sha256' in k.secret ? k.secret.sha256 : digest(k.secret.key))));
  }

  async authenticate(header: (name: string) => string | null): Promise<Authentication> {
    const credential = credentialOf(header);
    if (credential === undefined) return { ok: false, reason: 'missing', message: 'This server needs an API key or token: send Authorization: Bearer <key>' };
    if (this.config.jwt && this.jwks && credential.split('.').length === 3) return this.verifyJwt(credential, this.config.jwt, this.jwks);
    const presented = await digest(credential);
    const digests = await this.digests;
    let match: Principal | undefined;
    this.principals.forEach((principal, k) => {
      // Every key is compared to the end, whatever matched before.
      let diff = 0;
      for (let i = 0; i < 32; i++) diff |= presented[i]! ^ digests[k]![i]!;
      if (diff === 0) match = principal;
    });
    return match ? { ok: true, principal: match } : { ok: false, reason: 'invalid', message: 'The API key or token is not valid' };
  }

  private async verifyJwt(token: string, jwt: JwtConfig, jwks: JwksCache): Promise<Authentication> {
    try {
      const verification = { ...(jwt.issuer ? { iss: jwt.issuer } : {}), ...(jwt.audience ? { aud: jwt.audience } : {}) };
      const payload = await jwks.withKeys((keys) => verifyWithJwks(token, { keys, verification, allowedAlgorithms: ALGORITHMS }));
      const scopes = claimList(payload[jwt.scopesClaim]).filter((s): s is Scope => s === 'predict' || s === 'admin');
      const models = jwt.modelsClaim !== undefined && payload[jwt.modelsClaim] !== undefined ? new Set(claimList(payload[jwt.modelsClaim])) : undefined;
      const sub = typeof payload.sub === 'string' ? payload.sub : '(no subject)';
      return { ok: true, principal: { name: `jwt:${sub}`, scopes: new Set(scopes), ...(models ? { models } : {}), ratePerSecond: jwt.ratePerSecond } };
    } catch {
      return { ok: false, reason: 'invalid', message: 'The API key or token is not valid' };
    }
  }
}

function credentialOf(header: (name: string) => string | null): string | undefined {
  const authorization = header('authorization');
  const bearer = authorization === null ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1] ?? basicPassword(authorization);
  const value = bearer ?? header('x-api-key')?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/**
 * HTTP Basic's password (the user name is ignored): the one credential a browser sends by itself,
 * so that the dashboard can be opened with a key (operator/operator-api.ts asks for it).
 */
function basicPassword(authorization: string): string | undefined {
  // Canonical base64 only (what browsers send): runtimes' atob differ in what else they forgive.
  const encoded = /^Basic\s+((?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?)\s*$/i.exec(authorization)?.[1];
  if (encoded === undefined) return undefined;
  let text: string;
  try {
    text = new TextDecoder().decode(Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : text.slice(colon + 1);
}

/** OAuth's space-separated `scope` string, or an array of strings. */
function claimList(claim: unknown): string[] {
  if (typeof claim === 'string') return claim.split(/\s+/).filter(Boolean);
  return Array.isArray(claim) ? claim.filter((c): c is string => typeof c === 'string') : [];
}
