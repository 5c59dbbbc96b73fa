// TF Serving's Source: one listing of the repository (plus the config, re-read only when its
// ETag changes, or the config given up front) becomes every model's present and aspired versions.
// A config given up front (--model_config_file, EDGESERVE_MODEL_CONFIG) serves exactly its models,
// as TF Serving does; without one, every top-level folder with versions is a model, and the
// repository's own models.config(.json) adds or overrides entries. A model with an absolute
// base_path is listed in its own place. The first listing must succeed (there is nothing to serve
// without it); later failures are logged and change nothing, so what is loaded keeps serving.
// With a ListingCache, a fresh instance's first listing is the persisted copy of the last real one
// (`provisional` until a real listing succeeds, which is then due at once), with the config file
// read with it; every real listing of the repository (and its config file) is written back to it.
import { ConfigError, defaultModelConfig, type ModelConfig, type RepositoryConfig } from '../config/model-config.ts';
import { StoreUnavailableError, type ObjectInfo } from '../storage/model-store.ts';
import type { Logger } from '../util/log.ts';
import { ServingError } from '../util/status.ts';
import { ConfigReader, type EarlyConfig } from './config-reader.ts';
import { listingFingerprint, type ListingCache, type PersistedListing } from './listing-cache.ts';
import { RepositoryListing, type PresentVersion } from './listing.ts';
import { errorText } from './loader.ts';
import type { ModelStores } from './model-stores.ts';
import { aspiredVersions } from './policy.ts';
import { SourceWarnings } from './source-warnings.ts';
import { storageUnavailable } from './storage-error.ts';

/** What the Source says of one model after a listing; `stale`: its own place could not be listed now. */
export interface AspiredModel {
  readonly config: ModelConfig;
  readonly present: ReadonlyMap<number, PresentVersion>;
  readonly aspired: ReadonlySet<number>;
  readonly stale?: boolean;
}

/** The config given up front: fixed, or read again on every refresh (a config file that is polled). */
export type ExplicitConfig = RepositoryConfig | (() => RepositoryConfig | Promise<RepositoryConfig>);

