// Cooperative time slicing: long synchronous work (parsing a 30 MB body, writing a 60 MB answer)
// offers to pause at safe points, and pauses once it has held the event loop for a slice, so that
// other requests are served in between (one isolate or one Node process serves many at once).
// Node's setImmediate lets I/O run before the work resumes; elsewhere a zero timeout does.
// workerd's clock stands still while JavaScript runs (it moves on I/O only), so a slice there is
// also ended by a count of chances to pause, sized to take about a slice on Node.

/** Settles on a later turn of the event loop (after pending I/O on Node; after the current task elsewhere). */
export const giveWay: () => Promise<void> =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === 'function'
    ? () => new Promise((resolve) => (globalThis as unknown as { setImmediate(f: () => void): void }).setImmediate(resolve))
    : () => new Promise((resolve) => setTimeout(resolve, 0));

/** The longest stretch one piece of work holds the event loop between two pauses. */
export const DEFAULT_SLICE_MS = 10;
/** Chances to pause taken without pausing, at most, whatever the clock says (workerd's stands still). */
const MAX_STEPS_PER_SLICE = 32;

export class TimeSlicer {
  private sliceEnd: number;
  private steps = 0;
  /** How many times the work gave the event loop back (tests and logs read it). */
  pauses = 0;

  constructor(private readonly sliceMs = DEFAULT_SLICE_MS) {
    this.sliceEnd = performance.now() + sliceMs;
  }

  /** A safe point: gives the event loop back if this slice is used up, else returns at once. */
  async pause(): Promise<void> {
    if (++this.steps < MAX_STEPS_PER_SLICE && performance.now() < this.sliceEnd) return;
    this.steps = 0;
    this.pauses++;
    await giveWay();
    this.sliceEnd = performance.now() + this.sliceMs;
  }
}
