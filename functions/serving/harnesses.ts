// Every version the Manager tracks, across models: what the memory budget looks through.
import type { Harness } from './harness.ts';
import type { ModelState } from './model-state.ts';

export function* allHarnesses(models: Iterable<ModelState>): Iterable<Harness> {
  for (const state of models) yield* state.harnesses.values();
}

/** Bytes of the versions loaded, loading or draining now (what the memory budget counts). */
export function residentBytes(models: Iterable<ModelState>): number {
  let total = 0;
  for (const h of allHarnesses(models)) if (h.resident) total += h.sizeBytes;
  return total;
}
