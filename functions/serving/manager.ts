// TF Serving's Manager for stateless platforms: it discovers a model's versions on first use,
// loads the aspired ones lazily and once (concurrent cold requests share one load), tracks each
// version's state for the status API, and hands out Servables by TF Serving's resolution rules.
import type { Logger } from '../log.ts';
import { ServingError } from '../rest/status.ts';
import type { StatusCode } from '../rest/status.ts';
import type { VersionSelector } from '../rest/url-grammar.ts';
import { StoreUnavailableError } from '../storage/model-store.ts';
import { errorText, type Loader } from './loader.ts';
import { aspiredVersions, defaultModelConfig, type ModelConfig, type RepositoryConfig } from './model-config.ts';
import type { Servable } from './servable.ts';
import type { Source } from './source.ts';

export type VersionState = 'START' | 'LOADING' | 'AVAILABLE' | 'UNLOADING' | 'END';

export interface VersionStatus {
  readonly version: number;
  readonly state: VersionState;
  readonly errorCode: StatusCode;
  readonly errorMessage: string;
}

class VersionSlot {
  state: VersionState = 'START';
  error: ServingError | undefined;
  servable: Servable | undefined;
  private loading: Promise<void> | undefined;

  constructor(
    readonly version: number,
    readonly folder: string,
  ) {}

  /** Loads once; later and concurrent calls share the first attempt. */
  ensureLoaded(load: () => Promise<Servable>, log: Logger, model: string): Promise<void> {
    this.loading ??= (async () => {
      this.state = 'LOADING';
      const started = Date.now();
      try {
        this.servable = await load();
        this.state = 'AVAILABLE';
        log.log('info', 'version_loaded', { model, version: this.version, ms: Date.now() - started });
      } catch (e) {
        this.error = e instanceof ServingError ? e : new ServingError('UNKNOWN', errorText(e));
        this.state = 'END';
        log.log('error', 'version_load_failed', { model, version: this.version, code: this.error.code, error: this.error.message });
      }
    })();
    return this.loading;
  }
}

interface ModelEntry {
  readonly config: ModelConfig;
  /** Aspired versions by number. */
  readonly slots: Map<number, VersionSlot>;
}

export interface ManagerOptions {
  readonly source: Source;
  readonly loader: Loader;
  readonly logger: Logger;
}

export class Manager {
  private repository: Promise<Map<string, ModelConfig>> | undefined;
  private readonly entries = new Map<string, Promise<ModelEntry | undefined>>();

  constructor(private readonly options: ManagerOptions) {}

  /** Status of every tracked version, highest first (GetModelStatus). */
  async status(model: string, version?: number): Promise<VersionStatus[]> {
    const entry = await this.entry(model);
    if (entry === undefined || entry.slots.size === 0) {
      throw new ServingError('NOT_FOUND', `Could not find any versions of model ${model}`);
    }
    const slots = [...entry.slots.values()].sort((a, b) => b.version - a.version);
    const chosen = version === undefined ? slots : slots.filter((s) => s.version === version);
    if (chosen.length === 0) throw new ServingError('NOT_FOUND', `Could not find version ${version} of model ${model}`);
    return chosen.map((s) => ({
      version: s.version,
      state: s.state,
      errorCode: s.error?.code ?? 'OK',
      errorMessage: s.error?.message ?? '',
    }));
  }

  /** The servable a request asks for, loading it first if it is aspired and still cold. */
  async servable(model: string, selector: VersionSelector): Promise<Servable> {
    const entry = await this.entry(model);
    if (selector.kind === 'label') {
      const version = entry?.config.versionLabels.get(selector.label);
      if (version === undefined) {
        throw new ServingError('INVALID_ARGUMENT', `Unrecognized servable version label: ${selector.label}`);
      }
      return this.specific(entry!, model, version);
    }
    if (selector.kind === 'version') {
      if (entry === undefined) throw notFoundSpecific(model, selector.version);
      return this.specific(entry, model, selector.version);
    }
    if (entry !== undefined) {
      // Latest: the highest version that is, or becomes, AVAILABLE.
      const slots = [...entry.slots.values()].sort((a, b) => b.version - a.version);
      for (const slot of slots) {
        if (slot.state !== 'END') await this.load(entry, slot);
        if (slot.state === 'AVAILABLE') return slot.servable!;
      }
      const unavailable = slots.find((s) => s.error?.code === 'UNAVAILABLE');
      if (unavailable) throw unavailable.error!;
    }
    throw new ServingError('NOT_FOUND', `Servable not found for request: Latest(${model})`);
  }

