// Counts a store's requests by operation and outcome, and the bytes read: what storage costs.
import { NOT_MODIFIED, type ModelStore } from '../storage/model-store.ts';
import type { ServingMetrics } from './serving-metrics.ts';

export function meteredStore(store: ModelStore, metrics: ServingMetrics): ModelStore {
  const count = async <T>(operation: string, call: () => Promise<T>, outcome: (r: T) => string): Promise<T> => {
    try {
      const result = await call();
      metrics.storageRequests.inc([operation, outcome(result)]);
      return result;
    } catch (e) {
      metrics.storageRequests.inc([operation, 'error']);
      throw e;
    }
  };
  return {
    get description() {
      return store.description;
    },
    list: (prefix) => count('list', () => store.list(prefix), () => 'ok'),
    get: (key, ifNoneMatch) =>
      count('get', () => store.get(key, ifNoneMatch), (r) => {
        if (r === undefined) return 'not_found';
        if (r === NOT_MODIFIED) return 'not_modified';
        metrics.storageBytes.inc([], r.bytes.byteLength);
        return 'ok';
      }),
  };
}
