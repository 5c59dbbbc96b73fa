// The pages outside /v1/: TF Serving's Prometheus exporter, the operator API and dashboard
// (operator/operator-api.ts), and the
// probes a container platform asks (TF Serving's status API answers 200 whatever the state, so a
// probe of it cannot tell a server that is still loading from one that serves).
import type { ServingMetrics } from '../metrics/serving-metrics.ts';
import { escapeLabelValue } from '../metrics/registry.ts';
import type { RoutingRegistry } from '../routing/routing-registry.ts';
import type { Manager } from '../serving/manager.ts';
import type { RestResponse } from '../http/exchange.ts';
import { isOperatorPath, OLD_ROUTING_PATH, OPERATOR_API_PATH, operatorPage, type OperatorCaller, type OperatorOptions } from './operator/operator-api.ts';
import { jsonResponse, type ResponseOptions } from '../http/responses.ts';

/** Deprecated: the operator API (OPERATOR_API_PATH) has these counts and more; kept for existing scripts. */
export const ROUTING_ADMIN_PATH = OLD_ROUTING_PATH;
/** 200 once every model serves (see serving/readiness.ts), else 503; the body lists the states. */
export const READY_PATH = '/edgeserve/ready';
/** 200 while the process answers at all: liveness, which is not readiness. */
export const LIVE_PATH = '/edgeserve/live';

export interface AdminOptions extends ResponseOptions {
  readonly manager: Manager;
  readonly routing: RoutingRegistry;
  readonly metrics: ServingMetrics;
  /** TF Serving's prometheus_config.path; undefined: no metrics page (TF Serving's default). */
  readonly metricsPath?: string;
  /** The inference backend in use, provider included, for the metrics page. */
  readonly backendName?: () => string;
  /** Serve GET /edgeserve/routing (deprecated), and the operator API and dashboard without authentication. */
  readonly routingAdmin: boolean;
  /** The operator API and dashboard; undefined: not served. */
  readonly operator?: OperatorOptions;
}

/**
 * The probes, answered to anyone (a container platform's probes carry no credentials). With
 * authentication on, readiness says only whether it is ready, not which models there are.
 */
export function probePage(method: string, path: string, options: AdminOptions & { readonly authenticated: boolean }): RestResponse | undefined {
  if (method !== 'GET') return undefined;
  if (path === LIVE_PATH) return jsonResponse(200, '{"live": true}', options);
  if (path !== READY_PATH) return undefined;
  const r = options.manager.readiness();
  return jsonResponse(r.ready ? 200 : 503, options.authenticated ? JSON.stringify({ ready: r.ready }) : JSON.stringify(r, null, 1), options);
}

/** Whether the request is for an admin page (the metrics page, the operator API, the dashboard): the admin scope's. */
export function isAdminPage(method: string, path: string, options: AdminOptions): boolean {
  return (
    (options.metricsPath !== undefined && pathOnly(path) === options.metricsPath) ||
    (options.routingAdmin && method === 'GET' && path === ROUTING_ADMIN_PATH) ||
    isOperatorPath(method, path, options)
  );
}

/** The admin page this request asks for (isAdminPage said it is one). */
export async function adminPage(path: string, options: AdminOptions, caller: OperatorCaller): Promise<RestResponse> {
  if (options.metricsPath !== undefined && pathOnly(path) === options.metricsPath) return metricsPage(path, options);
  if (path !== ROUTING_ADMIN_PATH) return operatorPage(path, options, caller);
  // The old view, for scripts that read it; brought up to date first (a refresh when one is due),
  // so routing removed from the config is gone from it too.
  await options.manager.status('', undefined, caller).catch(() => {});
  const headers = { Deprecation: 'true', Link: `<${OPERATOR_API_PATH}>; rel="successor-version"` };
  return jsonResponse(200, JSON.stringify(options.routing.report(options.manager.modelConfigs()), null, 1), options, headers);
}

/** TF Serving's exporter: any method, the exact path only (a query string is a 400). */
function metricsPage(path: string, options: AdminOptions): RestResponse {
  const headers = { 'Content-Type': 'text/plain' };
  if (path !== options.metricsPath) return { status: 400, headers, body: `Unexpected path: ${path}. Should be ${options.metricsPath}` };
  // Which runtime and execution provider serves (e.g. ort-node(webgpu)), as an info-style gauge.
  const backend = options.backendName
    ? `# TYPE :edgeserve:backend gauge\n:edgeserve:backend{name="${escapeLabelValue(options.backendName())}"} 1\n`
    : '';
  return { status: 200, headers, body: options.metrics.render(options.routing.renderMetrics(options.manager.modelConfigs()) + backend) };
}

function pathOnly(pathAndQuery: string): string {
  const q = pathAndQuery.indexOf('?');
  return q < 0 ? pathAndQuery : pathAndQuery.slice(0, q);
}
