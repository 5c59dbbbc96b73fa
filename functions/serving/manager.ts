// TF Serving's Manager, rebuilt for platforms where nothing runs between requests:
// - one listing of the repository (plus a conditional read of its config) is the whole refresh,
//   made lazily when the refresh interval has passed, off the request path (waitUntil);
// - versions load on first use, once however many requests arrive cold, or in the background
//   once their model is in use, so a new version never makes a request wait;
// - swaps preserve availability (the old version unloads once the new one is AVAILABLE, and stays
//   if the new one fails); a failed load is retried with backoff, or when its bytes change;
// - a memory budget unloads the least recently used versions, which reload on demand.
import type { Logger } from '../util/log.ts';
import { ServingError } from '../util/status.ts';
import type { VersionSelector } from './servable-request.ts';
import { StoreUnavailableError, type ModelStore } from '../storage/model-store.ts';
import { ConfigReader } from './config-reader.ts';
import type { ServingMetrics } from '../metrics/serving-metrics.ts';
import { errorText, type Loader, type LoadTimings } from './loader.ts';
import { aspiredVersions, ConfigError, defaultModelConfig, type ModelConfig, type RepositoryConfig } from '../config/model-config.ts';
import type { Servable } from './servable.ts';
import { RepositorySnapshot, type PresentVersion } from './source.ts';
import { admit } from './memory-budget.ts';
import { VersionSlot, type VersionStatus } from './harness.ts';

export type { VersionState, VersionStatus } from './harness.ts';

export interface ManagerOptions {
  readonly store: ModelStore;
  readonly loader: Loader;
  readonly logger: Logger;
  /** A config given up front (file, environment); otherwise the repository's own config file. */
  readonly config?: RepositoryConfig;
  /** TF Serving's file_system_poll_wait_seconds, in ms: how stale a listing may get. 0: list once. */
  readonly refreshIntervalMs: number;
  /** Model bytes that may be loaded at once; least recently used versions unload past it. */
  readonly memoryBudgetBytes: number;
  /** TF Serving's max_num_load_retries, and the first retry's delay (doubling after each failure). */
  readonly maxLoadRetries: number;
  readonly loadRetryIntervalMs: number;
  /** The longest one load (fetch, verify, session, warmup) may take. Default 120 s. */
  readonly loadTimeoutMs?: number;
  readonly metrics?: ServingMetrics;
  readonly now?: () => number;
}

/** Per request: where background work goes (a Worker's ctx.waitUntil); default: just run it. */
export interface RequestContext {
  waitUntil?(work: Promise<unknown>): void;
  /** Filled in when this request waited for a version to load (a cold start), for Server-Timing. */
  cold?: LoadTimings;
}

class ModelState {
  readonly slots = new Map<number, VersionSlot>();
  /** Asked for at least once (or preloaded): new versions then load in the background. */
  active = false;

  constructor(public config: ModelConfig) {}

  sorted(): VersionSlot[] {
    return [...this.slots.values()].sort((a, b) => b.version - a.version);
  }
}

export class Manager {
  private readonly models = new Map<string, ModelState>();
  private readonly configReader: ConfigReader;
  private readonly now: () => number;
  private checkedAt = -Infinity;
  private listedOnce = false;
  private refreshing: Promise<Promise<void>[]> | undefined;

  constructor(private readonly options: ManagerOptions) {
    this.configReader = new ConfigReader(options.store, options.logger, options.config);
    this.now = options.now ?? (() => Date.now());
  }

  /** Status of every version ever tracked, highest first (GetModelStatus). */
  async status(model: string, version?: number | bigint, ctx?: RequestContext): Promise<VersionStatus[]> {
    await this.ready(ctx);
    const state = this.models.get(model);
    if (state === undefined || state.slots.size === 0) {
      throw new ServingError('NOT_FOUND', `Could not find any versions of model ${model}`);
    }
    const slots = state.sorted().filter((s) => version === undefined || s.version === version);
    if (slots.length === 0) throw new ServingError('NOT_FOUND', `Could not find version ${version} of model ${model}`);
    return slots.map((s) => s.status());
  }

