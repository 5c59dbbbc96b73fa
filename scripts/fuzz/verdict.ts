// What a response says about the server. Designed 5xx, stack traces, leaked internal paths.
//
// Designed 5xx, with the fuzz server's set-up (a healthy local folder, a 30 s deadline longer than
// the per-request timeout, no batching):
// - 501 UNIMPLEMENTED for classify/regress requests that pass TF Serving's checks (ONNX models take
//   no tf.Example), for JSON values of a type TF Serving has no conversion for, and libevent's 501
//   page for a method it does not know.
// - 503 and 504 are designed only for a storage outage, a full batch queue or a passed deadline.
//   None of these can happen here, so any 503 or 504 is an offender; so is every 500.
import type { FuzzCase } from './cases.ts';

export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

export type Finding = 'undesigned 5xx' | 'stack trace' | 'leaked path';

const DESIGNED_501 = [
  /needs serialized tf\.Example inputs, which ONNX models served by edgeserve cannot take; use :predict/,
  /^Conversion of JSON Value: .* to type: /s,
];
const LIBEVENT_501 = '<TITLE>501 Not Implemented</TITLE>';

export function isDesigned5xx(answer: Answer): boolean {
  if (answer.status !== 501) return false;
  if (answer.body.includes(LIBEVENT_501)) return true;
  const message = errorMessage(answer.body);
  return message !== undefined && DESIGNED_501.some((p) => p.test(message));
}

/** A JavaScript stack frame, or an error text naming a source file. */
const STACK_PATTERNS = [
  /^\s*at .+:\d+:\d+\)?$/m,
  /\bat (?:async )?[\w.$<>\[\] ]+ \((?:file:|node:|\/|[A-Za-z]:\\)/,
  /\bat (?:file:\/\/)?\/[^\s"()]+:\d+:\d+/,
  /Error:[^\n]*\/[\w.-]+\.(?:ts|js|mjs|cjs)\b/,
];

/** Internal places a client must never read: the repository's folder, file URLs, node_modules, /tmp. */
export function leakMarkers(repository: string): string[] {
  return [...new Set([repository, process.cwd(), 'file://', 'node_modules', '/tmp/'])].filter((m) => m.length > 1);
}

/**
 * Findings in one answer. Text the request itself carried is an echo, not a leak: TF Serving's
 * errors quote the path and up to 256 characters of the body (`Malformed request: POST /tmp/…`).
 */
export function findings(answer: Answer, echo: string, markers: readonly string[]): Finding[] {
  const out: Finding[] = [];
  if (answer.status >= 500 && !isDesigned5xx(answer)) out.push('undesigned 5xx');
  // The error message unescaped too: a stack inside a JSON string has its newlines as `\n`.
  const text = [answer.body, errorMessage(answer.body) ?? '', ...Object.values(answer.headers).flat()].join('\n');
  if (STACK_PATTERNS.some((p) => matchesBeyondEcho(p, text, echo))) out.push('stack trace');
  if (markers.some((m) => text.includes(m) && !echoed(text, m, echo))) out.push('leaked path');
  return out;
}

function matchesBeyondEcho(pattern: RegExp, text: string, echo: string): boolean {
  const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  for (const m of text.matchAll(global)) if (!echo.includes(m[0].trim())) return true;
  return false;
}

/**
 * Every occurrence of the marker is part of a path-like token that the request carried: a leaked
 * `/tmp/edgeserve-x/models/m/1` is a longer token than the `/tmp/` a fuzzed URL sent.
 */
function echoed(text: string, marker: string, echo: string): boolean {
  for (let at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + 1)) {
    let from = at;
    let to = at + marker.length;
    while (from > 0 && PATH_CHAR.test(text[from - 1]!)) from--;
    while (to < text.length && PATH_CHAR.test(text[to]!)) to++;
    if (!echo.includes(text.slice(from, to))) return false;
  }
  return true;
}

const PATH_CHAR = /[\w.\/%~:+@-]/;

/** Everything of the request the server might quote back: path (raw and decoded), headers, body. */
export function echoOf(c: FuzzCase, inflated: string | undefined): string {
  const body = c.body ? Buffer.from(c.body) : Buffer.alloc(0);
  return [c.path, decodeBytes(c.path), ...Object.values(c.headers), body.toString('utf8'), body.toString('latin1'), inflated ?? ''].join('\n');
}

function decodeBytes(path: string): string {
  const bytes = path.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return `${Buffer.from(bytes, 'latin1').toString('utf8')}\n${bytes}`;
}

function errorMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as unknown;
    return typeof parsed === 'object' && parsed !== null && typeof (parsed as { error?: unknown }).error === 'string' ? (parsed as { error: string }).error : undefined;
  } catch {
    return undefined;
  }
}
