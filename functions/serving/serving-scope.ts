import type { Logger } from '../util/log.ts';
import { errorText, type LoadTimings } from './loader.ts';

/** What the Manager needs of a request: where background work goes, and where a cold start is noted. */
export interface ServingScope {
  /** Keeps background work (refresh, loads) alive after the response (a Worker's ctx.waitUntil). */
  waitUntil?(work: Promise<unknown>): void;
  /** Filled in when this request waited for a version to load, for Server-Timing and its record. */
  cold?: LoadTimings;
}

/** Work that runs on after the request (a refresh, a load), kept alive by the platform where it can; a failure is logged. */
export function inBackground(work: Promise<unknown>, scope: ServingScope | undefined, logger: Logger): void {
  const guarded = work.catch((e: unknown) => {
    logger.log('error', 'background_failed', { error: errorText(e) });
  });
  scope?.waitUntil?.(guarded);
}
