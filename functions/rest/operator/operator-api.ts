// The operator surface (admin scope, outside /v1/ and /v2/): GET /edgeserve/api/repository, the
// repository view as JSON (what `edgeserve status` reads), and the dashboard page at its
// configurable path, which renders the same view and refreshes itself from the API. It replaces
// /edgeserve/routing: that view's per-arm lifetime counts are part of this one
// view now, with the recent figures beside them, and are dropped when the routing is. The old path
// still answers (deprecated, admin.ts) for the scripts that read it.
import type { LoadEvents } from '../../metrics/load-events.ts';
import type { RoutingRegistry } from '../../routing/routing-registry.ts';
import type { Manager } from '../../serving/manager.ts';
import type { RestResponse } from '../../http/exchange.ts';
import { jsonResponse, type ResponseOptions } from '../../http/responses.ts';
import { dashboardPage, dashboardPolicy } from './dashboard.ts';
import { repositoryView } from './repository-view.ts';

export const OPERATOR_API_PATH = '/edgeserve/api/repository';
export const OLD_ROUTING_PATH = '/edgeserve/routing';
export const DEFAULT_DASHBOARD_PATH = '/edgeserve/dashboard';

export interface OperatorOptions {
  /** Where the dashboard is served (an exact path). */
  readonly dashboardPath: string;
  readonly loadEvents: LoadEvents;
}

export interface OperatorSources extends ResponseOptions {
  readonly manager: Manager;
  readonly routing: RoutingRegistry;
  readonly operator?: OperatorOptions;
}

/** What the caller may see and how background work may continue. */
export interface OperatorCaller {
  mayUse(model: string): boolean;
  readonly waitUntil?: (work: Promise<unknown>) => void;
}

export function isOperatorPath(method: string, path: string, options: OperatorSources): boolean {
  if (options.operator === undefined || method !== 'GET') return false;
  const p = pathOnly(path);
  return p === OPERATOR_API_PATH || p === options.operator.dashboardPath;
}

/** A 401 for the dashboard asks for the key the way a browser can answer: HTTP Basic, the key as the password. */
export function basicChallenge<D extends { readonly status: number; readonly headers: Record<string, string> }>(denial: D): D {
  if (denial.status !== 401) return denial;
  return { ...denial, headers: { ...denial.headers, 'WWW-Authenticate': 'Basic realm="edgeserve dashboard", charset="UTF-8"' } };
}

/** Whether a 401 here should ask a browser for the key (HTTP Basic: the page is opened by hand). */
export function isDashboardPath(path: string, options: OperatorSources): boolean {
  return options.operator !== undefined && pathOnly(path) === options.operator.dashboardPath;
}

export async function operatorPage(path: string, options: OperatorSources, caller: OperatorCaller): Promise<RestResponse> {
  const operator = options.operator!;
  const p = pathOnly(path);
  const view = await repositoryView({ manager: options.manager, routing: options.routing, loadEvents: operator.loadEvents }, caller);
  // Never cached: the figures are live, and the page carries what only an admin may see.
  // nosniff: a browser takes the JSON for JSON and the page for HTML, whatever their content.
  const headers = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };
  if (p === OPERATOR_API_PATH) return jsonResponse(200, JSON.stringify(view, null, 1), options, headers);
  return {
    status: 200,
    headers: {
      ...headers,
      'Content-Type': 'text/html; charset=utf-8',
      // The page's one inline script and style (by hash), nothing from elsewhere: it works offline.
      'Content-Security-Policy': await dashboardPolicy(OPERATOR_API_PATH),
      'X-Frame-Options': 'DENY',
    },
    body: dashboardPage(view, { apiPath: OPERATOR_API_PATH }),
  };
}

function pathOnly(pathAndQuery: string): string {
  const q = pathAndQuery.indexOf('?');
  return q < 0 ? pathAndQuery : pathAndQuery.slice(0, q);
}
