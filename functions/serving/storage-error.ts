// A storage failure as a client sees it: no paths, bucket names or addresses (they say too much
// to an anonymous caller), only that storage is unavailable and an id; the details go to the log
// line that carries the same id.
import type { StoreUnavailableError } from '../storage/model-store.ts';
import type { Logger } from '../util/log.ts';
import { ServingError } from '../util/status.ts';

export function storageUnavailable(error: StoreUnavailableError, logger: Logger): ServingError {
  const id = Array.from(crypto.getRandomValues(new Uint8Array(4)), (b) => b.toString(16).padStart(2, '0')).join('');
  logger.log('error', 'storage_unavailable', { error_id: id, error: error.message });
  return new ServingError('UNAVAILABLE', `Model storage is unavailable (error id ${id})`);
}
