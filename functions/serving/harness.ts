// One version of one model as the Manager tracks it: TF Serving's servable state (START →
// LOADING → AVAILABLE → UNLOADING → END), whether the version policy still wants it, and the
// bookkeeping for retries after a failed load.
import type { ServingError, StatusCode } from '../util/status.ts';
import type { LoadTimings } from './loader.ts';
import type { Servable } from './servable.ts';
import { MODEL_FILE, type PresentVersion } from './source.ts';

export type VersionState = 'START' | 'LOADING' | 'AVAILABLE' | 'UNLOADING' | 'END';

export interface VersionStatus {
  readonly version: number;
  readonly state: VersionState;
  readonly errorCode: StatusCode;
  readonly errorMessage: string;
}

export class VersionSlot {
  state: VersionState = 'START';
  /** Wanted by the version policy in the latest listing. */
  aspired = true;
  servable: Servable | undefined;
  error: ServingError | undefined;
  lastUsed = 0;
  /** Consecutive failed loads, the earliest time of the next attempt, and the files that failed. */
  failures = 0;
  retryAt = 0;
  failedFingerprint: string | undefined;
  loading: Promise<void> | undefined;
  unloading: Promise<void> | undefined;
  /** A load that the memory budget has admitted (its bytes are counted from then on). */
  admitted = false;
  /** Where the last successful load's time went. */
  lastLoad: LoadTimings | undefined;

  constructor(
    readonly version: number,
    public present: PresentVersion,
  ) {}

  get modelFile() {
    return this.present.files.get(MODEL_FILE);
  }

  /** Bytes the version holds while loaded (its model file), for the memory budget. */
  get sizeBytes(): number {
    return this.servable?.sizeBytes ?? this.modelFile?.size ?? 0;
  }

  /** Holds memory: loaded, being loaded, or draining its last runs before release. */
  get resident(): boolean {
    return this.state === 'AVAILABLE' || this.state === 'UNLOADING' || (this.state === 'LOADING' && this.admitted);
  }

  /** The version folder's files and ETags: a failed version is retried at once when this changes. */
  get fingerprint(): string {
    return [...this.present.files].map(([name, o]) => `${name}=${o.etag}`).sort().join('\n');
  }

  status(): VersionStatus {
    return {
      version: this.version,
      state: this.state,
      errorCode: this.error?.code ?? 'OK',
      errorMessage: this.error?.message ?? '',
    };
  }
}
