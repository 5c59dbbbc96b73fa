// A small metrics registry that renders Prometheus text exactly as TF Serving's exporter does
// (util/prometheus_exporter.cc): metric names with every character outside [a-zA-Z0-9_] turned
// into ':', label names with anything outside [a-zA-Z0-9] turned into '_', only `# TYPE` lines,
// histograms as cumulative `_bucket{le}` then `_sum` and `_count`, and a final newline.

type Labels = readonly string[];

function seriesKey(values: Labels): string {
  return values.join('\u0000');
}

function metricName(name: string): string {
  const n = name.replace(/[^a-zA-Z0-9_]/g, ':');
  return /^[0-9]/.test(n) ? `_${n}` : n;
}

/**
 * A label value as the Prometheus text format quotes it: backslash, double quote and line feed
 * escaped (`\\`, `\"`, `\n`). Model names come from bucket keys and requests, so any of the three
 * can occur; an unescaped newline would end the series line mid-value. Anything that writes a
 * series by hand must quote its values with this too.
 */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

function labelPairs(names: Labels, values: Labels, extra = ''): string {
  const pairs = names.map((n, i) => `${n.replace(/[^a-zA-Z0-9]/g, '_')}="${escapeLabelValue(values[i]!)}"`);
  if (extra) pairs.push(extra);
  return pairs.length ? `{${pairs.join(',')}}` : '';
}

export class Counter {
  private readonly series = new Map<string, { values: Labels; value: number }>();
  constructor(readonly name: string, readonly labels: Labels) {}

  inc(values: Labels, by = 1): void {
    const key = seriesKey(values);
    const s = this.series.get(key);
    if (s) s.value += by;
    else this.series.set(key, { values, value: by });
  }

  get(values: Labels): number {
    return this.series.get(seriesKey(values))?.value ?? 0;
  }

  render(): string {
    const name = metricName(this.name);
    let out = `# TYPE ${name} counter\n`;
    for (const s of this.series.values()) out += `${name}${labelPairs(this.labels, s.values)} ${s.value}\n`;
    return out;
  }
}

/** TF's monitoring::Buckets::Exponential(scale, growth, count). */
export function exponentialBuckets(scale: number, growth: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => scale * growth ** i);
}

export class Histogram {
  private readonly series = new Map<string, { values: Labels; counts: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly labels: Labels, readonly bounds: readonly number[]) {}

  observe(values: Labels, value: number): void {
    const key = seriesKey(values);
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { values, counts: new Array<number>(this.bounds.length + 1).fill(0), sum: 0, count: 0 }));
    let i = 0;
    while (i < this.bounds.length && value > this.bounds[i]!) i++;
    s.counts[i]!++;
    s.sum += value;
    s.count++;
  }

  count(values: Labels): number {
    return this.series.get(seriesKey(values))?.count ?? 0;
  }

  render(): string {
    const name = metricName(this.name);
    let out = `# TYPE ${name} histogram\n`;
    for (const s of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += s.counts[i]!;
        out += `${name}_bucket${labelPairs(this.labels, s.values, `le="${bound}"`)} ${cumulative}\n`;
      });
      out += `${name}_bucket${labelPairs(this.labels, s.values, 'le="+Inf"')} ${s.count}\n`;
      out += `${name}_sum${labelPairs(this.labels, s.values)} ${s.sum}\n`;
      out += `${name}_count${labelPairs(this.labels, s.values)} ${s.count}\n`;
    }
    return out;
  }
}
