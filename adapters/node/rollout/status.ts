// `edgeserve status URL`: a running server's operator API (GET /edgeserve/api/repository, admin
// scope) as tables: versions with states, sizes and labels; each routed model's arms with weight,
// share, requests, error rate, p50/p99 and shadow agreement; recent load errors. --watch redraws.
import type { RepositoryView } from '../../../functions/rest/operator/repository-view.ts';
import { OPERATOR_API_PATH } from '../../../functions/rest/operator/operator-api.ts';
import { formatBytes, table } from './table.ts';

export class StatusError extends Error {}

export async function fetchView(url: string, key: string | undefined): Promise<RepositoryView> {
  let target: URL;
  try {
    target = new URL(OPERATOR_API_PATH, url);
  } catch {
    throw new StatusError(`${url} is not a URL`);
  }
  const response = await fetch(target, { headers: key ? { authorization: `Bearer ${key}` } : {}, signal: AbortSignal.timeout(10_000) }).catch((e: Error) => {
    throw new StatusError(`cannot reach ${target.origin}: ${(e.cause as Error | undefined)?.message ?? e.message}`);
  });
  if (response.status === 401) throw new StatusError(`${target.origin} wants an admin key: --key KEY or EDGESERVE_ADMIN_KEY`);
  if (response.status === 403) throw new StatusError(`the key has no admin scope on ${target.origin}`);
  if (response.status === 404) throw new StatusError(`${target.origin} serves no operator API (auth off and --enable_routing_admin not set?)`);
  if (!response.ok) throw new StatusError(`${target.href} answered ${response.status}`);
  return (await response.json()) as RepositoryView;
}

const pct = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(1)} %`);
const ms = (x: number | null) => (x === null ? '—' : `${x} ms`);

export function statusText(view: RepositoryView): string {
  const parts: string[] = [`${view.models.length} models at ${view.time} (figures over the last ${view.window_seconds / 60} min, one instance)`];
  for (const m of view.models) {
    parts.push('', `${m.name}${m.labels.length ? `   labels: ${m.labels.map((l) => `${l.name}=${l.version}`).join(' ')}` : ''}`);
    parts.push(table(['VERSION', 'STATE', 'SIZE', 'LABELS', 'ERROR'], m.versions.map((v) => [String(v.version), v.state, formatBytes(v.bytes), v.labels.join(','), v.error])));
    if (m.routing) {
      parts.push(table(
        ['ARM', 'SERVES', 'WEIGHT', 'SHARE', 'REQUESTS', 'ERRORS', 'P50', 'P99', 'SHADOW AGREEMENT'],
        m.routing.arms.map((a) => [a.name + (a.falling_back ? ' (falling back)' : ''), a.target, String(a.weight), pct(a.share), String(a.requests),
          pct(a.error_rate), ms(a.p50_ms), ms(a.p99_ms), a.shadow.compared ? `${pct(a.shadow.agreement)} of ${a.shadow.compared}` : '—']),
      ));
    }
  }
  if (view.load_errors.length) {
    parts.push('', 'recent load errors', table(['TIME', 'MODEL', 'VERSION', 'CODE', 'ERROR'], view.load_errors.map((e) => [e.time, e.model, String(e.version), e.code, e.error])));
  }
  return parts.join('\n');
}
