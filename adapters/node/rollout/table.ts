// Plain-text tables for the rollout commands (padded columns, a rule under the header).
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (c ?? '').padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`;
}

/** A one-line progress bar, redrawn in place on a terminal. */
export function progressBar(written: number, total: number, label: string, width = 30): string {
  const done = total ? Math.min(1, written / total) : 1;
  const filled = Math.round(done * width);
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(100 * done).toFixed(0).padStart(3)} % ${formatBytes(written)} / ${formatBytes(total)}`;
}
