// Execution providers tried in order (e.g. webgpu → cuda → cpu), for each session on its own: a
// provider failing one model says nothing about the next, so no single load may fix the provider
// for the process. A provider is set aside only once it is proven unavailable: it failed a model
// that a later provider then loaded. A model that fails on every provider is the model's fault
// (corrupt bytes, an unsupported op): no provider is blamed, and the caller gets the first error.
// Each session's `backend` names the provider that serves it; the chain's name says which serve.
import type { Logger } from '../util/log.ts';
import type { InferenceBackend, InferenceSession } from './backend.ts';

export function providerChain(candidates: readonly { provider: string; backend: InferenceBackend }[], logger: Logger): InferenceBackend {
  if (candidates.length === 0) throw new Error('an execution provider chain needs at least one provider');
  /** Failed a model that a later provider loaded: later sessions skip it. The last is never here. */
  const unavailable = new Set<string>();
  /** Has served at least one session. */
  const serving = new Set<string>();
  return {
    get name() {
      const inUse = candidates.filter((c) => serving.has(c.provider));
      if (inUse.length === 0) return `${candidates.map((c) => c.provider).join('→')} (not yet chosen)`;
      return inUse.map((c) => c.backend.name).join('+');
    },
    async createSession(model) {
      const failures: { provider: string; error: unknown }[] = [];
      for (const { provider, backend } of candidates) {
        if (unavailable.has(provider)) continue;
        let session: InferenceSession;
        try {
          session = await backend.createSession(model);
        } catch (error) {
          failures.push({ provider, error });
          continue;
        }
        // Only now is it proven: this model loads, so the providers before failed on their own account.
        for (const failed of failures) {
          if (unavailable.has(failed.provider)) continue; // a concurrent load proved it first
          unavailable.add(failed.provider);
          const error = failed.error instanceof Error ? failed.error.message : String(failed.error);
          logger.log('warn', 'execution_provider_unavailable', { provider: failed.provider, error });
        }
        if (!serving.has(provider)) {
          serving.add(provider);
          logger.log('info', 'execution_provider_selected', { provider, backend: backend.name });
        }
        return session;
      }
      // Every provider still in the running failed this model: the first one tried says why.
      throw failures[0]!.error;
    },
  };
}
