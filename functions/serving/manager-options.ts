// What a Manager is built with (functions/app.ts fills it in from the option table's values).
import type { ServingMetrics } from '../metrics/serving-metrics.ts';
import type { ModelStore } from '../storage/model-store.ts';
import type { Logger } from '../util/log.ts';
import type { ListingCache } from './listing-cache.ts';
import type { Loader } from './loader.ts';
import type { ModelStores } from './model-stores.ts';
import type { ExplicitConfig } from './source.ts';

export const DEFAULT_LOAD_TIMEOUT_MS = 120_000;

export interface ManagerOptions {
  /** The repository (and, for models with their own base_path, the stores they are read from). */
  readonly store: ModelStore | ModelStores;
  readonly loader: Loader;
  readonly logger: Logger;
  /** A config given up front (file, environment): exactly its models are served. */
  readonly config?: ExplicitConfig;
  /** TF Serving's file_system_poll_wait_seconds, in ms: how stale a listing may get. 0: list once. */
  readonly refreshIntervalMs: number;
  /** Model bytes that may be loaded at once; idle least recently used versions unload past it. */
  readonly memoryBudgetBytes: number;
  /** TF Serving's max_num_load_retries, and the first retry's delay (doubling after each failure). */
  readonly maxLoadRetries: number;
  readonly loadRetryIntervalMs: number;
  /** The longest one load (fetch, verify, session, warmup) may take. Default 120 s. */
  readonly loadTimeoutMs?: number;
  /** TF Serving's --allow_version_labels_for_unavailable_models: labels may name versions not yet AVAILABLE. */
  readonly allowVersionLabelsForUnavailableModels?: boolean;
  readonly metrics?: ServingMetrics;
  /** A persisted copy of the repository's listing: a fresh instance's first listing without a LIST. */
  readonly listingCache?: ListingCache;
  readonly now?: () => number;
}
