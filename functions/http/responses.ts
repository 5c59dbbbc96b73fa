// Every response shape the REST surface produces, in one place, so headers stay consistent.
import type { RestResponse } from './exchange.ts';
import { PrettyWriter } from '../util/json/pretty-writer.ts';
import type { ServingError } from '../util/status.ts';

const JSON_TYPE = 'application/json';
const CORS_HEADERS: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, GET',
  'Access-Control-Allow-Headers': 'Content-Type',
};

export interface ResponseOptions {
  readonly cors: boolean;
}

export function jsonResponse(status: number, body: string, options: ResponseOptions, extra?: Record<string, string>): RestResponse {
  const headers: Record<string, string> = { 'Content-Type': JSON_TYPE, ...extra };
  if (options.cors) Object.assign(headers, CORS_HEADERS);
  return { status, headers, body };
}

/** `{"error": …}` exactly as TF Serving's MakeJsonFromStatus writes it. */
export function errorBody(message: string): string {
  const w = new PrettyWriter();
  w.startObject();
  w.key('error');
  w.string(message);
  w.endObject();
  return w.toString();
}

export function errorResponse(error: ServingError, options: ResponseOptions): RestResponse {
  return jsonResponse(error.httpStatus, errorBody(error.message), options);
}

/** CORS preflight (http_server.cc): answered before the handler; 200 only with an http(s) Origin. */
export function preflightResponse(origin: string | null, options: ResponseOptions): RestResponse {
  const headers = options.cors ? { ...CORS_HEADERS } : {};
  const ok = origin !== null && /https?:\/\//.test(origin);
  return { status: ok ? 200 : 400, headers, body: null };
}

/** libevent's built-in error pages, which TF Serving returns outside `/v1/`. */
export function libeventErrorPage(status: 404 | 501): RestResponse {
  const reason = status === 404 ? 'Not Found' : 'Not Implemented';
  const html = `<HTML><HEAD>\n<TITLE>${status} ${reason}</TITLE>\n</HEAD><BODY>\n<H1>${reason}</H1>\n</BODY></HTML>\n`;
  return { status, headers: { 'Content-Type': 'text/html' }, body: html };
}
