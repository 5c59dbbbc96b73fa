// The repository's own config file (models.config.json or models.config at its root), re-read
// only when its ETag changes. A config given up front is the Source's business, not this file's.
import type { Logger } from '../util/log.ts';
import { NOT_MODIFIED, type ModelStore, type StoredObject } from '../storage/model-store.ts';
import { CONFIG_FILES, parseRepositoryConfig, type RepositoryConfig } from '../config/model-config.ts';
import type { PersistedFile } from './listing-cache.ts';
import type { RepositoryListing } from './listing.ts';

/** A config file read before its listing said which one exists (or persisted with an earlier listing). */
export interface EarlyConfig {
  readonly key: string;
  readonly object: StoredObject;
}

export class ConfigReader {
  private current: RepositoryConfig | undefined;
  private etag: string | undefined;
  private key: string | undefined;
  /** The current config's text, for the persisted listing. */
  private text: string | undefined;

  constructor(
    private readonly store: ModelStore,
    private readonly logger: Logger,
  ) {}

  /**
   * A cold start has no listing yet to say whether the config exists: reading the usual file
   * alongside the first listing saves a round trip on the cold path (a 404 costs one request).
   */
  prefetch(): Promise<EarlyConfig | undefined> {
    const key = CONFIG_FILES[0];
    return this.store.get(key).then(
      (got) => (got === NOT_MODIFIED || got === undefined ? undefined : { key, object: got }),
      () => undefined, // the listing reports outages; the read is retried after it
    );
  }

  /** The config file as last read and accepted (its key, ETag and text); none without one. */
  get file(): PersistedFile | undefined {
    return this.key === undefined || this.etag === undefined || this.text === undefined ? undefined : { key: this.key, etag: this.etag, text: this.text };
  }

  /**
   * The config for this listing. A file whose ETag is unchanged costs nothing; a changed one is
   * fetched conditionally. An invalid file is logged and the last good config (or none) kept;
   * with `strict` (the first listing) it throws ConfigError instead.
   */
  async read(
    listing: RepositoryListing,
    { prefetched, strict }: { prefetched?: Promise<EarlyConfig | undefined>; strict: boolean },
  ): Promise<RepositoryConfig | undefined> {
    const key = CONFIG_FILES.find((k) => listing.object(k) !== undefined);
    if (key === undefined) {
      this.current = this.etag = this.key = this.text = undefined;
      return undefined;
    }
    const listed = listing.object(key)!;
    if (key === this.key && listed.etag === this.etag) return this.current;
    const early = await prefetched;
    const got = early?.key === key && early.object.etag === listed.etag ? early.object : await this.store.get(key, key === this.key ? this.etag : undefined);
    if (got === NOT_MODIFIED) return this.current;
    if (got === undefined) return this.current; // deleted between the listing and the read
    try {
      const text = new TextDecoder().decode(got.bytes);
      const config = parseRepositoryConfig(text, key);
      if (this.key !== undefined) this.logger.log('info', 'config_reloaded', { file: key, models: config.models.length });
      this.current = config;
      this.text = text;
    } catch (e) {
      // At start there is nothing to keep: the server must not come up on a config it cannot read.
      if (strict) throw e;
      this.text = undefined; // the ETag below is the rejected file's: no text goes with it
      this.logger.log('error', 'config_rejected', { file: key, error: (e as Error).message, keeping: 'previous config' });
    }
    this.key = key;
    this.etag = got.etag;
    return this.current;
  }
}