  /** A model's current config (reloaded with the repository's), or undefined for an unknown model. */
  async modelConfig(model: string, ctx?: RequestContext): Promise<ModelConfig | undefined> {
    await this.ready(ctx);
    return this.models.get(model)?.config;
  }

  /** The servable a request asks for, by TF Serving's rules, loading it first if it is cold. */
  async servable(model: string, selector: VersionSelector, ctx?: RequestContext): Promise<Servable> {
    await this.ready(ctx);
    const state = this.models.get(model);
    if (selector.kind === 'label') {
      const version = state?.config.versionLabels.get(selector.label);
      if (version === undefined) {
        throw new ServingError('INVALID_ARGUMENT', `Unrecognized servable version label: ${selector.label}`);
      }
      return this.specific(state!, model, version, ctx);
    }
    if (selector.kind === 'version') {
      if (state === undefined) throw notFoundSpecific(model, selector.version);
      return this.specific(state, model, selector.version, ctx);
    }
    const servable = state === undefined ? undefined : await this.latest(state, ctx);
    if (servable === undefined) throw new ServingError('NOT_FOUND', `Servable not found for request: Latest(${model})`);
    return servable;
  }

  /**
   * The scheduled warm-up (Workers cron, EventBridge) and the Node server's start: refresh now,
   * then load every aspired version of the named models (all when none are named).
   */
  async warmup(models?: readonly string[]): Promise<Map<string, VersionStatus[]>> {
    await Promise.all(await this.refresh());
    const names = models ?? [...this.models.keys()];
    const out = new Map<string, VersionStatus[]>();
    await Promise.all(
      names.map(async (name) => {
        const state = this.models.get(name);
        if (state === undefined) return;
        state.active = true;
        await Promise.all(state.sorted().filter((s) => this.loadable(s)).map((s) => this.load(state, s)));
        out.set(name, state.sorted().map((s) => s.status()));
      }),
    );
    return out;
  }

  /** Unloads everything (server shutdown). */
  async close(): Promise<void> {
    for (const state of this.models.values()) {
      for (const slot of state.slots.values()) await slot.loading;
      await Promise.all(state.sorted().filter((s) => s.state === 'AVAILABLE').map((s) => this.unload(state, s, 'END')));
    }
  }

  /** Bytes of the versions loaded, loading or draining now (what the memory budget counts). */
  residentBytes(): number {
    let total = 0;
    for (const state of this.models.values()) for (const s of state.slots.values()) if (s.resident) total += s.sizeBytes;
    return total;
  }

  // ---- resolution ----

  /** The servable of `slot` if it is AVAILABLE, taken with the check (no await in between). */
  private use(slot: VersionSlot): Servable | undefined {
    if (slot.state !== 'AVAILABLE' || slot.servable === undefined) return undefined;
    slot.lastUsed = this.now();
    return slot.servable;
  }

  /** Makes a cold, evicted-and-draining or loading slot AVAILABLE if it can be. */
  private async bringUp(state: ModelState, slot: VersionSlot, ctx?: RequestContext): Promise<void> {
    if (slot.unloading) await slot.unloading; // evicted a moment ago: let it drain, then reload
    let waited: Promise<void> | undefined;
    if (this.loadable(slot)) waited = this.load(state, slot);
    else if (slot.loading) waited = slot.loading; // another request's load: wait for the same one
    if (waited === undefined) return;
    await waited;
    if (slot.state === 'AVAILABLE' && slot.lastLoad && ctx) {
      ctx.cold = slot.lastLoad;
      this.options.metrics?.coldLoads.inc([state.config.name]);
    }
  }

  private async latest(state: ModelState, ctx?: RequestContext): Promise<Servable | undefined> {
    state.active = true;
    const slots = state.sorted();
    const available = slots.find((s) => s.state === 'AVAILABLE');
    for (const s of slots) {
      // Serve what is loaded now; a newer aspired version loads in the background meanwhile.
      if (available && s.version < available.version) break;
      if (available && s !== available) {
        if (this.loadable(s)) this.background(this.load(state, s), ctx);
        continue;
      }
      if (s !== available) await this.bringUp(state, s, ctx);
      const servable = this.use(s);
      if (servable) return servable;
    }
    // Between a cold wait and now, another version may have become AVAILABLE.
    for (const s of state.sorted()) {
      const servable = this.use(s);
      if (servable) return servable;
    }
    const unavailable = slots.find((s) => s.aspired && s.error?.code === 'UNAVAILABLE');
    if (unavailable) throw unavailable.error;
    return undefined;
  }

