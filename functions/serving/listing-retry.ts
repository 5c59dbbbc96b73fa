// The safety net under a persisted listing (listing-cache.ts): it may name a version deleted since
// (its GET finds nothing: NOT_FOUND; a manifest gone or not matching: DATA_LOSS) or miss a model
// added since (NOT_FOUND). A request that fails so while the listing it was resolved under was
// provisional waits for the real listing and is tried once more, so that its client is answered
// from the repository as it is, never from a stale copy of it.
import { ServingError } from '../util/status.ts';

/** Failures a stale listing can cause (what else fails is the request's or the version's own). */
export function staleListingError(e: unknown): boolean {
  return e instanceof ServingError && (e.code === 'NOT_FOUND' || e.code === 'DATA_LOSS');
}

/** `attempt()`, and once more after `realListing()` if it failed so under a provisional listing. */
export async function onRealListing<T>(provisional: boolean, attempt: () => Promise<T>, realListing: () => Promise<unknown>): Promise<T> {
  try {
    return await attempt();
  } catch (e) {
    if (!provisional || !staleListingError(e)) throw e;
    await realListing();
    return attempt();
  }
}
