// TF Serving's Manager, rebuilt for platforms where nothing runs between requests. It resolves a
// model and a version, label or "latest" to a ServableHandle, answers status, and orchestrates the
// parts: the Source's listings (made lazily when the refresh interval has passed, off the request
// path), one Harness per version, the availability-preserving policy, and the memory budget.
// - versions load on first use, once however many requests arrive cold, or in the background once
//   their model is in use, so a new version never makes a request wait;
// - swaps preserve availability: the old version unloads once the new one is AVAILABLE (after its
//   last handle is released), and stays if the new one fails;
// - past the memory budget, idle least recently used versions unload and reload on demand;
// - a persisted first listing is followed at once by the real one (listing-cache.ts, listing-retry.ts).
import type { ModelConfig } from '../config/model-config.ts';
import { ServingError } from '../util/status.ts';
import type { Harness, RetryPolicy, VersionStatus } from './harness.ts';
import { allHarnesses, residentBytes } from './harnesses.ts';
import { LoadReport } from './load-report.ts';
import { admit } from './memory-budget.ts';
import { ModelState } from './model-state.ts';
import { nextActions } from './policy.ts';
import type { ServableHandle } from './servable-handle.ts';
import { servableNotFound, type VersionSelector } from './servable-request.ts';
import { inBackground, type ServingScope } from './serving-scope.ts';
import { onRealListing } from './listing-retry.ts';
import { ModelStores } from './model-stores.ts';
import { DEFAULT_LOAD_TIMEOUT_MS, type ManagerOptions } from './manager-options.ts';
import { readiness, type Readiness } from './readiness.ts';
import { Source, type AspiredModel } from './source.ts';

export type { VersionState, VersionStatus } from './harness.ts';
export type { ManagerOptions } from './manager-options.ts';

export class Manager {
  private readonly models = new Map<string, ModelState>();
  private readonly source: Source;
  private readonly report: LoadReport;
  private readonly now: () => number;
  private readonly retry: RetryPolicy;
  private refreshing: Promise<Promise<void>[]> | undefined;
  private warmedUp = false;
  private provisional = false; // the models applied last came from the persisted listing

  constructor(private readonly options: ManagerOptions) {
    this.now = options.now ?? (() => Date.now());
    const { maxLoadRetries, loadRetryIntervalMs, loadTimeoutMs = DEFAULT_LOAD_TIMEOUT_MS } = options;
    this.retry = { maxLoadRetries, loadRetryIntervalMs, loadTimeoutMs };
    const stores = options.store instanceof ModelStores ? options.store : new ModelStores(options.store);
    this.source = new Source(stores, options.logger, options.config, this.now, options.listingCache);
    this.report = new LoadReport(options.logger, options.metrics);
  }

  /** Status of every version ever tracked, highest first (GetModelStatus). */
  async status(model: string, version?: number | bigint, scope?: ServingScope): Promise<VersionStatus[]> {
    await this.ready(scope, true);
    return onRealListing(this.provisional, async () => {
      const state = this.models.get(model);
      if (state === undefined || state.harnesses.size === 0) throw new ServingError('NOT_FOUND', `Could not find any versions of model ${model}`);
      const found = state.sorted().filter((h) => version === undefined || h.version === version);
      if (found.length === 0) throw new ServingError('NOT_FOUND', `Could not find version ${version} of model ${model}`);
      return found.map((h) => h.status());
    }, () => this.realListing());
  }

  /** A model's current config (reloaded with the repository's), or undefined for an unknown model. */
  async modelConfig(model: string, scope?: ServingScope): Promise<ModelConfig | undefined> {
    await this.ready(scope);
    if (!this.models.has(model)) await this.realListing(); // added since the persisted listing?
    return this.models.get(model)?.config;
  }

  /** Whether the repository has (or had) a model of this name: metric labels are kept to those. */
  knows(model: string): boolean {
    return this.models.has(model);
  }

  /** Every model's config as of the last listing. */
  modelConfigs(): ModelConfig[] {
    return [...this.models.values()].map((s) => s.config);
  }

  /**
   * A handle on the servable a request asks for, by TF Serving's rules, loading it first if it is
   * cold. The caller must release it (in a finally): until then the version cannot unload.
   */
  async acquire(model: string, selector: VersionSelector, scope?: ServingScope): Promise<ServableHandle> {
    await this.ready(scope);
    const served = onRealListing(this.provisional, () => this.resolve(model, selector, scope), () => this.realListing());
    return served.finally(() => void (this.provisional && this.ready(scope, true)));
  }

