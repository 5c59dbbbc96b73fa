// TF Serving's Source: one listing of the repository (plus the config, re-read only when its
// ETag changes) becomes every model's present and aspired versions. The Manager applies them.
// The first listing must succeed (there is nothing to serve without it); later failures are
// logged and change nothing, so what is loaded keeps serving through a storage outage.
import { ConfigError, defaultModelConfig, type ModelConfig, type RepositoryConfig } from '../config/model-config.ts';
import type { Logger } from '../util/log.ts';
import { ServingError } from '../util/status.ts';
import { StoreUnavailableError, type ModelStore } from '../storage/model-store.ts';
import { ConfigReader } from './config-reader.ts';
import { RepositoryListing, type PresentVersion } from './listing.ts';
import { errorText } from './loader.ts';
import { aspiredVersions } from './policy.ts';

/** What the Source says of one model after a listing. */
export interface AspiredModel {
  readonly config: ModelConfig;
  readonly present: ReadonlyMap<number, PresentVersion>;
  readonly aspired: ReadonlySet<number>;
}

export class Source {
  private readonly configReader: ConfigReader;
  /** When the last listing was made (successful or not), and whether one ever succeeded. */
  private checkedAt = -Infinity;
  private listed = false;

  constructor(
    private readonly store: ModelStore,
    private readonly logger: Logger,
    /** A config given up front (file, environment); otherwise the repository's own file. */
    config: RepositoryConfig | undefined,
    private readonly now: () => number,
  ) {
    this.configReader = new ConfigReader(store, logger, config);
  }

  get listedOnce(): boolean {
    return this.listed;
  }

  /** Whether a listing older than `intervalMs` calls for a refresh (0: list once). */
  due(intervalMs: number): boolean {
    return intervalMs > 0 && this.now() - this.checkedAt >= intervalMs;
  }

  /**
   * Every model of the repository with its aspired versions: the top-level folders that hold
   * versions (default policy), with the config's entries added or overriding. undefined: a later
   * listing failed and nothing should change.
   */
  async aspiredModels(): Promise<Map<string, AspiredModel> | undefined> {
    const started = this.now();
    let listing: RepositoryListing;
    let config: RepositoryConfig | undefined;
    try {
      const prefetched = this.listed ? undefined : this.configReader.prefetch();
      listing = new RepositoryListing(await this.store.list(''));
      config = await this.configReader.read(listing, { prefetched, strict: !this.listed });
    } catch (e) {
      if (!this.listed) {
        // Nothing to serve yet: the request that is waiting gets the reason.
        if (e instanceof StoreUnavailableError) throw new ServingError('UNAVAILABLE', `Model storage is unavailable: ${e.message}`);
        if (e instanceof ConfigError) throw new ServingError('FAILED_PRECONDITION', e.message);
        throw e;
      }
      this.logger.log('warn', 'refresh_failed', { error: errorText(e), keeping: 'current versions' });
      this.checkedAt = started;
      return undefined;
    }
    const configs = new Map<string, ModelConfig>();
    const configuredPaths = new Set((config?.models ?? []).map((m) => m.basePath));
    for (const folder of listing.modelFolders()) {
      // A folder a config entry serves under another name is not a second model.
      if (!configuredPaths.has(folder)) configs.set(folder, defaultModelConfig(folder));
    }
    for (const m of config?.models ?? []) configs.set(m.name, m);
    const models = new Map<string, AspiredModel>();
    for (const [name, modelConfig] of configs) {
      const present = listing.versions(modelConfig.basePath);
      models.set(name, { config: modelConfig, present, aspired: new Set(aspiredVersions(modelConfig.versionPolicy, [...present.keys()])) });
    }
    this.checkedAt = started;
    this.listed = true;
    return models;
  }
}
