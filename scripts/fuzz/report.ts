// The fuzz result as text: one table row per family, then each kind of offence with its first
// requests, written so that each can be sent again by hand (or regenerated with --replay
// FAMILY:INDEX and the seed).
import type { FamilyResult, FuzzResult, Offender } from './run.ts';

const COLUMNS: [string, (f: FamilyResult) => string | number][] = [
  ['family', (f) => f.family],
  ['sent', (f) => f.sent],
  ['s', (f) => f.seconds.toFixed(1)],
  ['2xx', (f) => f.classes['2xx']],
  ['4xx', (f) => f.classes['4xx']],
  ['501 designed', (f) => f.classes['5xx designed']],
  ['5xx other', (f) => f.classes['5xx other']],
  ['hangs', (f) => f.hangs],
  ['dropped', (f) => f.dropped],
  ['stacks', (f) => f.stacks],
  ['leaks', (f) => f.leaks],
  ['slowest ms', (f) => Math.round(f.slowestMs)],
];

export function renderTable(result: FuzzResult): string {
  const rows = [COLUMNS.map(([name]) => name), ...result.families.map((f) => COLUMNS.map(([, cell]) => String(cell(f))))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const out = [line(rows[0]!), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.slice(1).map(line)];
  const codes = result.families.map((f) => `${f.family}: ${Object.entries(f.codes).map(([code, n]) => `${code}×${n}`).join(' ')}`);
  const unsendable = result.families.filter((f) => f.unsendable > 0).map((f) => `${f.family} ${f.unsendable}`);
  return [
    ...out,
    '',
    `status codes (seed ${result.seed}):`,
    ...codes.map((c) => `  ${c}`),
    ...(unsendable.length ? [`refused by node's client, not sent: ${unsendable.join(', ')}`] : []),
  ].join('\n');
}

export function renderOffenders(result: FuzzResult): string {
  const lines: string[] = [];
  for (const f of result.families) {
    if (f.offenderCount === 0) continue;
    lines.push(`${f.family}: ${f.offenderCount} offending requests`);
    for (const [signature, count] of Object.entries(f.signatures).sort((a, b) => b[1] - a[1])) {
      const examples = f.offenders.filter((o) => o.signature === signature);
      lines.push(`  ${signature}: ${count}, the first ${examples.length}:`);
      for (const o of examples) lines.push(...describe(o, result.seed));
    }
  }
  return lines.join('\n');
}

function describe(o: Offender, seed: number): string[] {
  const headers = Object.entries(o.headers).map(([k, v]) => `${k}: ${clip(v, 80)}`);
  return [
    `    #${o.index} ${o.method} ${o.path}   (--seed ${seed} --replay ${o.family}:${o.index})`,
    ...(headers.length ? [`      headers: ${headers.join(' | ')}`] : []),
    ...(o.bodyBytes ? [`      body (${o.bodyBytes} bytes): ${JSON.stringify(o.bodyPrefix)}`] : []),
    ...(o.status !== undefined ? [`      answer ${o.status}: ${JSON.stringify(o.answerPrefix)}`] : []),
    ...(o.detail !== undefined ? [`      no answer: ${o.detail}`] : []),
  ];
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}