  private async specific(state: ModelState, model: string, version: number | bigint, ctx?: RequestContext): Promise<Servable> {
    state.active = true;
    const slot = typeof version === "number" ? state.slots.get(version) : undefined;
    if (slot !== undefined) {
      if (slot.state !== 'AVAILABLE') await this.bringUp(state, slot, ctx);
      const servable = this.use(slot);
      if (servable) return servable;
      if (slot.error?.code === 'UNAVAILABLE') throw slot.error;
    }
    throw notFoundSpecific(model, version);
  }

  /** Aspired and cold; a failed load only after its backoff, and a storage outage sooner. */
  private loadable(slot: VersionSlot): boolean {
    if (!slot.aspired || slot.loading || slot.unloading) return false;
    if (slot.state === 'START') return true;
    return slot.state === 'END' && slot.error?.code === 'UNAVAILABLE' && this.now() >= slot.retryAt;
  }

  // ---- refresh ----

  /** The first request waits for the first listing; later ones only start a refresh when due. */
  private async ready(ctx?: RequestContext): Promise<void> {
    if (!this.listedOnce) {
      await this.refresh();
      return;
    }
    const interval = this.options.refreshIntervalMs;
    if (interval > 0 && this.now() - this.checkedAt >= interval && !this.refreshing) {
      // The refresh, and the loads of new versions it starts, ride on the platform's waitUntil.
      this.background(this.refresh().then((loads) => Promise.all(loads)), ctx);
    }
  }

