// The persisted listing on Workers (functions/serving/listing-cache.ts): one entry in the Cache API
// (`caches.default`, shared by the isolates of a data center), so that a fresh isolate serves its
// first request without listing the repository. Keyed by the repository store's description (a
// Worker serving two repositories keeps two entries); an hour's max-age bounds how stale a copy
// can be found after the Worker stops being used (each real listing that changes rewrites it).
import { parseListing, serializeListing, type ListingCache, type PersistedListing } from '../../functions/serving/listing-cache.ts';
import type { CacheLike } from './edge-cache.ts';

const LISTING_HOST = 'https://edgeserve-listing.internal';
export const LISTING_MAX_AGE_SECONDS = 3600;

export class CacheApiListingCache implements ListingCache {
  readonly url: string;

  constructor(
    private readonly cache: CacheLike,
    private readonly description: string,
  ) {
    this.url = `${LISTING_HOST}/${encodeURIComponent(description)}`;
  }

  async read(): Promise<PersistedListing | undefined> {
    try {
      const response = await this.cache.match(new Request(this.url));
      return response === undefined ? undefined : parseListing(await response.text(), this.description);
    } catch {
      return undefined; // an unreachable cache is no cache
    }
  }

  async write(listing: PersistedListing): Promise<void> {
    const body = serializeListing(listing, this.description);
    const headers = { 'content-type': 'application/json', 'cache-control': `max-age=${LISTING_MAX_AGE_SECONDS}` };
    await this.cache.put(new Request(this.url), new Response(body, { headers }));
  }
}

/** The Cache API's listing cache for this store, when the runtime has one (workerd; not plain Node). */
export function workersListingCache(description: string): ListingCache | undefined {
  const cache = (globalThis as unknown as { caches?: { default?: CacheLike } }).caches?.default;
  return cache === undefined ? undefined : new CacheApiListingCache(cache, description);
}
