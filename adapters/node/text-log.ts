// Logs for a person at a terminal (--log_format=text, or auto on a TTY): one short line per event
// or request instead of a JSON object. Until the server has started, info events are held back
// (the start-up summary says what they would) and warnings are kept for the summary.
import type { RequestRecord, RequestSink } from '../../functions/metrics/request-record.ts';
import type { Logger } from '../../functions/util/log.ts';

export type LogFormat = 'json' | 'text';

/** --log_format's `auto`: text for a terminal, JSON lines for a log collector (a pipe, a file, a container runtime). */
export function chooseLogFormat(option: 'auto' | 'json' | 'text' | undefined, isTTY: boolean | undefined): LogFormat {
  if (option === 'json' || option === 'text') return option;
  return isTTY === true ? 'text' : 'json';
}

export interface LoggedEvent {
  readonly level: 'info' | 'warn' | 'error';
  readonly event: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** `k=v k="v with spaces"`, values as JSON where they are not plain words. */
export function formatFields(fields: Readonly<Record<string, unknown>>): string {
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' && /^[\w./:@+-]+$/.test(v) ? v : JSON.stringify(v)}`)
    .join(' ');
}

const clock = (date: Date) => date.toISOString().slice(11, 19);

export function eventLine(e: LoggedEvent, now: Date = new Date()): string {
  const rest = formatFields(e.fields);
  return `${clock(now)} ${e.level.padEnd(5)} ${e.event}${rest ? ` ${rest}` : ''}`;
}

export class TextLogger implements Logger {
  private starting = true;
  /** Warnings and errors logged before the server started: the summary lists them. */
  readonly startupWarnings: LoggedEvent[] = [];

  constructor(
    private readonly out: (line: string) => void = (line) => console.log(line),
    private readonly err: (line: string) => void = (line) => console.error(line),
  ) {}

  log(level: 'info' | 'warn' | 'error', event: string, fields: Record<string, unknown> = {}): void {
    const e = { level, event, fields };
    if (this.starting) {
      if (level !== 'info') this.startupWarnings.push(e);
      return;
    }
    (level === 'error' ? this.err : this.out)(eventLine(e));
  }

  /** From now on every event is a line of its own. */
  started(): void {
    this.starting = false;
  }
}

/** One line per request: `12:00:01 POST /v1/models/m:predict 200 3 ms v2 (cold)`. */
export function textRequestSink(write: (line: string) => void): RequestSink {
  return (r: RequestRecord) => {
    const version = r.version === undefined ? '' : ` v${r.version}`;
    const cold = r.cold_start ? ' (cold)' : '';
    write(`${r.time.slice(11, 19)} ${r.method} ${r.path} ${r.http_status} ${Math.round(r.duration_ms)} ms${version}${cold} id=${r.request_id}`);
  };
}
