// Who may call: API keys (given in plain or as their SHA-256) with scopes and an optional list of
// models and rate, and/or JWTs from an identity provider's JWKS. The file (--auth_config_file) or
// variable (EDGESERVE_AUTH_CONFIG) holds:
//
//   {"api_keys": [{"name": "web", "sha256": "<hex>", "scopes": ["predict"], "models": ["mnist"], "rate_per_second": 50}],
//    "jwt": {"jwks_url": "https://idp.example/.well-known/jwks.json", "issuer": "https://idp.example/",
//            "audience": "edgeserve", "scopes_claim": "scope", "models_claim": "models"}}
import { asObject, onlyFields, type Fail } from '../config/fields.ts';

export type Scope = 'predict' | 'admin';
const SCOPES: readonly Scope[] = ['predict', 'admin'];

export interface Grant {
  readonly scopes: ReadonlySet<Scope>;
  /** undefined: every model. */
  readonly models?: ReadonlySet<string>;
  /** Requests per second per instance (token bucket, burst of one second's worth); undefined: no limit. */
  readonly ratePerSecond?: number;
}

export interface ApiKey extends Grant {
  readonly name: string;
  /**
   * SHA-256 of the key as given, or the key itself (hashed once by the Authenticator): keys are
   * compared by digest, in constant time.
   */
  readonly secret: { readonly sha256: Uint8Array } | { readonly key: string };
}

export interface JwtConfig {
  readonly jwksUrl: string;
  readonly issuer?: string;
  readonly audience?: string;
  /** Claim holding the scopes, a space-separated string or an array (OAuth's `scope` by default). */
  readonly scopesClaim: string;
  /** Claim holding the models the token may use; absent claim: every model. */
  readonly modelsClaim?: string;
  /** Per token subject. */
  readonly ratePerSecond?: number;
}

export interface AuthConfig {
  readonly apiKeys: readonly ApiKey[];
  readonly jwt?: JwtConfig;
}

export class AuthConfigError extends Error {}

export function parseAuthConfig(text: string, source: string): AuthConfig {
  const fail: Fail = (path, problem) => {
    throw new AuthConfigError(`${source}: ${path}: ${problem}`);
  };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return fail('(document)', `not valid JSON: ${(e as Error).message}`);
  }
  const root = asObject(doc, '(document)', fail);
  onlyFields(root, ['api_keys', 'jwt'], '', fail);
  const keys = root.api_keys ?? [];
  if (!Array.isArray(keys)) fail('api_keys', 'must be an array');
  const apiKeys: ApiKey[] = [];
  const names = new Set<string>();
  for (const [i, value] of (keys as unknown[]).entries()) {
    const path = `api_keys[${i}]`;
    const k = asObject(value, path, fail);
    onlyFields(k, ['name', 'key', 'sha256', 'scopes', 'models', 'rate_per_second'], path, fail);
    if (typeof k.name !== 'string' || k.name === '') fail(`${path}.name`, 'must be a non-empty string');
    if (names.has(k.name as string)) fail(`${path}.name`, `duplicate key name "${k.name}"`);
    names.add(k.name as string);
    if ((k.key === undefined) === (k.sha256 === undefined)) fail(path, 'needs exactly one of "key" or "sha256"');
    let secret: ApiKey['secret'];
    if (k.key !== undefined) {
      if (typeof k.key !== 'string' || k.key.length < 16) fail(`${path}.key`, 'must be a string of at least 16 characters');
      secret = { key: k.key as string };
    } else {
      if (typeof k.sha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(k.sha256)) fail(`${path}.sha256`, 'must be 64 hex digits');
      secret = { sha256: Uint8Array.from((k.sha256 as string).match(/../g)!, (h) => parseInt(h, 16)) };
    }
    apiKeys.push({ name: k.name as string, secret, ...grant(k, path, fail) });
  }
  let jwt: JwtConfig | undefined;
  if (root.jwt !== undefined) {
    const j = asObject(root.jwt, 'jwt', fail);
    onlyFields(j, ['jwks_url', 'issuer', 'audience', 'scopes_claim', 'models_claim', 'rate_per_second'], 'jwt', fail);
    if (typeof j.jwks_url !== 'string' || !/^https?:\/\//.test(j.jwks_url)) fail('jwt.jwks_url', 'must be an http(s) URL');
    for (const field of ['issuer', 'audience', 'scopes_claim', 'models_claim'] as const) {
      if (j[field] !== undefined && (typeof j[field] !== 'string' || j[field] === '')) fail(`jwt.${field}`, 'must be a non-empty string');
    }
    jwt = {
      jwksUrl: j.jwks_url as string,
      issuer: j.issuer as string | undefined,
      audience: j.audience as string | undefined,
      scopesClaim: (j.scopes_claim as string | undefined) ?? 'scope',
      modelsClaim: j.models_claim as string | undefined,
      ratePerSecond: rate(j.rate_per_second, 'jwt.rate_per_second', fail),
    };
  }
  if (apiKeys.length === 0 && jwt === undefined) fail('(document)', 'names no api_keys and no jwt: nobody could call');
  return { apiKeys, jwt };
}

function grant(k: Record<string, unknown>, path: string, fail: Fail): Grant {
  if (!Array.isArray(k.scopes) || k.scopes.length === 0 || k.scopes.some((s) => !SCOPES.includes(s as Scope))) {
    fail(`${path}.scopes`, `must be a non-empty array of ${SCOPES.join(', ')}`);
  }
  if (k.models !== undefined && (!Array.isArray(k.models) || k.models.some((m) => typeof m !== 'string'))) {
    fail(`${path}.models`, 'must be an array of model names');
  }
  return {
    scopes: new Set(k.scopes as Scope[]),
    ...(k.models !== undefined ? { models: new Set(k.models as string[]) } : {}),
    ratePerSecond: rate(k.rate_per_second, `${path}.rate_per_second`, fail),
  };
}

function rate(v: unknown, path: string, fail: Fail): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !(v > 0)) fail(path, 'must be a positive number');
  return v as number;
}

export async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}