export class Source {
  private readonly configReader: ConfigReader;
  private readonly warnings: SourceWarnings;
  /** When the last listing was made (successful or not), and whether one ever succeeded. */
  private checkedAt = -Infinity;
  private listed = false;
  /** Before the first good listing: the last failure, and until when it answers for the Source. */
  private firstFailure: { error: unknown; until: number; count: number } | undefined;
  /** The models come from the persisted listing: no real listing has succeeded yet. */
  private fromCache = false;
  /** What the cache holds (as far as this instance knows), and the write in progress. */
  private cachedFingerprint: string | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly stores: ModelStores,
    private readonly logger: Logger,
    private readonly explicit: ExplicitConfig | undefined,
    private readonly now: () => number,
    private readonly listingCache?: ListingCache,
  ) {
    this.configReader = new ConfigReader(stores.repository, logger);
    this.warnings = new SourceWarnings(logger);
  }

  get listedOnce(): boolean {
    return this.listed;
  }

  /** The last listing was the persisted one: a version it names may be gone, a new model missing. */
  get provisional(): boolean {
    return this.fromCache;
  }

  /** The last write to the listing cache (never rejects): background work waits for it (waitUntil). */
  get written(): Promise<void> {
    return this.writing;
  }

  /**
   * Whether a listing older than `intervalMs` calls for a refresh (0: list once). A provisional
   * listing calls for the real one at once (after a failed one, not more often than the backoff).
   */
  due(intervalMs: number): boolean {
    if (this.fromCache) return this.now() - this.checkedAt >= FIRST_LISTING_BACKOFF_MS;
    return intervalMs > 0 && this.now() - this.checkedAt >= intervalMs;
  }

  /** Every model with its aspired versions; undefined: a later listing failed and nothing should change. */
  async aspiredModels(): Promise<Map<string, AspiredModel> | undefined> {
    const started = this.now();
    // A cold instance whose storage is down must not turn every request into a listing: until the
    // backoff has passed, requests get the last failure without asking storage again.
    if (!this.listed && this.firstFailure && started < this.firstFailure.until) throw this.firstFailure.error;
    const cached = this.listed ? undefined : await this.readCache();
    if (cached !== undefined) {
      try {
        const models = await this.aspiredFrom(started, cached);
        if (this.fromCache) this.checkedAt = -Infinity; // the real listing is due at once
        return models;
      } catch (e) {
        // Whatever the persisted listing led to (a config since fixed, …), the real one decides.
        this.logger.log('warn', 'persisted_listing_unusable', { error: errorText(e) });
      }
    }
    return this.aspiredFrom(started, undefined);
  }

  /** One listing (the persisted one when `cached` is given, else the repository's) applied to the config. */
  private async aspiredFrom(started: number, cached: PersistedListing | undefined): Promise<Map<string, AspiredModel> | undefined> {
    let configs: Map<string, ModelConfig>;
    let listing: RepositoryListing | undefined;
    try {
      const explicit = typeof this.explicit === 'function' ? await this.explicit() : this.explicit;
      // Only a config whose every model has its own place can do without the repository's listing.
      const needsRepository = explicit === undefined || explicit.models.some((m) => m.location === undefined);
      // The first listing's config file: persisted with the listing, or read alongside the LIST.
      const prefetched = this.listed || explicit ? undefined : cached ? persistedConfig(cached) : this.configReader.prefetch();
      const objects = needsRepository ? (cached?.objects ?? (await this.stores.repository.list(''))) : undefined;
      listing = objects && new RepositoryListing(objects);
      configs = explicit ? new Map(explicit.models.map((m) => [m.name, m])) : await this.repositoryModels(listing!, prefetched);
      if (objects && !cached) this.persist(objects, explicit ? undefined : this.configReader.file);
      if (!this.listed) this.warnings.mode(explicit !== undefined, configs.size);
    } catch (e) {
      if (cached !== undefined) throw e; // aspiredModels falls back to the real listing
      if (!this.listed) {
        const count = (this.firstFailure?.count ?? 0) + 1;
        const error = startupError(e, this.logger);
        this.firstFailure = { error, count, until: this.now() + Math.min(FIRST_LISTING_BACKOFF_MS * 2 ** (count - 1), MAX_LISTING_BACKOFF_MS) };
        throw error;
      }
      this.logger.log('warn', 'refresh_failed', { error: errorText(e), keeping: 'current versions' });
      this.checkedAt = started;
      return undefined;
    }
    const models = new Map<string, AspiredModel>();
    await Promise.all(
      [...configs.values()].map(async (config) => {
        const present = config.location === undefined ? listing!.versions(config.basePath) : await this.listOwnPlace(config);
        if (present === undefined) return void models.set(config.name, { config, present: new Map(), aspired: new Set(), stale: true });
        models.set(config.name, { config, present, aspired: new Set(aspiredVersions(config.versionPolicy, [...present.keys()])) });
      }),
    );
    this.warnings.check(listing, models);
    this.checkedAt = started;
    this.listed = true;
    this.fromCache = cached !== undefined && listing !== undefined;
    return models;
  }

  /** The persisted listing, if there is a cache and a usable entry (a failing cache counts as none). */
  private async readCache(): Promise<PersistedListing | undefined> {
    if (this.listingCache === undefined) return undefined;
    const persisted = await this.listingCache.read().catch(() => undefined);
    if (persisted !== undefined) this.cachedFingerprint = fingerprintOf(persisted);
    return persisted;
  }

  /** A real listing and its config file, written back to the cache when they changed (in the background; failures ignored). */
  private persist(objects: readonly ObjectInfo[], config: PersistedListing['config']): void {
    const cache = this.listingCache;
    if (cache === undefined) return;
    const listing: PersistedListing = { objects, config };
    const fingerprint = fingerprintOf(listing);
    if (fingerprint === this.cachedFingerprint) return;
    this.cachedFingerprint = fingerprint;
    this.writing = this.writing.then(() => cache.write(listing)).catch((e: unknown) => {
      this.cachedFingerprint = undefined; // try again after the next listing
      this.logger.log('warn', 'listing_cache_write_failed', { error: errorText(e) });
    });
  }

  /** Top-level folders with versions (the default policy), with the repository config's entries added or overriding. */
  private async repositoryModels(listing: RepositoryListing, prefetched: Promise<EarlyConfig | undefined> | undefined): Promise<Map<string, ModelConfig>> {
    const config = await this.configReader.read(listing, { prefetched, strict: !this.listed });
    const configs = new Map<string, ModelConfig>();
    const configuredPaths = new Set((config?.models ?? []).map((m) => m.basePath));
    for (const folder of listing.modelFolders()) {
      // A folder a config entry serves under another name is not a second model.
      if (!configuredPaths.has(folder)) configs.set(folder, defaultModelConfig(folder));
    }
    for (const m of config?.models ?? []) configs.set(m.name, m);
    return configs;
  }

  /** A model's own folder; undefined when it cannot be listed now (logged; the model keeps what it has). */
  private async listOwnPlace(config: ModelConfig): Promise<Map<number, PresentVersion> | undefined> {
    try {
      return new RepositoryListing(await this.stores.of(config).list('')).versions('');
    } catch (e) {
      this.logger.log('warn', 'model_listing_failed', { model: config.name, base_path: config.location, error: errorText(e) });
      return undefined;
    }
  }
}

/** The first retry of a failed first listing, doubling up to the maximum. */
const FIRST_LISTING_BACKOFF_MS = 500;
const MAX_LISTING_BACKOFF_MS = 30_000;

/** The config file persisted with a listing, as if just read (the reader uses it only if the listing names its ETag). */
function persistedConfig(cached: PersistedListing): Promise<EarlyConfig | undefined> | undefined {
  const file = cached.config;
  return file && Promise.resolve({ key: file.key, object: { bytes: new TextEncoder().encode(file.text), etag: file.etag } });
}

/** What an entry holds, to skip writing one that is already there: the listing, and whether a config file's text went with it. */
function fingerprintOf(listing: PersistedListing): string {
  return `${listingFingerprint(listing.objects)} ${listing.config?.etag ?? ''}`;
}

/** Nothing to serve yet: the request that is waiting gets the reason. */
function startupError(e: unknown, logger: Logger): unknown {
  if (e instanceof StoreUnavailableError) return storageUnavailable(e, logger);
  if (e instanceof ConfigError) return new ServingError('FAILED_PRECONDITION', e.message);
  return e;
}
