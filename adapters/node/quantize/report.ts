// What `edgeserve quantize` tells the operator, as JSON (--json, and quantize-report.json in a
// pushed version's folder) and as text: sizes, what was converted and what was left (and why),
// and how far the result's outputs are from the original's on real requests.
import type { Comparison } from './compare.ts';
import type { NodeNote } from './graph-edit.ts';

export type QuantizeMode = 'int8' | 'int8-static' | 'fp16';

export interface QuantizeReport {
  readonly mode: QuantizeMode;
  readonly input: string;
  readonly sizeBefore: number;
  readonly sizeAfter: number;
  /** sizeAfter / sizeBefore. */
  readonly sizeRatio: number;
  readonly options: Readonly<Record<string, string | number | boolean>>;
  readonly converted: readonly NodeNote[];
  readonly skipped: readonly NodeNote[];
  /** The backends the result was loaded in before it was written. */
  readonly loadsIn: readonly string[];
  /** Both models on the sample requests, once per backend (ort-node, ort-web); absent (with `notMeasured` saying why) when there were none. */
  readonly comparisons?: readonly Comparison[];
  readonly notMeasured?: string;
  /** What the figures do not say (in-sample, batching-dependent …). */
  readonly caveats: readonly string[];
}

export function reportText(r: QuantizeReport, output: string | undefined): string {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  const lines = [
    `${r.mode} ${r.input}${output ? ` → ${output}` : ''}`,
    `  size        ${kb(r.sizeBefore)} → ${kb(r.sizeAfter)} (${(100 * r.sizeRatio).toFixed(1)}%)`,
    `  options     ${Object.entries(r.options).map(([k, v]) => `${k}=${v}`).join(' ')}`,
    `  converted   ${r.converted.length} ${summary(r.converted)}`,
    ...r.converted.map((n) => `    ${n.node} (${n.op}): ${n.note}`),
    `  skipped     ${r.skipped.length}`,
    ...r.skipped.map((n) => `    ${n.node} (${n.op}): ${n.note}`),
    `  loads in    ${r.loadsIn.join(', ')}`,
  ];
  if (r.comparisons?.length) {
    const first = r.comparisons[0]!;
    lines.push(`  error       ${first.requests} requests from ${first.source}, in each backend`);
    for (const c of r.comparisons) {
      for (const o of c.outputs) {
        const top1 = o.top1Agreement === undefined ? '' : `, top-1 agreement ${(100 * o.top1Agreement).toFixed(2)}% of ${o.rows} rows`;
        lines.push(`    ${c.runtime.padEnd(14)} ${o.name}: max abs ${fmt(o.maxAbsError)}, mean abs ${fmt(o.meanAbsError)} over ${o.elements} values${top1}`);
      }
    }
  } else {
    lines.push(`  error       not measured: ${r.notMeasured}`);
  }
  for (const c of r.caveats) lines.push(`  caveat      ${c}`);
  return lines.join('\n');
}

function summary(notes: readonly NodeNote[]): string {
  const byOp = new Map<string, number>();
  for (const n of notes) byOp.set(n.op, (byOp.get(n.op) ?? 0) + 1);
  return byOp.size ? `(${[...byOp].map(([op, k]) => `${op} ×${k}`).join(', ')})` : '';
}

function fmt(x: number): string {
  return x === 0 ? '0' : x < 1e-3 || x >= 1e4 ? x.toExponential(3) : x.toPrecision(4);
}
