// What the operator API says about loads beyond each version's state: the bytes a loaded version
// holds and the recent load failures with their times. Serving already reports both as log events
// (serving/load-report.ts: version_loaded, version_load_failed); this logger decorator keeps the
// last of them in memory, so the operator view adds nothing to serving's hot paths or interfaces.
// Bounded: the failures in a ring, the sizes by model and version, dropped oldest first.
import type { Logger } from '../util/log.ts';

export interface LoadFailure {
  readonly time: string;
  readonly model: string;
  readonly version: number;
  readonly code: string;
  readonly error: string;
  readonly attempt: number;
}

const MAX_FAILURES = 20;
const MAX_SIZES = 1024;

export class LoadEvents {
  private readonly failures: LoadFailure[] = [];
  private readonly sizes = new Map<string, number>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** A logger that forwards every event to `inner` and remembers the load outcomes. */
  tap(inner: Logger): Logger {
    return {
      log: (level, event, fields) => {
        inner.log(level, event, fields);
        if (fields) this.observe(event, fields);
      },
    };
  }

  /** Bytes held by a loaded version (the backend's measure), if it was loaded since start. */
  bytes(model: string, version: number): number | undefined {
    return this.sizes.get(`${model}\u0000${version}`);
  }

  /** The latest failures, newest first. */
  recentFailures(): readonly LoadFailure[] {
    return [...this.failures].reverse();
  }

  private observe(event: string, f: Record<string, unknown>): void {
    if (typeof f.model !== 'string' || typeof f.version !== 'number') return;
    if (event === 'version_loaded' && typeof f.bytes === 'number') {
      const key = `${f.model}\u0000${f.version}`;
      this.sizes.delete(key); // re-inserted last: the map's order is the eviction order
      this.sizes.set(key, f.bytes);
      if (this.sizes.size > MAX_SIZES) this.sizes.delete(this.sizes.keys().next().value!);
    } else if (event === 'version_load_failed') {
      this.failures.push({
        time: new Date(this.now()).toISOString(), model: f.model, version: f.version,
        code: String(f.code ?? ''), error: String(f.error ?? ''), attempt: typeof f.attempt === 'number' ? f.attempt : 1,
      });
      if (this.failures.length > MAX_FAILURES) this.failures.shift();
    }
  }
}