  private async resolve(model: string, selector: VersionSelector, scope?: ServingScope): Promise<ServableHandle> {
    const state = this.models.get(model);
    if (selector.kind === 'label') {
      const version = state?.labelled(selector.label);
      if (version === undefined) throw new ServingError('INVALID_ARGUMENT', `Unrecognized servable version label: ${selector.label}`);
      return this.specific(state!, model, version, scope);
    }
    if (selector.kind === 'version') {
      if (state === undefined) throw servableNotFound(model, selector);
      return this.specific(state, model, selector.version, scope);
    }
    const handle = state === undefined ? undefined : await this.latest(state, scope);
    if (handle === undefined) throw servableNotFound(model, selector);
    return handle;
  }

  /** The version a request would be served by now, loading nothing (the Workers edge cache keys answers by it); undefined: none. */
  async expectedVersion(model: string, selector: VersionSelector, scope?: ServingScope): Promise<number | undefined> {
    await this.ready(scope); // a persisted listing's real one waits for listingFollowUp(): it must not slow a hit
    return this.models.get(model)?.expectedVersion(selector);
  }

  /** After an answer that touched no storage (an edge-cache hit): the real listing, if the models came from a persisted one. */
  listingFollowUp(scope?: ServingScope): Promise<void> {
    return this.ready(scope, true);
  }

  /** The scheduled warm-up (cron, EventBridge) and Node's start: refresh, then load every aspired version of these models (all: none named). */
  async warmup(models?: readonly string[]): Promise<Map<string, VersionStatus[]>> {
    await Promise.all(await this.refresh());
    await this.realListing(); // what a warm-up loads is what the repository holds, not a persisted copy of it
    const out = new Map<string, VersionStatus[]>();
    await Promise.all(
      (models ?? [...this.models.keys()]).map(async (name) => {
        const state = this.models.get(name);
        if (state === undefined) return;
        state.active = true;
        await Promise.all(state.sorted().filter((h) => h.loadable).map((h) => this.load(state, h)));
        out.set(name, state.sorted().map((h) => h.status()));
      }),
    );
    this.warmedUp = true;
    return out;
  }

  /** An operator's unload (V2's repository extension): the model's loaded versions back to START now, each after its
   * last handle; the next request loads them again, as after an eviction. false: no such model. */
  async evict(model: string): Promise<boolean> {
    await this.ready();
    const state = this.models.get(model);
    if (state) [state.active, state.evicted] = [false, true]; // no background reload; readiness does not wait for it
    await Promise.all(state?.sorted().filter((h) => h.state === 'AVAILABLE').map((h) => this.unload(h, 'START')) ?? []);
    return state !== undefined;
  }

  /** The readiness probe's answer (serving/readiness.ts). */
  readiness(): Readiness {
    return readiness(this.models.values(), { listed: this.source.listedOnce, configGiven: this.options.config !== undefined, warmedUp: this.warmedUp });
  }

  /** Unloads everything (server shutdown), each version after its last handle is released. */
  async close(): Promise<void> {
    for (const state of this.models.values()) {
      for (const h of state.harnesses.values()) await h.loading;
      await Promise.all(state.sorted().map((h) => this.unload(h, 'END')));
    }
  }

  /** Bytes of the versions loaded, loading or draining now (what the memory budget counts). */
  residentBytes(): number {
    return residentBytes(this.models.values());
  }

