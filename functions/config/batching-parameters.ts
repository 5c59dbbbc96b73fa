// TF Serving's BatchingParameters (batching/batching_session.h, session_bundle_config.proto): the
// shape every batched model's queue takes, from models.config.json or --batching_parameters_file.
import { asObject, onlyFields, type Fail } from './fields.ts';

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
  // TF Serving's other BatchingParameters (large-batch splitting, priority queues …) are refused
  // rather than ignored: a setting that silently does nothing is worse than a clear error.
  onlyFields(b, ['max_batch_size', 'batch_timeout_micros', 'max_enqueued_batches', 'num_batch_threads', 'allowed_batch_sizes', 'thread_pool_name', 'pad_variable_length_inputs'], path, fail);
  const unwrap = (v: unknown) => (typeof v === 'object' && v !== null && 'value' in v ? (v as { value: unknown }).value : v);
  const pad = unwrap(b.pad_variable_length_inputs);
  if (pad !== undefined && pad !== false && pad !== 'false') fail(`${path}.pad_variable_length_inputs`, 'is not supported: inputs of a batch must share their shape past dimension 0');
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
