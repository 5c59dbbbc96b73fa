// One record per REST request: what operators read in logs (never the payload unless sampled in).

export interface RequestRecord {
  readonly time: string;
  /** x-request-id or the traceparent trace id when the caller sent one, else generated; also in the response. */
  readonly request_id: string;
  readonly method: string;
  readonly path: string;
  readonly model: string;
  /** TF Serving's API label: predict / classify / regress, "" for GET. */
  readonly api: string;
  readonly status: string;
  readonly http_status: number;
  readonly version?: number;
  readonly arm?: string;
  readonly cold_start: boolean;
  readonly duration_ms: number;
  readonly run_ms?: number;
  readonly storage_ms?: number;
  readonly session_ms?: number;
  readonly warmup_ms?: number;
  readonly bytes_in: number;
  readonly bytes_out: number;
  /** Only when payload logging is on and this request was sampled. */
  readonly request_body?: string;
}

export type RequestSink = (record: RequestRecord) => void;

/** Payload logging: a sample of request bodies, cut to this many characters. */
export const MAX_LOGGED_BODY_CHARS = 4096;

/** A JSON line per record, for platforms whose log collectors parse JSON (Workers, containers). */
export function jsonLineSink(write: (line: string) => void): RequestSink {
  return (record) => write(JSON.stringify({ level: 'info', event: 'request', ...record }));
}