  /**
   * One listing of the repository, then every model's versions are brought in line with it.
   * Resolves once the listing is applied, with the background loads it started (a slow load never
   * holds up the next refresh).
   */
  refresh(): Promise<Promise<void>[]> {
    this.refreshing ??= this.source
      .aspiredModels()
      .then((models) => [...(models === undefined ? [] : this.apply(models)), this.source.written])
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async realListing(): Promise<void> {
    if (this.provisional) await (this.refreshing ?? this.refresh()); // until the real listing is applied (or failed)
  }

  private async latest(state: ModelState, scope?: ServingScope): Promise<ServableHandle | undefined> {
    state.active = true;
    const versions = state.sorted();
    const available = versions.find((h) => h.state === 'AVAILABLE');
    for (const h of versions) {
      // Serve what is loaded now; a newer aspired version loads in the background meanwhile.
      if (available && h.version < available.version) break;
      if (available && h !== available) {
        if (h.loadable) inBackground(this.load(state, h), scope, this.options.logger);
        continue;
      }
      const handle = h === available ? h.acquire() : await this.bringUp(state, h, scope);
      if (handle) return handle;
    }
    // Between a cold wait and now, another version may have become AVAILABLE.
    for (const h of state.sorted()) {
      const handle = h.acquire();
      if (handle) return handle;
    }
    const reason = versions.find((h) => h.aspired && h.failureToTell);
    if (reason) throw reason.failureToTell;
    return undefined;
  }

  private async specific(state: ModelState, model: string, version: number | bigint, scope?: ServingScope): Promise<ServableHandle> {
    state.active = true;
    const h = typeof version === 'number' ? state.harnesses.get(version) : undefined;
    if (h !== undefined) {
      const handle = h.state === 'AVAILABLE' ? h.acquire() : await this.bringUp(state, h, scope);
      if (handle) return handle;
      if (h.failureToTell) throw h.failureToTell;
    }
    throw servableNotFound(model, { kind: 'version', version });
  }

  /** Makes a cold, evicted-and-draining or loading version AVAILABLE if it can be, and takes a handle. */
  private async bringUp(state: ModelState, h: Harness, scope?: ServingScope): Promise<ServableHandle | undefined> {
    if (h.unloading) await h.unloading; // evicted a moment ago: let it drain, then reload
    const load = h.loadable ? this.load(state, h) : h.loading; // or another request's load: the same one
    if (load === undefined) return h.acquire();
    const doneWaiting = h.awaitLoad(); // from here the version is in use: the budget cannot evict it
    await load;
    const handle = h.acquire();
    doneWaiting();
    if (handle && h.lastLoad && scope) {
      scope.cold = h.lastLoad;
      this.options.metrics?.coldLoads.inc([state.config.name]);
    }
    return handle;
  }

  /** The first request waits for the first listing; later ones start a refresh when due. After a persisted first
   * listing, the real one waits for `real` (a request done with storage): its LIST must not slow the first GET. */
  private async ready(scope?: ServingScope, real = false): Promise<void> {
    if (!this.source.listedOnce) return inBackground(Promise.all(await this.refresh()), scope, this.options.logger); // with the cache write
    if (!this.refreshing && (real || !this.provisional) && this.source.due(this.options.refreshIntervalMs)) {
      // The refresh, and the loads of new versions it starts, ride on the platform's waitUntil.
      inBackground(this.refresh().then((loads) => Promise.all(loads)), scope, this.options.logger);
    }
  }

  /** Brings every model's versions in line with a listing; returns the background loads it started. */
  private apply(models: ReadonlyMap<string, AspiredModel>): Promise<void>[] {
    this.provisional = this.source.provisional;
    const loads: Promise<void>[] = [];
    for (const [name, m] of models) {
      let state = this.models.get(name);
      if (state === undefined) this.models.set(name, (state = new ModelState(m.config, this.options.logger, this.options.allowVersionLabelsForUnavailableModels)));
      if (m.stale) continue; // its own place could not be listed: it keeps what it has
      state.relist(m, this.retry, this.now);
      loads.push(...this.settle(state, state.active));
    }
    for (const [name, state] of this.models) {
      if (models.has(name)) continue;
      state.vanish();
      this.settle(state, false);
    }
    return loads;
  }

  /** Applies the policy's next actions: unloads always, loads when asked to (the model is in use). */
  private settle(state: ModelState, startLoads: boolean): Promise<void>[] {
    const actions = nextActions(state.sorted().map((h) => h.snapshot()));
    const loads = startLoads ? actions.load.map((v) => this.load(state, state.harnesses.get(v)!)) : [];
    for (const v of actions.unload) void this.unload(state.harnesses.get(v)!, 'END');
    return loads;
  }

  private load(state: ModelState, h: Harness): Promise<void> {
    return h.load({
      admit: () =>
        admit(h, this.options.memoryBudgetBytes, {
          need: (fileBytes) => this.options.loader.memoryNeed(fileBytes),
          basis: this.options.loader.memoryBasis,
          harnesses: () => allHarnesses(this.models.values()),
          resident: () => this.residentBytes(),
          evict: (victim, forVersion) => {
            this.report.evicted(victim, forVersion);
            return this.unload(victim, 'START');
          },
        }),
      load: (present) => this.report.watch(h, this.options.loader.load(state.config, present)),
      loaded: (result) => {
        this.report.loaded(h, state.config, result);
        state.evicted = false;
        state.applyLabels(); // a label waiting for this version moves now
      },
      failed: (error, attempt, willRetry) => {
        this.report.failed(h, state.config, error, attempt, willRetry);
        state.applyLabels(); // a label waiting for this version is refused
      },
      settled: () => void this.settle(state, false),
    });
  }

  private unload(h: Harness, to: 'START' | 'END'): Promise<void> {
    const wasAvailable = h.state === 'AVAILABLE';
    const done = h.unload(to, (e) => this.report.unloadFailed(h, e));
    return wasAvailable ? done.then(() => this.report.unloaded(h)) : done;
  }
}