  /**
   * One listing of the repository, then every model's versions are brought in line with it.
   * Resolves once the listing is applied, with the background loads it started (a slow load never
   * holds up the next refresh).
   */
  refresh(): Promise<Promise<void>[]> {
    this.refreshing ??= this.refreshOnce().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async refreshOnce(): Promise<Promise<void>[]> {
    const started = this.now();
    let snapshot: RepositorySnapshot;
    let config: RepositoryConfig | undefined;
    try {
      const prefetched = this.listedOnce ? undefined : this.configReader.prefetch();
      snapshot = new RepositorySnapshot(await this.options.store.list(''));
      config = await this.configReader.read(snapshot, { prefetched, strict: !this.listedOnce });
    } catch (e) {
      if (!this.listedOnce) {
        // Nothing to serve yet: the request that is waiting gets the reason.
        if (e instanceof StoreUnavailableError) throw new ServingError('UNAVAILABLE', `Model storage is unavailable: ${e.message}`);
        if (e instanceof ConfigError) throw new ServingError('FAILED_PRECONDITION', e.message);
        throw e;
      }
      // Later failures change nothing: what is loaded keeps serving until a listing succeeds.
      this.options.logger.log('warn', 'refresh_failed', { error: errorText(e), keeping: 'current versions' });
      this.checkedAt = started;
      return [];
    }
    const configs = new Map<string, ModelConfig>();
    const configuredPaths = new Set((config?.models ?? []).map((m) => m.basePath));
    for (const folder of snapshot.modelFolders()) {
      // A folder a config entry serves under another name is not a second model.
      if (!configuredPaths.has(folder)) configs.set(folder, defaultModelConfig(folder));
    }
    for (const m of config?.models ?? []) configs.set(m.name, m);
    const loads: Promise<void>[] = [];
    for (const [name, modelConfig] of configs) {
      let state = this.models.get(name);
      if (state === undefined) this.models.set(name, (state = new ModelState(modelConfig)));
      state.config = modelConfig;
      loads.push(...this.applyListing(state, snapshot.versions(modelConfig.basePath)));
    }
    for (const [name, state] of this.models) if (!configs.has(name)) this.applyListing(state, new Map());
    this.checkedAt = started;
    this.listedOnce = true;
    return loads;
  }

  /** Brings a model's versions in line with a listing; returns the background loads it started. */
  private applyListing(state: ModelState, present: Map<number, PresentVersion>): Promise<void>[] {
    const aspired = new Set(aspiredVersions(state.config.versionPolicy, [...present.keys()]));
    const now = this.now();
    for (const slot of state.slots.values()) {
      slot.aspired = aspired.has(slot.version);
      // Gone from storage (or the policy) while cold: it will not load again.
      if (!slot.aspired && slot.state === 'START') slot.state = 'END';
    }
    for (const version of aspired) {
      const listed = present.get(version)!;
      let slot = state.slots.get(version);
      if (slot === undefined) {
        state.slots.set(version, (slot = new VersionSlot(version, listed)));
        this.options.logger.log('info', 'version_discovered', { model: state.config.name, version });
      }
      slot.present = listed;
      if (slot.state === 'END' && !slot.loading) {
        const changed = slot.error !== undefined && slot.fingerprint !== slot.failedFingerprint;
        const retryDue = slot.error !== undefined && slot.failures <= this.options.maxLoadRetries && now >= slot.retryAt;
        // Storage answered this listing: an outage's failures may retry now.
        if (slot.error?.code === 'UNAVAILABLE') slot.retryAt = now;
        // Unloaded earlier and wanted again, or failed and due a retry (or re-uploaded): cold again.
        if (slot.error === undefined || changed || retryDue) slot.state = 'START';
        if (changed) slot.failures = 0;
      }
    }
    const loads = state.active ? [...state.slots.values()].filter((s) => this.loadable(s)).map((s) => this.load(state, s)) : [];
    this.settle(state);
    return loads;
  }

  /**
   * AvailabilityPreservingPolicy: a version no longer aspired unloads, lowest first, unless it is
   * the only one loaded while an aspired one is not ready; with nothing aspired, all unload.
   */
  private settle(state: ModelState): void {
    const anyAspired = [...state.slots.values()].some((s) => s.aspired);
    const stale = state.sorted().reverse().filter((s) => !s.aspired && s.state === 'AVAILABLE');
    for (const slot of stale) {
      const othersLoaded = [...state.slots.values()].some((s) => s !== slot && s.state === 'AVAILABLE');
      if (!anyAspired || othersLoaded) void this.unload(state, slot, 'END');
    }
  }

  // ---- loading and unloading ----

  private load(state: ModelState, slot: VersionSlot): Promise<void> {
    slot.loading ??= this.loadOnce(state, slot).finally(() => {
      slot.loading = undefined;
      this.settle(state);
    });
    return slot.loading;
  }

  private async loadOnce(state: ModelState, slot: VersionSlot): Promise<void> {
    const model = state.config.name;
    const { logger } = this.options;
    // What is being loaded, captured now: a refresh may update the slot's listing meanwhile.
    const present = slot.present;
    const fingerprint = slot.fingerprint;
    slot.state = 'LOADING';
    slot.admitted = false;
    try {
      await this.makeRoom(slot, model);
      const { servable, timings } = await this.withLoadDeadline(this.options.loader.load(state.config, present), model, slot.version);
      slot.lastLoad = timings;
      this.recordLoad(`${state.config.basePath}/${present.folder}`, 'success', timings);
      slot.servable = servable;
      slot.state = 'AVAILABLE';
      slot.error = undefined;
      slot.failures = 0;
      slot.failedFingerprint = undefined;
      slot.lastUsed = this.now();
      logger.log('info', 'version_loaded', {
        model, version: slot.version, bytes: servable.sizeBytes, backend: this.options.loader.backendName,
        fetch_ms: round(timings.fetchMs), session_ms: round(timings.sessionMs), warmup_ms: round(timings.warmupMs),
      });
    } catch (e) {
      const error = e instanceof ServingError ? e : new ServingError('UNKNOWN', errorText(e));
      slot.error = error;
      slot.state = 'END';
      slot.failures++;
      const delay = this.options.loadRetryIntervalMs * 2 ** (slot.failures - 1);
      // An outage is retried at least every MAX_OUTAGE_BACKOFF_MS, and at once after a good listing.
      slot.retryAt = this.now() + (error.code === 'UNAVAILABLE' ? Math.min(delay, MAX_OUTAGE_BACKOFF_MS) : delay);
      slot.failedFingerprint = fingerprint;
      this.recordLoad(`${state.config.basePath}/${present.folder}`, 'fail');
      logger.log('error', 'version_load_failed', {
        model, version: slot.version, code: error.code, error: error.message, attempt: slot.failures,
        retry: slot.failures <= this.options.maxLoadRetries ? 'after backoff or when the files change' : 'when the files change',
      });
    }
  }

  private recordLoad(modelPath: string, status: 'success' | 'fail', timings?: LoadTimings): void {
    const m = this.options.metrics;
    if (!m) return;
    m.loadAttempts.inc([modelPath, status]);
    if (!timings) return;
    m.loadLatency.inc([modelPath], Math.round((timings.fetchMs + timings.sessionMs + timings.warmupMs) * 1000));
    if (timings.warmupRecords > 0) {
      m.warmupLatency.observe([modelPath, 'OK'], timings.warmupMs * 1000);
      m.warmupRecordsRead.inc([modelPath, 'OK'], timings.warmupRecords);
    }
  }

  /** Admits `slot` under the memory budget, evicting least recently used versions to START. */
  private makeRoom(slot: VersionSlot, model: string): Promise<void> {
    return admit(slot, model, this.options.memoryBudgetBytes, {
      slots: () => [...this.models.values()].flatMap((state) => [...state.slots.values()].map((s) => ({ owner: state.config.name, slot: s }))),
      resident: () => this.residentBytes(),
      evict: async (owner, victim) => {
        const state = this.models.get(owner)!;
        this.options.logger.log('info', 'version_evicted', { model: owner, version: victim.version, bytes: victim.sizeBytes, for: `${model}/${slot.version}` });
        await this.unload(state, victim, 'START');
      },
    });
  }

  /**
   * A load that takes longer than loadTimeoutMs (a store read that never returns, a stuck session
   * create) fails DEADLINE_EXCEEDED so that its version can be retried; if it finishes later
   * anyway, its session is released rather than leaked.
   */
  private withLoadDeadline<T extends { servable: Servable }>(load: Promise<T>, model: string, version: number): Promise<T> {
    const limit = this.options.loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let timedOut = false;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        reject(new ServingError('DEADLINE_EXCEEDED', `Loading version ${version} of model ${model} took longer than ${limit} ms`));
      }, limit);
    });
    load.then((late) => timedOut && void late.servable.unload().catch(() => {}), () => {});
    return Promise.race([load, deadline]).finally(() => clearTimeout(timer));
  }

  /** Unloads a version after its in-flight runs; `to` is START when it may come back on demand. */
  private unload(state: ModelState, slot: VersionSlot, to: 'START' | 'END'): Promise<void> {
    const servable = slot.servable;
    if (servable === undefined || slot.state !== 'AVAILABLE') return slot.unloading ?? Promise.resolve();
    slot.state = 'UNLOADING';
    slot.servable = undefined;
    slot.unloading = servable
      .unload()
      .catch((e: unknown) => {
        this.options.logger.log('error', 'version_unload_failed', { model: state.config.name, version: slot.version, error: errorText(e) });
      })
      .then(() => {
        slot.state = slot.aspired ? to : 'END';
        slot.unloading = undefined;
        this.options.logger.log('info', 'version_unloaded', { model: state.config.name, version: slot.version });
      });
    return slot.unloading;
  }

  private background(work: Promise<unknown>, ctx?: RequestContext): void {
    const guarded = work.catch((e: unknown) => {
      this.options.logger.log('error', 'background_failed', { error: errorText(e) });
    });
    ctx?.waitUntil?.(guarded);
  }
}

const DEFAULT_LOAD_TIMEOUT_MS = 120_000;

/** The longest a version waits to retry after a storage outage. */
const MAX_OUTAGE_BACKOFF_MS = 30_000;

function notFoundSpecific(model: string, version: number | bigint): ServingError {
  return new ServingError('NOT_FOUND', `Servable not found for request: Specific(${model}, ${version})`);
}

const round = (ms: number) => Math.round(ms * 10) / 10;
