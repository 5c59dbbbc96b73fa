// A persisted copy of the repository's last listing, so that a fresh instance (a new isolate, a
// new execution environment) can serve its first request without waiting for a LIST: the Source
// uses it for its first listing only, and the real listing follows at once in the background
// (docs/architecture.md, "Persisted listing"). The repository's config file goes with it (by its
// ETag in that listing), so that the first request waits for neither the LIST nor the config's
// GET: only for its model. The platform says where it lives (the Workers Cache API); this file
// only says what it holds and how it is written.
import type { ObjectInfo } from '../storage/model-store.ts';

/** A small file of the repository as read with the listing: the config file. */
export interface PersistedFile {
  readonly key: string;
  readonly etag: string;
  readonly text: string;
}

export interface PersistedListing {
  readonly objects: readonly ObjectInfo[];
  /** The repository's config file as read with this listing (none: the repository has none, or it was too large). */
  readonly config?: PersistedFile;
}

export interface ListingCache {
  /** The last listing written, or undefined: none, unreadable, corrupt or another store's. Never throws. */
  read(): Promise<PersistedListing | undefined>;
  /** Replaces the entry. May fail (the Source ignores it). */
  write(listing: PersistedListing): Promise<void>;
}

/** Larger config files are not persisted (read from storage as without a cache): an entry stays small. */
export const MAX_PERSISTED_CONFIG_CHARS = 64 * 1024;

// Version 2 added the config file; a version-1 entry is no entry (the real listing replaces it).
const FORMAT = 'edgeserve-listing/2';

interface Entry {
  readonly format: typeof FORMAT;
  /** The store it lists (its description), so that an entry is never read for another store. */
  readonly store: string;
  readonly writtenAt: number;
  readonly objects: readonly ObjectInfo[];
  readonly config?: PersistedFile;
}

/** The entry's text: the listing (and config file), the store it is of, and when it was written. */
export function serializeListing(listing: PersistedListing, store: string, writtenAt = Date.now()): string {
  const objects = listing.objects.map(({ key, etag, size }) => ({ key, etag, size }));
  const config = listing.config && listing.config.text.length <= MAX_PERSISTED_CONFIG_CHARS ? listing.config : undefined;
  const entry: Entry = { format: FORMAT, store, writtenAt, objects, ...(config && { config: { key: config.key, etag: config.etag, text: config.text } }) };
  return JSON.stringify(entry);
}

/** The listing in an entry's text; undefined for anything that is not a whole, valid entry of this store. */
export function parseListing(text: string, store: string): PersistedListing | undefined {
  let entry: unknown;
  try {
    entry = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof entry !== 'object' || entry === null) return undefined;
  const e = entry as Partial<Record<keyof Entry, unknown>>;
  if (e.format !== FORMAT || e.store !== store || !Array.isArray(e.objects)) return undefined;
  const objects: ObjectInfo[] = [];
  for (const o of e.objects as unknown[]) {
    if (typeof o !== 'object' || o === null) return undefined;
    const { key, etag, size } = o as Record<string, unknown>;
    if (typeof key !== 'string' || key === '' || typeof etag !== 'string') return undefined;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return undefined;
    objects.push({ key, etag, size });
  }
  if (e.config === undefined) return { objects };
  const config = persistedFile(e.config);
  return config && { objects, config };
}

function persistedFile(value: unknown): PersistedFile | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { key, etag, text } = value as Record<string, unknown>;
  if (typeof key !== 'string' || typeof etag !== 'string' || typeof text !== 'string') return undefined;
  return { key, etag, text };
}

/** A listing's identity (the config file's ETag is one of its objects'), to skip writing an entry that is already there. */
export function listingFingerprint(objects: readonly ObjectInfo[]): string {
  return JSON.stringify(objects.map((o) => [o.key, o.etag, o.size]));
}

/** A ListingCache in memory (tests, benches: one shared by several fresh instances, as the Cache API is by isolates). */
export class MemoryListingCache implements ListingCache {
  text: string | undefined;
  writes = 0;

  constructor(private readonly store = 'memory') {}

  async read(): Promise<PersistedListing | undefined> {
    return this.text === undefined ? undefined : parseListing(this.text, this.store);
  }

  async write(listing: PersistedListing): Promise<void> {
    this.writes++;
    this.text = serializeListing(listing, this.store);
  }
}
