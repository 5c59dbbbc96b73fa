// The version a Manager would serve a request with now (loading it if cold), without holding it:
// what the serving tests and the in-process bench assert on.
import type { Manager } from '../../functions/serving/manager.ts';
import type { VersionSelector } from '../../functions/serving/servable-request.ts';

export async function servingVersion(manager: Manager, model: string, selector: VersionSelector): Promise<number> {
  const handle = await manager.acquire(model, selector);
  handle.release();
  return handle.servable.version;
}
