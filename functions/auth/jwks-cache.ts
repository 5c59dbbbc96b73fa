// An identity provider's signing keys, fetched once and kept: verifying every token must not
// fetch the JWKS. Keys are refetched after their time to live, or sooner when a token names a key
// the cache has not seen (a rotation), at most once per cool-down so that forged `kid`s cannot turn
// requests into fetches.
import type { HonoJsonWebKey } from 'hono/utils/jwt/jws';

const TTL_MS = 10 * 60_000;
const REFETCH_COOLDOWN_MS = 30_000;
const FETCH_TIMEOUT_MS = 5_000;

export class JwksCache {
  private keys: HonoJsonWebKey[] = [];
  private fetchedAt = -Infinity;
  private fetching: Promise<void> | undefined;

  constructor(
    private readonly url: string,
    private readonly fetchImpl: typeof fetch,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Runs `verify` with the cached keys; on a failure, once more with freshly fetched keys if a refetch is allowed now. */
  async withKeys<T>(verify: (keys: HonoJsonWebKey[]) => Promise<T>): Promise<T> {
    if (this.now() - this.fetchedAt > TTL_MS) await this.refresh();
    try {
      return await verify(this.keys);
    } catch (e) {
      if (this.now() - this.fetchedAt < REFETCH_COOLDOWN_MS) throw e;
      await this.refresh();
      return verify(this.keys);
    }
  }

  private refresh(): Promise<void> {
    this.fetching ??= (async () => {
      try {
        const response = await this.fetchImpl(this.url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
        const body = (await response.json()) as { keys?: unknown };
        if (response.ok && Array.isArray(body.keys)) this.keys = body.keys as HonoJsonWebKey[];
      } catch {
        // Unreachable identity provider: keep the keys there are; tokens they cannot verify fail.
      } finally {
        this.fetchedAt = this.now();
        this.fetching = undefined;
      }
    })();
    return this.fetching;
  }
}
