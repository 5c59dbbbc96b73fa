// TF Serving's LoaderHarness for one version of one model: its state (START → LOADING → AVAILABLE
// → UNLOADING → END), whether the version policy still aspires to it, retries with backoff after
// a failed load, the load deadline, and the handles requests hold on its servable. An unload
// quiesces first (no new handles), waits until every handle is released, then frees the session.
import { ServingError, type StatusCode } from '../util/status.ts';
import { MODEL_FILE, type PresentVersion } from './listing.ts';
import { errorText, type LoadResult, type LoadTimings } from './loader.ts';
import type { VersionSnapshot, VersionState } from './policy.ts';
import type { Servable } from './servable.ts';
import { ServableHandle } from './servable-handle.ts';

export type { VersionState } from './policy.ts';

export interface VersionStatus {
  readonly version: number;
  readonly state: VersionState;
  readonly errorCode: StatusCode;
  readonly errorMessage: string;
}

export interface RetryPolicy {
  /** TF Serving's max_num_load_retries, and the first retry's delay (doubling after each failure). */
  readonly maxLoadRetries: number;
  readonly loadRetryIntervalMs: number;
  /** The longest one load (fetch, verify, session, warmup) may take. */
  readonly loadTimeoutMs: number;
}

/** What one load needs from the Manager: admission under the memory budget, the Loader, and reports. */
export interface LoadSteps {
  admit(): Promise<void>;
  load(present: PresentVersion): Promise<LoadResult>;
  loaded(result: LoadResult): void;
  failed(error: ServingError, attempt: number, willRetry: boolean): void;
  /** After every load, successful or not (the policy may now unload an older version). */
  settled(): void;
}

/** The longest a version waits to retry after a storage outage. */
const MAX_OUTAGE_BACKOFF_MS = 30_000;

export class Harness {
  state: VersionState = 'START';
  /** Wanted by the version policy in the latest listing. */
  aspired = true;
  error: ServingError | undefined;
  lastUsed = 0;
  /** A load that the memory budget has admitted (its bytes are counted from then on). */
  admitted = false;
  /** What the budget admitted it for (the backend's estimate), until the loaded servable knows better. */
  admittedBytes: number | undefined;
  loading: Promise<void> | undefined;
  unloading: Promise<void> | undefined;
  /** Where the last successful load's time went. */
  lastLoad: LoadTimings | undefined;
  private servable: Servable | undefined;
  private handles = 0;
  /** Requests waiting for this version's load: they will take a handle, so it is not evictable. */
  private waiters = 0;
  private idleWaiters: (() => void)[] = [];
  private drainWaiters: (() => void)[] = [];
  /** Consecutive failed loads, the earliest time of the next attempt, and the files that failed. */
  private failures = 0;
  private retryAt = 0;
  private failedFingerprint: string | undefined;

  constructor(
    readonly model: string,
    readonly version: number,
    public present: PresentVersion,
    private readonly retry: RetryPolicy,
    private readonly now: () => number,
  ) {}

  /** Bytes the version holds while loaded (measured, else estimated from its model file), for the memory budget. */
  get sizeBytes(): number {
    return this.servable?.sizeBytes ?? this.admittedBytes ?? this.present.files.get(MODEL_FILE)?.size ?? 0;
  }

  /** Holds memory: loaded, being loaded, or draining its last requests before release. */
  get resident(): boolean {
    return this.state === 'AVAILABLE' || this.state === 'UNLOADING' || (this.state === 'LOADING' && this.admitted);
  }

  /**
   * The failed load a request waiting for this version is told about, instead of TF Serving's
   * "Servable not found": storage being down (retry later), or a model too big for the memory
   * budget (no retry helps; the sizes say what to change). Other failures are the version's own.
   */
  get failureToTell(): ServingError | undefined {
    const code = this.error?.code;
    return code === 'UNAVAILABLE' || code === 'RESOURCE_EXHAUSTED' ? this.error : undefined;
  }

  /** A handle is held, or a request is waiting to take one. */
  get inUse(): boolean {
    return this.handles > 0 || this.waiters > 0;
  }

  /** Aspired and cold; a failed load only after its backoff (a storage outage sooner). */
  get loadable(): boolean {
    if (!this.aspired || this.loading || this.unloading) return false;
    if (this.state === 'START') return true;
    return this.state === 'END' && this.error?.code === 'UNAVAILABLE' && this.now() >= this.retryAt;
  }

  snapshot(): VersionSnapshot {
    return { version: this.version, state: this.state, aspired: this.aspired, loadable: this.loadable };
  }

  status(): VersionStatus {
    return { version: this.version, state: this.state, errorCode: this.error?.code ?? 'OK', errorMessage: this.error?.message ?? '' };
  }

