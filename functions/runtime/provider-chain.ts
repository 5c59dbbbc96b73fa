// Execution providers tried in order (e.g. webgpu → cuda → cpu): the first that creates a session
// serves, and every later session goes straight to it. What was tried and what serves is logged,
// and the backend's name says which provider is in use.
import type { Logger } from '../util/log.ts';
import type { InferenceBackend } from './backend.ts';

export function providerChain(candidates: readonly { provider: string; backend: InferenceBackend }[], logger: Logger): InferenceBackend {
  if (candidates.length === 0) throw new Error('an execution provider chain needs at least one provider');
  let chosen: InferenceBackend | undefined;
  return {
    get name() {
      return chosen?.name ?? `${candidates.map((c) => c.provider).join('→')} (not yet chosen)`;
    },
    async createSession(model) {
      if (chosen) return chosen.createSession(model);
      let lastError: unknown;
      for (const { provider, backend } of candidates) {
        try {
          const session = await backend.createSession(model);
          chosen = backend;
          logger.log('info', 'execution_provider_selected', { provider, backend: backend.name });
          return session;
        } catch (e) {
          lastError = e;
          logger.log('warn', 'execution_provider_unavailable', { provider, error: e instanceof Error ? e.message : String(e) });
        }
      }
      throw lastError;
    },
  };
}
