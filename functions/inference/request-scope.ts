// One request as the inference layer sees it, whatever protocol it came in by: its headers (for
// routing), whether work may continue after the response, and what it did (version, arm, time in
// the runtime and in a batch queue, a cold start) for the protocol's response headers and record.
import type { ServingScope } from '../serving/serving-scope.ts';

export interface RequestScope extends ServingScope {
  /** A header value by lower-case name, or null. */
  header(name: string): string | null;
  /** false where nothing may run after the response (a frozen Lambda environment): no shadows. */
  readonly background: boolean;
  /** Set by inference: the version and routing arm that served. */
  version?: number;
  arm?: string;
  /** Milliseconds inside the runtime, and waiting for a batch. */
  runMs?: number;
  queueMs?: number;
}
