// The start-up summary a person reads at a terminal: where it listens, which models (and how they
// were chosen), each version's state, labels, and the warnings of the start. A pure function of
// the manager's status, so it is tested without a terminal; cli.ts gathers the input.
import type { VersionStatus } from '../../functions/serving/harness.ts';
import { formatFields, type LoggedEvent } from './text-log.ts';

export interface StartupModel {
  readonly name: string;
  /** Highest first, as the status API answers. */
  readonly versions: readonly VersionStatus[];
  readonly labels: ReadonlyMap<string, number>;
}

export interface StartupReport {
  readonly url: string;
  readonly backend: string;
  /** Which models are served and where from, in words. */
  readonly mode: string;
  readonly models: readonly StartupModel[];
  /** --lazy: versions load on their first request, so none is loaded yet. */
  readonly lazy: boolean;
  readonly warnings: readonly LoggedEvent[];
  readonly metricsPath?: string;
}

/** One screen: past this many models, the rest are counted. */
export const MAX_MODEL_ROWS = 12;
const MAX_ERROR_CHARS = 72;

function versionText(v: VersionStatus): string {
  const error = v.errorMessage === '' ? '' : ` (${v.errorMessage.length > MAX_ERROR_CHARS ? `${v.errorMessage.slice(0, MAX_ERROR_CHARS - 1)}…` : v.errorMessage})`;
  return `${v.version} ${v.state}${error}`;
}

function modelRow(m: StartupModel, width: number, lazy: boolean): string {
  const versions = m.versions.length === 0 ? (lazy ? 'listed on the first request' : 'no versions') : m.versions.map(versionText).join(', ');
  const labels = m.labels.size === 0 ? '' : `   labels: ${[...m.labels].map(([l, v]) => `${l} → ${v}`).join(', ')}`;
  return `  ${m.name.padEnd(width)}  ${versions}${labels}`;
}

export function startupSummary(r: StartupReport): string {
  const lines = [`edgeserve is serving on ${r.url} (${r.backend})`, `Models: ${r.mode}`];
  if (r.models.length === 0) {
    lines.push(r.lazy ? '  none listed yet (--lazy: the repository is listed on the first request)' : '  none: nothing to serve (see the warnings)');
  } else {
    const shown = r.models.slice(0, MAX_MODEL_ROWS);
    const width = Math.max(...shown.map((m) => m.name.length));
    for (const m of shown) lines.push(modelRow(m, width, r.lazy));
    if (r.models.length > shown.length) lines.push(`  … and ${r.models.length - shown.length} more (GET /v1/models/NAME for each)`);
    if (r.lazy) lines.push('  (--lazy: each version loads on its first request)');
  }
  if (r.warnings.length > 0) {
    lines.push('', `Warnings (${r.warnings.length})`);
    for (const w of r.warnings) {
      const fields = formatFields(w.fields);
      lines.push(`  ${w.level === 'error' ? 'error' : 'warn'}: ${w.event}${fields ? ` ${fields}` : ''}`);
    }
  }
  const first = r.models.find((m) => m.versions.some((v) => v.state === 'AVAILABLE')) ?? r.models[0];
  lines.push('');
  if (first !== undefined) lines.push(`Try: curl ${r.url}/v1/models/${first.name}`);
  lines.push(`Probes: ${r.url}/edgeserve/ready, ${r.url}/edgeserve/live${r.metricsPath ? `; metrics: ${r.url}${r.metricsPath}` : ''}`);
  lines.push('Logs follow as text lines (--log_format=json for JSON lines). Ctrl-C stops.');
  return lines.join('\n');
}
