// TF Serving's RunOptions.timeout_in_ms (--rest_api_timeout_in_ms) for one run of a servable.
import type { RunTiming } from '../runtime/backend.ts';
import type { Servable } from '../serving/servable.ts';
import type { Tensor } from '../tensor/tensor.ts';
import { ServingError } from '../util/status.ts';

/**
 * An asynchronous run (or a wait in a batch queue) loses the race against the timer; a run that
 * blocks the thread (native onnxruntime) cannot be pre-empted, so its overrun is caught when it
 * returns: either way the caller gets DEADLINE_EXCEEDED, never a late answer.
 */
export async function runWithDeadline(servable: Servable, feeds: ReadonlyMap<string, Tensor>, timeoutMs: number, timing?: RunTiming): Promise<Map<string, Tensor>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(deadlineExceeded()), timeoutMs);
  });
  const started = performance.now();
  try {
    const outputs = await Promise.race([servable.run(feeds, timing), deadline]);
    if (performance.now() - started > timeoutMs) throw deadlineExceeded();
    return outputs;
  } finally {
    clearTimeout(timer);
  }
}

const deadlineExceeded = () => new ServingError('DEADLINE_EXCEEDED', 'Deadline Exceeded');
