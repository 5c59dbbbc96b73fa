import type { LoadTimings } from './loader.ts';

/** What the Manager needs of a request: where background work goes, and where a cold start is noted. */
export interface ServingScope {
  /** Keeps background work (refresh, loads) alive after the response (a Worker's ctx.waitUntil). */
  waitUntil?(work: Promise<unknown>): void;
  /** Filled in when this request waited for a version to load, for Server-Timing and its record. */
  cold?: LoadTimings;
}