  /** A handle on the servable if the version is AVAILABLE, taken with the check (no await between). */
  acquire(): ServableHandle | undefined {
    if (this.state !== 'AVAILABLE' || this.servable === undefined) return undefined;
    this.handles++;
    this.lastUsed = this.now();
    return new ServableHandle(this.servable, () => {
      if (--this.handles > 0) return;
      for (const wake of this.drainWaiters.splice(0)) wake();
      if (this.waiters === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    });
  }

  /** Marks a request as waiting for this version's load (see inUse); call the result when done waiting. */
  awaitLoad(): () => void {
    this.waiters++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (--this.waiters === 0 && this.handles === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    };
  }

  /** Resolves once no handle is held and no request waits to take one. */
  whenIdle(): Promise<void> {
    if (!this.inUse) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** A new listing of this version: a failed one becomes cold again when it is due a retry or its files changed. */
  relisted(present: PresentVersion, aspired: boolean): void {
    this.present = present;
    this.aspired = aspired;
    if (!aspired) {
      if (this.state === 'START') this.state = 'END'; // gone from storage (or the policy) while cold
      return;
    }
    if (this.state !== 'END' || this.loading) return;
    const changed = this.error !== undefined && this.fingerprint !== this.failedFingerprint;
    const now = this.now();
    const retryDue = this.error !== undefined && this.failures <= this.retry.maxLoadRetries && now >= this.retryAt;
    if (this.error?.code === 'UNAVAILABLE') this.retryAt = now; // storage answered this listing
    // Unloaded earlier and wanted again, or failed and due a retry (or re-uploaded): cold again.
    if (this.error === undefined || changed || retryDue) this.state = 'START';
    if (changed) this.failures = 0;
  }

  /** Not in the listing at all any more. */
  vanished(): void {
    this.aspired = false;
    if (this.state === 'START') this.state = 'END';
  }

  /** One load at a time: concurrent callers share it. Never rejects; a failure leaves END with the error. */
  load(steps: LoadSteps): Promise<void> {
    this.loading ??= this.loadOnce(steps).finally(() => {
      this.loading = undefined;
      steps.settled();
    });
    return this.loading;
  }

  private async loadOnce(steps: LoadSteps): Promise<void> {
    // What is being loaded, captured now: a refresh may update the listing meanwhile.
    const present = this.present;
    const fingerprint = this.fingerprint;
    this.state = 'LOADING';
    this.admitted = false;
    try {
      await steps.admit();
      const result = await this.withDeadline(steps.load(present));
      this.servable = result.servable;
      this.lastLoad = result.timings;
      this.state = 'AVAILABLE';
      this.error = this.failedFingerprint = undefined;
      this.failures = 0;
      this.lastUsed = this.now();
      steps.loaded(result);
    } catch (e) {
      const error = e instanceof ServingError ? e : new ServingError('UNKNOWN', errorText(e));
      this.error = error;
      this.state = 'END';
      this.failures++;
      const delay = this.retry.loadRetryIntervalMs * 2 ** (this.failures - 1);
      // An outage is retried at least every MAX_OUTAGE_BACKOFF_MS, and at once after a good listing.
      this.retryAt = this.now() + (error.code === 'UNAVAILABLE' ? Math.min(delay, MAX_OUTAGE_BACKOFF_MS) : delay);
      this.failedFingerprint = fingerprint;
      steps.failed(error, this.failures, this.failures <= this.retry.maxLoadRetries);
    }
  }

  /**
   * A load that takes longer than loadTimeoutMs (a store read that never returns, a stuck session
   * create) fails DEADLINE_EXCEEDED so that the version can be retried; if it finishes later
   * anyway, its session is released rather than leaked.
   */
  private withDeadline(load: Promise<LoadResult>): Promise<LoadResult> {
    const limit = this.retry.loadTimeoutMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let timedOut = false;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        reject(new ServingError('DEADLINE_EXCEEDED', `Loading version ${this.version} of model ${this.model} took longer than ${limit} ms`));
      }, limit);
    });
    load.then((late) => timedOut && void late.servable.release().catch(() => {}), () => {});
    return Promise.race([load, deadline]).finally(() => clearTimeout(timer));
  }

  /**
   * Quiesce, wait for every handle, release the session. `to` is START when the version may come
   * back on demand (evicted by the budget), END when it is done (no longer aspired, shutdown).
   */
  unload(to: 'START' | 'END', onError: (error: unknown) => void): Promise<void> {
    const servable = this.servable;
    if (servable === undefined || this.state !== 'AVAILABLE') return this.unloading ?? Promise.resolve();
    this.state = 'UNLOADING';
    this.unloading = (async () => {
      // Waiters are not waited for: they take a handle only while AVAILABLE, which this no longer is.
      if (this.handles > 0) await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
      this.servable = undefined;
      await servable.release().catch(onError);
      this.state = this.aspired ? to : 'END';
      this.unloading = undefined;
    })();
    return this.unloading;
  }

  /** The version folder's files and ETags: a failed version is retried at once when this changes. */
  private get fingerprint(): string {
    return [...this.present.files].map(([name, o]) => `${name}=${o.etag}`).sort().join('\n');
  }
}
