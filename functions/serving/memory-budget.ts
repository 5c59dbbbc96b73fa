// The memory budget's admission: a version may start loading once the model bytes already held
// (loaded, admitted loads, draining versions) leave room for it. Idle least-recently-used versions
// are evicted to make room; a version in use (a handle held, or a request waiting for it) is never
// evicted: the load waits for it to go idle, so an admitted request never loses its version.
// Versions no longer aspired are left alone (one of them may be all that serves its model while
// the new version loads); other admitted loads and drains are waited for.
import { ServingError } from '../util/status.ts';
import type { Harness } from './harness.ts';
import { MODEL_FILE } from './listing.ts';

export interface BudgetView {
  /** What a version will hold once loaded, from its model file's size (the backend's estimate). */
  need(fileBytes: number): number;
  /** How `need` is estimated, when it is not the file's size: said in the refusal. */
  readonly basis?: string;
  /** Every tracked version. */
  harnesses(): Iterable<Harness>;
  /** Bytes held now. */
  resident(): number;
  evict(victim: Harness, forVersion: Harness): Promise<void>;
}

export async function admit(harness: Harness, budget: number, view: BudgetView): Promise<void> {
  const fileBytes = harness.present.files.get(MODEL_FILE)?.size ?? 0;
  const need = view.need(fileBytes);
  if (need > budget) {
    const why = view.basis === undefined ? '' : ` (${view.basis}: its file is ${fileBytes} bytes)`;
    throw new ServingError(
      'RESOURCE_EXHAUSTED',
      `Version ${harness.version} of model ${harness.model} needs ${need} bytes${why}, more than the memory budget of ${budget} bytes`,
    );
  }
  harness.admittedBytes = need;
  for (;;) {
    // Admission is decided and recorded in one synchronous step, so concurrent loads see it.
    if (view.resident() + need <= budget) {
      harness.admitted = true;
      return;
    }
    let victim: Harness | undefined;
    const busy: Promise<void>[] = [];
    for (const h of view.harnesses()) {
      if (h === harness) continue;
      if (h.state === 'AVAILABLE' && h.aspired) {
        if (h.inUse) busy.push(h.whenIdle());
        else if (victim === undefined || h.lastUsed < victim.lastUsed) victim = h;
      } else if (h.loading && h.admitted) busy.push(h.loading); // loads not yet admitted wait too: no cycles
      else if (h.unloading) busy.push(h.unloading);
    }
    if (victim) await view.evict(victim, harness);
    else if (busy.length > 0) await Promise.race(busy); // memory held by requests, loads or drains: wait, then look again
    else {
      harness.admitted = true; // only versions that must keep serving are left: go over budget rather than lose them
      return;
    }
  }
}
