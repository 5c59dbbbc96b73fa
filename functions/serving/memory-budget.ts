// The memory budget's admission: a version may start loading once the model bytes already held
// (loaded, admitted loads, draining versions) leave room for it. Least recently used versions are
// evicted to make room; versions no longer aspired are left alone (one of them may be all that
// serves its model while the new version loads); other admitted loads and drains are waited for.
import { ServingError } from '../util/status.ts';
import type { VersionSlot } from './harness.ts';

export interface BudgetView {
  /** Every tracked version and the model it belongs to. */
  slots(): { owner: string; slot: VersionSlot }[];
  /** Bytes held now. */
  resident(): number;
  evict(owner: string, victim: VersionSlot): Promise<void>;
}

export async function admit(slot: VersionSlot, model: string, budget: number, view: BudgetView): Promise<void> {
  const need = slot.modelFile?.size ?? 0;
  if (need > budget) {
    throw new ServingError(
      'RESOURCE_EXHAUSTED',
      `Version ${slot.version} of model ${model} needs ${need} bytes, more than the memory budget of ${budget} bytes`,
    );
  }
  for (;;) {
    // Admission is decided and recorded in one synchronous step, so concurrent loads see it.
    if (view.resident() + need <= budget) {
      slot.admitted = true;
      return;
    }
    const victims: { owner: string; slot: VersionSlot }[] = [];
    const busy: Promise<void>[] = [];
    for (const entry of view.slots()) {
      const s = entry.slot;
      if (s === slot) continue;
      if (s.state === 'AVAILABLE' && s.aspired) victims.push(entry);
      else if (s.loading && s.admitted) busy.push(s.loading); // loads not yet admitted wait too: no cycles
      else if (s.unloading) busy.push(s.unloading);
    }
    victims.sort((a, b) => a.slot.lastUsed - b.slot.lastUsed);
    const victim = victims[0];
    if (victim) await view.evict(victim.owner, victim.slot);
    else if (busy.length > 0) await Promise.race(busy); // another load or drain holds the memory: wait, then look again
    else {
      slot.admitted = true; // only versions that must keep serving are left: go over budget rather than lose them
      return;
    }
  }
}