  /** Discovers every model and loads all aspired versions; what a long-lived server does at start. */
  async loadAll(): Promise<VersionStatus[][]> {
    const names = [...(await this.repositoryConfig()).keys()];
    return Promise.all(
      names.map(async (name) => {
        const entry = await this.entry(name);
        if (entry) await Promise.all([...entry.slots.values()].map((s) => this.load(entry, s)));
        return this.status(name).catch(() => []);
      }),
    );
  }

  /** Unloads everything (server shutdown). */
  async close(): Promise<void> {
    for (const pending of this.entries.values()) {
      const entry = await pending;
      for (const slot of entry?.slots.values() ?? []) {
        if (slot.servable) {
          slot.state = 'UNLOADING';
          await slot.servable.unload().catch(() => {});
          slot.servable = undefined;
          slot.state = 'END';
        }
      }
    }
  }

  private async specific(entry: ModelEntry, model: string, version: number): Promise<Servable> {
    const slot = entry.slots.get(version);
    if (slot !== undefined) {
      await this.load(entry, slot);
      if (slot.state === 'AVAILABLE') return slot.servable!;
      if (slot.error?.code === 'UNAVAILABLE') throw slot.error;
    }
    throw notFoundSpecific(model, version);
  }

  private load(entry: ModelEntry, slot: VersionSlot): Promise<void> {
    return slot.ensureLoaded(
      () => this.options.loader.load(entry.config, slot.version, slot.folder),
      this.options.logger,
      entry.config.name,
    );
  }

  private entry(model: string): Promise<ModelEntry | undefined> {
    let entry = this.entries.get(model);
    if (entry === undefined) {
      entry = this.discover(model);
      this.entries.set(model, entry);
      // A storage outage must not be remembered as "no such model".
      entry.catch(() => this.entries.delete(model));
    }
    return entry;
  }

  private async discover(model: string): Promise<ModelEntry | undefined> {
    const config = (await this.repositoryConfig()).get(model);
    if (config === undefined) return undefined;
    const present = await this.storage(() => this.options.source.versions(config.basePath));
    const slots = new Map<number, VersionSlot>();
    for (const version of aspiredVersions(config.versionPolicy, [...present.keys()])) {
      slots.set(version, new VersionSlot(version, present.get(version)!));
    }
    this.options.logger.log('info', 'model_discovered', { model, versions: [...slots.keys()] });
    return { config, slots };
  }

  /** Configured models plus every folder at the repository root. */
  private repositoryConfig(): Promise<Map<string, ModelConfig>> {
    this.repository ??= this.storage(async () => {
      const { source } = this.options;
      const [config, folders] = await Promise.all([source.config(), source.modelFolders()]);
      const models = new Map<string, ModelConfig>();
      for (const folder of folders) models.set(folder, defaultModelConfig(folder));
      for (const m of (config as RepositoryConfig | undefined)?.models ?? []) models.set(m.name, m);
      return models;
    });
    this.repository.catch(() => (this.repository = undefined));
    return this.repository;
  }

  private async storage<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (e) {
      if (e instanceof StoreUnavailableError) {
        throw new ServingError('UNAVAILABLE', `Model storage is unavailable: ${e.message}`);
      }
      throw e;
    }
  }
}

function notFoundSpecific(model: string, version: number): ServingError {
  return new ServingError('NOT_FOUND', `Servable not found for request: Specific(${model}, ${version})`);
}
