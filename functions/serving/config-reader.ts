// The repository's own config file (models.config.json or models.config at its root), re-read
// only when its ETag changes. A config given up front is the Source's business, not this file's.
import type { Logger } from '../util/log.ts';
import { NOT_MODIFIED, type ModelStore, type StoredObject } from '../storage/model-store.ts';
import { CONFIG_FILES, parseRepositoryConfig, type RepositoryConfig } from '../config/model-config.ts';
import type { RepositoryListing } from './listing.ts';

export class ConfigReader {
  private current: RepositoryConfig | undefined;
  private etag: string | undefined;
  private key: string | undefined;

  constructor(
    private readonly store: ModelStore,
    private readonly logger: Logger,
  ) {}

  /**
   * A cold start has no listing yet to say whether the config exists: reading the usual file
   * alongside the first listing saves a round trip on the cold path (a 404 costs one request).
   */
  prefetch(): Promise<StoredObject | undefined> | undefined {
    return this.store.get(CONFIG_FILES[0]).then(
      (got) => (got === NOT_MODIFIED ? undefined : got),
      () => undefined, // the listing reports outages; the read is retried after it
    );
  }

  /**
   * The config for this listing. A file whose ETag is unchanged costs nothing; a changed one is
   * fetched conditionally. An invalid file is logged and the last good config (or none) kept;
   * with `strict` (the first listing) it throws ConfigError instead.
   */
  async read(
    listing: RepositoryListing,
    { prefetched, strict }: { prefetched?: Promise<StoredObject | undefined>; strict: boolean },
  ): Promise<RepositoryConfig | undefined> {
    const key = CONFIG_FILES.find((k) => listing.object(k) !== undefined);
    if (key === undefined) {
      this.current = this.etag = this.key = undefined;
      return undefined;
    }
    const listed = listing.object(key)!;
    if (key === this.key && listed.etag === this.etag) return this.current;
    const early = key === CONFIG_FILES[0] ? await prefetched : undefined;
    const got = early?.etag === listed.etag ? early : await this.store.get(key, key === this.key ? this.etag : undefined);
    if (got === NOT_MODIFIED) return this.current;
    if (got === undefined) return this.current; // deleted between the listing and the read
    try {
      const config = parseRepositoryConfig(new TextDecoder().decode(got.bytes), key);
      if (this.key !== undefined) this.logger.log('info', 'config_reloaded', { file: key, models: config.models.length });
      this.current = config;
    } catch (e) {
      // At start there is nothing to keep: the server must not come up on a config it cannot read.
      if (strict) throw e;
      this.logger.log('error', 'config_rejected', { file: key, error: (e as Error).message, keeping: 'previous config' });
    }
    this.key = key;
    this.etag = got.etag;
    return this.current;
  }
}
