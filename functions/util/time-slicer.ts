// Cooperative time slicing: long synchronous work (parsing a 30 MB body, writing a 60 MB answer)
// offers to pause at safe points, and pauses once it has held the event loop for a slice, so that
// other requests are served in between (one isolate or one Node process serves many at once).
// Node's setImmediate lets I/O run before the work resumes; elsewhere a zero timeout does.

const giveWay: () => Promise<void> =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === 'function'
    ? () => new Promise((resolve) => (globalThis as unknown as { setImmediate(f: () => void): void }).setImmediate(resolve))
    : () => new Promise((resolve) => setTimeout(resolve, 0));

/** The longest stretch one piece of work holds the event loop between two pauses. */
export const DEFAULT_SLICE_MS = 10;

export class TimeSlicer {
  private sliceEnd: number;
  /** How many times the work gave the event loop back (tests and logs read it). */
  pauses = 0;

  constructor(private readonly sliceMs = DEFAULT_SLICE_MS) {
    this.sliceEnd = performance.now() + sliceMs;
  }

  /** A safe point: gives the event loop back if this slice is used up, else returns at once. */
  async pause(): Promise<void> {
    if (performance.now() < this.sliceEnd) return;
    this.pauses++;
    await giveWay();
    this.sliceEnd = performance.now() + this.sliceMs;
  }
}
