// TF Serving's Loader: a version folder → a verified, warmed, ready Servable, or a load error
// with a TF status code. Files are fetched together (one round trip of latency, not three).
import type { BatchingParameters } from '../config/batching-parameters.ts';
import { versionPath, type ModelConfig } from '../config/model-config.ts';
import { memoryNeed, type InferenceBackend, type InferenceSession } from '../runtime/backend.ts';
import { batchingSession } from '../runtime/batching-session.ts';
import { ServingError } from '../util/status.ts';
import { getBytes, StoreUnavailableError, type ModelStore } from '../storage/model-store.ts';
import { MANIFEST_FILE, parseManifest, verifyFile } from './integrity.ts';
import { ModelStores } from './model-stores.ts';
import { storageUnavailable } from './storage-error.ts';
import { silentLogger, type Logger } from '../util/log.ts';
import { Servable } from './servable.ts';
import { MODEL_FILE, type PresentVersion } from './listing.ts';
import { parseWarmupRecords, runWarmup, WARMUP_FILE } from './warmup.ts';

export interface LoaderOptions {
  /** TF Serving's --enable_model_warmup. */
  readonly warmup: boolean;
  /** TF Serving's --num_request_iterations_for_warmup (0 means 1). */
  readonly warmupIterations: number;
  /** TF Serving's --enable_batching with its parameters, for models that set none of their own. */
  readonly batching?: BatchingParameters;
  /** Where the details of storage failures go (clients only see an id). */
  readonly logger?: Logger;
}

/** Where a load's time went, for logs and Server-Timing. */
export interface LoadTimings {
  fetchMs: number;
  sessionMs: number;
  warmupMs: number;
  /** Warmup records replayed (each `warmupIterations` times). */
  warmupRecords: number;
}

export interface LoadResult {
  readonly servable: Servable;
  readonly timings: LoadTimings;
}

export class Loader {
  private readonly stores: ModelStores;

  constructor(
    store: ModelStore | ModelStores,
    private readonly backend: InferenceBackend,
    private readonly options: LoaderOptions = { warmup: true, warmupIterations: 1 },
  ) {
    this.stores = store instanceof ModelStores ? store : new ModelStores(store);
  }

  /** What the memory budget counts for a model file of this size before it is loaded (the backend's estimate). */
  memoryNeed(fileBytes: number): number {
    return memoryNeed(this.backend, fileBytes);
  }

  /** How memoryNeed is made, when it is not the file's size. */
  get memoryBasis(): string | undefined {
    return this.backend.memoryEstimate?.basis;
  }

  async load(model: ModelConfig, present: PresentVersion): Promise<LoadResult> {
    const store = this.stores.of(model);
    const base = model.location === undefined ? `${model.basePath}/${present.folder}/` : `${present.folder}/`;
    const shown = `${versionPath(model, present.folder)}/`; // what errors call it
    const wantWarmup = this.options.warmup && present.files.has(WARMUP_FILE);
    const started = performance.now();
    const [modelBytes, manifestBytes, warmupBytes] = await Promise.all([
      this.read(store, base + MODEL_FILE),
      present.files.has(MANIFEST_FILE) ? this.read(store, base + MANIFEST_FILE) : undefined,
      wantWarmup ? this.read(store, base + WARMUP_FILE) : undefined,
    ]);
    if (modelBytes === undefined) throw new ServingError('NOT_FOUND', `No ${MODEL_FILE} found at ${shown}${MODEL_FILE}`);
    if (present.files.has(MANIFEST_FILE) && manifestBytes === undefined) {
      // Listed but gone: loading unverified bytes is what the manifest exists to prevent.
      throw new ServingError('DATA_LOSS', `${shown}${MANIFEST_FILE} was listed but could not be read`);
    }
    const manifest = manifestBytes === undefined ? undefined : parseManifest(manifestBytes, shown + MANIFEST_FILE);
    await verifyFile(manifest, MODEL_FILE, modelBytes, shown + MODEL_FILE);
    if (warmupBytes !== undefined) await verifyFile(manifest, WARMUP_FILE, warmupBytes, shown + WARMUP_FILE);
    const fetched = performance.now();

    let session: InferenceSession;
    try {
      session = await this.backend.createSession(modelBytes);
    } catch (e) {
      throw new ServingError('DATA_LOSS', `Failed to load ONNX model ${shown}${MODEL_FILE} with ${this.backend.name}: ${errorText(e)}`);
    }
    const heldBytes = session.heldBytes ?? this.memoryNeed(modelBytes.byteLength);
    const batching = model.batching ?? this.options.batching;
    if (batching) session = batchingSession(session, batching);
    const servable = new Servable(model.name, present.version, session, heldBytes);
    const created = performance.now();

    let warmupRecords = 0;
    if (warmupBytes !== undefined) {
      try {
        const records = parseWarmupRecords(new TextDecoder().decode(warmupBytes), shown + WARMUP_FILE);
        warmupRecords = records.length;
        await runWarmup(servable, records, Math.max(1, this.options.warmupIterations), shown + WARMUP_FILE);
      } catch (e) {
        await servable.release().catch(() => {});
        throw e;
      }
    }
    return {
      servable,
      timings: { fetchMs: fetched - started, sessionMs: created - fetched, warmupMs: performance.now() - created, warmupRecords },
    };
  }

  private async read(store: ModelStore, key: string): Promise<Uint8Array | undefined> {
    try {
      return await getBytes(store, key);
    } catch (e) {
      if (e instanceof StoreUnavailableError) throw storageUnavailable(e, this.options.logger ?? silentLogger);
      throw e;
    }
  }
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
