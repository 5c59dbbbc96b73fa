// A persisted copy of the repository's last listing, so that a fresh instance (a new isolate, a
// new execution environment) can serve its first request without waiting for a LIST: the Source
// uses it for its first listing only, and the real listing follows at once in the background
// (docs/architecture.md, "Persisted listing"). The platform says where it lives (the Workers
// Cache API, a file in Lambda's /tmp); this file only says what it holds and how it is written.
import type { ObjectInfo } from '../storage/model-store.ts';

export interface ListingCache {
  /** The last listing written, or undefined: none, unreadable, corrupt or another store's. Never throws. */
  read(): Promise<ObjectInfo[] | undefined>;
  /** Replaces the entry. May fail (the Source ignores it). */
  write(objects: readonly ObjectInfo[]): Promise<void>;
}

const FORMAT = 'edgeserve-listing/1';

interface Entry {
  readonly format: typeof FORMAT;
  /** The store it lists (its description), so that an entry is never read for another store. */
  readonly store: string;
  readonly writtenAt: number;
  readonly objects: readonly ObjectInfo[];
}

/** The entry's text: the listing, the store it is of, and when it was written. */
export function serializeListing(objects: readonly ObjectInfo[], store: string, writtenAt = Date.now()): string {
  const entry: Entry = { format: FORMAT, store, writtenAt, objects: objects.map(({ key, etag, size }) => ({ key, etag, size })) };
  return JSON.stringify(entry);
}

/** The listing in an entry's text; undefined for anything that is not a whole, valid entry of this store. */
export function parseListing(text: string, store: string): ObjectInfo[] | undefined {
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
  return objects;
}

/** A listing's identity, to skip writing an entry that is already there. */
export function listingFingerprint(objects: readonly ObjectInfo[]): string {
  return JSON.stringify(objects.map((o) => [o.key, o.etag, o.size]));
}

/** A ListingCache in memory (tests, benches: one shared by several fresh instances, as the Cache API is by isolates). */
export class MemoryListingCache implements ListingCache {
  text: string | undefined;
  writes = 0;

  constructor(private readonly store = 'memory') {}

  async read(): Promise<ObjectInfo[] | undefined> {
    return this.text === undefined ? undefined : parseListing(this.text, this.store);
  }

  async write(objects: readonly ObjectInfo[]): Promise<void> {
    this.writes++;
    this.text = serializeListing(objects, this.store);
  }
}
