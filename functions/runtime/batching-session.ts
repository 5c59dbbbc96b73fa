// TF Serving's BatchingSession: a session decorator whose runs are merged into batches by a
// Batcher (batcher.ts) before they reach the wrapped session. Everything that runs the session —
// predict requests, shadows, warmup — goes through the same queue.
import type { BatchingParameters } from '../config/batching-parameters.ts';
import type { InferenceSession } from './backend.ts';
import { Batcher } from './batcher.ts';

export function batchingSession(inner: InferenceSession, params: BatchingParameters): InferenceSession & { readonly batching: true } {
  const batcher = new Batcher((feeds) => inner.run(feeds), params);
  return {
    inputs: inner.inputs,
    outputs: inner.outputs,
    backend: inner.backend,
    batching: true,
    async run(feeds, timing) {
      const { outputs, queuedMs } = await batcher.submit(feeds);
      if (timing) timing.queuedMs = queuedMs;
      return outputs;
    },
    release: () => inner.release(),
  };
}
