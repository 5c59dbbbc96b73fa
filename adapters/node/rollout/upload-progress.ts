// The upload bar of `edgeserve push` and `quantize --push`: drawn on a terminal only (stderr, in
// place), only once an upload has taken over a second (a quick push prints no bar at all), redrawn
// at most every 100 ms however often bytes are reported (an S3 body reports each chunk the SDK
// reads, a folder each chunk written), and always at 100 %, so the last line says it finished.
import { progressBar } from './table.ts';

export interface ProgressTerminal {
  /** Writes a partial line (the bar is drawn with \r, in place). */
  write(text: string): void;
}

export class UploadProgress {
  private readonly started: number;
  private drawnAt: number | undefined;

  /** `terminal`: undefined when stderr is not a TTY (or with --json): nothing is ever drawn. */
  constructor(private readonly terminal: ProgressTerminal | undefined, private readonly now: () => number = Date.now, private readonly afterMs = 1000, private readonly everyMs = 100) {
    this.started = now();
  }

  /** Bytes written so far, of the whole version, while `file` is being written. */
  readonly update = (written: number, total: number, file: string): void => {
    if (!this.terminal) return;
    const t = this.now();
    if (t - this.started <= this.afterMs) return;
    if (written < total && this.drawnAt !== undefined && t - this.drawnAt < this.everyMs) return;
    this.drawnAt = t;
    this.terminal.write(`\r${progressBar(written, total, `uploading ${file}`)}`);
  };

  /** Ends the bar's line, if one was drawn (so what follows starts on its own line). */
  end(): void {
    if (this.terminal && this.drawnAt !== undefined) this.terminal.write('\n');
  }
}
