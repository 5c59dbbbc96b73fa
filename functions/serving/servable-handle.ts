// TF Serving's ServableHandle: a request's hold on one loaded version. While any handle is held
// the version is never evicted and its unload waits, so a request (queued in a batch, running, or
// between the two) never finds its version gone. Release exactly once, in a finally.
import type { Servable } from './servable.ts';

export class ServableHandle {
  private released = false;

  constructor(
    readonly servable: Servable,
    private readonly onRelease: () => void,
  ) {}

  release(): void {
    if (this.released) return;
    this.released = true;
    this.onRelease();
  }
}
