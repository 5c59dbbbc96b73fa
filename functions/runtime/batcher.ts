// TF Serving's dynamic batching for one model version (batching/shared_batch_scheduler.h,
// batching_session.cc semantics): concurrent requests are merged along dimension 0 into batches
// of at most max_batch_size, a batch runs when full or batch_timeout_micros after its first task,
// at most num_batch_threads batches run at once, at most max_enqueued_batches wait, a batch is
// padded up to the next allowed_batch_sizes entry, and outputs are split back exactly.
import { ServingError, invalidArgument } from '../util/status.ts';
import type { BatchingParameters } from '../config/batching-parameters.ts';
import { allocate, elementCount, type Tensor, type TensorData } from '../tensor/tensor.ts';

type Run = (feeds: ReadonlyMap<string, Tensor>) => Promise<Map<string, Tensor>>;

interface Task {
  readonly feeds: ReadonlyMap<string, Tensor>;
  readonly size: number;
  readonly enqueuedAt: number;
  resolve(outputs: Map<string, Tensor>, queuedMs: number): void;
  reject(error: unknown): void;
}

interface Batch {
  readonly tasks: Task[];
  size: number;
  /** Shape of each input past dimension 0: tasks must agree to share a batch. */
  readonly signature: string;
  timer?: ReturnType<typeof setTimeout>;
}

export interface BatchedResult {
  readonly outputs: Map<string, Tensor>;
  /** Time the task waited for its batch to start. */
  readonly queuedMs: number;
}

export class Batcher {
  private open: Batch | undefined;
  private readonly waiting: Batch[] = [];
  private running = 0;

  constructor(
    private readonly run: Run,
    readonly params: BatchingParameters,
  ) {}

  submit(feeds: ReadonlyMap<string, Tensor>): Promise<BatchedResult> {
    const size = batchSize(feeds);
    const { maxBatchSize } = this.params;
    if (size > maxBatchSize) throw invalidArgument(`Task size ${size} is larger than maximum input batch size ${maxBatchSize}`);
    const signature = trailingShapes(feeds);
    if (this.open && (this.open.size + size > maxBatchSize || this.open.signature !== signature)) this.close(this.open);
    if (!this.open) {
      if (this.waiting.length >= this.params.maxEnqueuedBatches) {
        throw new ServingError('UNAVAILABLE', 'The batch scheduling queue to which this task was submitted is full');
      }
      const batch: Batch = { tasks: [], size: 0, signature };
      batch.timer = setTimeout(() => this.close(batch), this.params.batchTimeoutMicros / 1000);
      this.open = batch;
    }
    const batch = this.open;
    return new Promise<BatchedResult>((resolve, reject) => {
      batch.tasks.push({ feeds, size, enqueuedAt: performance.now(), resolve: (outputs, queuedMs) => resolve({ outputs, queuedMs }), reject });
      batch.size += size;
      if (batch.size === maxBatchSize) this.close(batch);
    });
  }

  private close(batch: Batch): void {
    if (this.open !== batch) return; // already closed
    clearTimeout(batch.timer);
    this.open = undefined;
    this.waiting.push(batch);
    this.pump();
  }

  private pump(): void {
    while (this.running < this.params.numBatchThreads && this.waiting.length > 0) {
      const batch = this.waiting.shift()!;
      this.running++;
      void this.execute(batch).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async execute(batch: Batch): Promise<void> {
    const started = performance.now();
    const padded = this.params.allowedBatchSizes.find((s) => s >= batch.size) ?? batch.size;
    try {
      const outputs = await this.run(mergeFeeds(batch.tasks.map((t) => t.feeds), batch.size, padded));
      let offset = 0;
      for (const task of batch.tasks) {
        task.resolve(sliceOutputs(outputs, offset, task.size, padded), started - task.enqueuedAt);
        offset += task.size;
      }
    } catch (e) {
      for (const task of batch.tasks) task.reject(e);
    }
  }
}

function batchSize(feeds: ReadonlyMap<string, Tensor>): number {
  let size: number | undefined;
  for (const [name, t] of feeds) {
    if (t.dims.length === 0) throw invalidArgument(`Batching needs a batch dimension, but input ${name} is a scalar`);
    if (size !== undefined && t.dims[0] !== size) {
      throw invalidArgument(`Batching needs every input to share dimension 0, but ${name} has ${t.dims[0]} where others have ${size}`);
    }
    size = t.dims[0];
  }
  return size ?? 0;
}

function trailingShapes(feeds: ReadonlyMap<string, Tensor>): string {
  return [...feeds].map(([name, t]) => `${name}:${t.dtype}:${t.dims.slice(1).join('x')}`).join(';');
}

/** Concatenates every task's inputs along dimension 0, padding by repeating the first row. */
function mergeFeeds(all: readonly ReadonlyMap<string, Tensor>[], size: number, padded: number): Map<string, Tensor> {
  const merged = new Map<string, Tensor>();
  for (const [name, first] of all[0]!) {
    const rowLength = elementCount(first.dims.slice(1));
    const data = allocate(first.dtype, padded * rowLength);
    let offset = 0;
    for (const feeds of all) {
      const t = feeds.get(name)!;
      copyInto(data, t.data, offset);
      offset += t.data.length;
    }
    for (let row = size; row < padded; row++) copyRange(data, first.data, 0, rowLength, row * rowLength);
    merged.set(name, { dtype: first.dtype, dims: [padded, ...first.dims.slice(1)], data });
  }
  return merged;
}

/** Rows [offset, offset + count) of every output; each output's dimension 0 must be the batch. */
function sliceOutputs(outputs: Map<string, Tensor>, offset: number, count: number, padded: number): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [name, t] of outputs) {
    if (t.dims[0] !== padded) {
      throw new ServingError('INTERNAL', `Batched output tensor ${name} has dimension 0 of ${t.dims[0]}, not the batch size ${padded}`);
    }
    const rowLength = elementCount(t.dims.slice(1));
    const data = t.data.slice(offset * rowLength, (offset + count) * rowLength) as TensorData;
    out.set(name, { dtype: t.dtype, dims: [count, ...t.dims.slice(1)], data });
  }
  return out;
}

function copyInto(target: TensorData, source: TensorData, at: number): void {
  if (Array.isArray(target)) for (let i = 0; i < source.length; i++) target[at + i] = (source as string[])[i]!;
  else (target as Float32Array).set(source as Float32Array, at);
}

function copyRange(target: TensorData, source: TensorData, from: number, length: number, at: number): void {
  if (Array.isArray(target)) for (let i = 0; i < length; i++) target[at + i] = (source as string[])[from + i]!;
  else (target as Float32Array).set((source as Float32Array).subarray(from, from + length), at);
}
