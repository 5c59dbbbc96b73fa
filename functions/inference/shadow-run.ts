// Shadow traffic: after a routed request is answered, the same inputs run on the shadow arm —
// through the same handle, batching session and deadline as a served request — and the outputs
// are compared (routing/shadow.ts). It never changes or delays the response.
import type { Arm } from '../config/routing-config.ts';
import { armSelector, type ArmStats } from '../routing/router.ts';
import { outputsAgree } from '../routing/shadow.ts';
import type { Manager } from '../serving/manager.ts';
import type { Tensor } from '../tensor/tensor.ts';
import { runWithDeadline } from './deadline.ts';

export interface ShadowRun {
  readonly model: string;
  readonly arm: Arm;
  readonly stats: ArmStats;
  readonly feeds: ReadonlyMap<string, Tensor>;
  readonly served: ReadonlyMap<string, Tensor>;
  readonly tolerance: number;
}

export function startShadow(manager: Manager, timeoutMs: number, shadow: ShadowRun, waitUntil?: (work: Promise<unknown>) => void): void {
  const work = (async () => {
    // Start only after this response is on its way: the shadow never competes with it.
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (shadow.arm.remote) return; // shadows run locally; a remote shadow arm is not compared
    // Its own scope: a cold load here is not the served request's cold start.
    const handle = await manager.acquire(shadow.model, armSelector(shadow.arm), { waitUntil });
    try {
      const outputs = await runWithDeadline(handle.servable, shadow.feeds, timeoutMs);
      shadow.stats.shadowCompared++;
      shadow.stats.shadowErrors.add(shadow.served, outputs);
      if (outputsAgree(shadow.served, outputs, shadow.tolerance)) shadow.stats.shadowAgreed++;
    } finally {
      handle.release();
    }
  })().catch(() => {
    shadow.stats.shadowCompared++; // a shadow that cannot answer disagrees
  });
  waitUntil?.(work);
}
