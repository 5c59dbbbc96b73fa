// TF Serving's BatchingParameters (batching/batching_session.h, session_bundle_config.proto): the
// shape every batched model's queue takes, from models.config.json or --batching_parameters_file.
import { asObject, type Fail } from './fields.ts';

export interface BatchingParameters {
  readonly maxBatchSize: number;
  readonly batchTimeoutMicros: number;
  readonly maxEnqueuedBatches: number;
  readonly numBatchThreads: number;
  /** Increasing; the last equals maxBatchSize. Empty: run batches at their own size. */
  readonly allowedBatchSizes: readonly number[];
}

export const DEFAULT_BATCHING: BatchingParameters = {
  maxBatchSize: 32,
  batchTimeoutMicros: 1000,
  maxEnqueuedBatches: 64,
  numBatchThreads: 1,
  allowedBatchSizes: [],
};

/** TF Serving's BatchingParameters with its field names (`{ value: N }` wrappers optional). */
export function parseBatchingParameters(value: unknown, path: string, fail: Fail): BatchingParameters {
  const b = asObject(value, path, fail);
  const unwrap = (v: unknown) => (typeof v === 'object' && v !== null && 'value' in v ? (v as { value: unknown }).value : v);
  const int = (field: string, fallback: number, min: number) => {
    const v = unwrap(b[field]) ?? fallback;
    if (!Number.isSafeInteger(v) || (v as number) < min) fail(`${path}.${field}`, `must be an integer ≥ ${min}`);
    return v as number;
  };
  const maxBatchSize = int('max_batch_size', DEFAULT_BATCHING.maxBatchSize, 1);
  const allowed = b.allowed_batch_sizes ?? [];
  if (!Array.isArray(allowed) || allowed.some((s, i) => !Number.isSafeInteger(s) || s < 1 || (i > 0 && s <= allowed[i - 1]))) {
    fail(`${path}.allowed_batch_sizes`, 'must be increasing positive integers');
  }
  if ((allowed as number[]).length > 0 && (allowed as number[]).at(-1) !== maxBatchSize) {
    fail(`${path}.allowed_batch_sizes`, 'must end with max_batch_size');
  }
  return {
    maxBatchSize,
    batchTimeoutMicros: int('batch_timeout_micros', DEFAULT_BATCHING.batchTimeoutMicros, 0),
    maxEnqueuedBatches: int('max_enqueued_batches', DEFAULT_BATCHING.maxEnqueuedBatches, 1),
    numBatchThreads: int('num_batch_threads', DEFAULT_BATCHING.numBatchThreads, 1),
    allowedBatchSizes: allowed as number[],
  };
}
