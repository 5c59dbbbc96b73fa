// `npm run bench`: every target of the core issue, each measured against its baseline in the
// same run, printed as one table of ratios. Medians of interleaved samples; no timing asserts.
// Only the table goes to stdout (`npm run bench 2>/dev/null` is the table, Markdown rows); progress
// and whatever the servers and runtimes started here print go to stderr.
import { DEFAULT_OUT, repositoryComplete, writeExampleRepository } from '../scripts/build-example-models.ts';
import { benchCodec, benchColumnarParse } from './codec.ts';
import { benchResponseWriter } from './codec-write.ts';
import { benchColdStart } from './cold-start.ts';
import { benchCompression } from './compression.ts';
import { benchBatching, benchHttp } from './http.ts';
import { benchLambda } from './lambda.ts';
import { benchObservability } from './observability.ts';
import { benchRouting } from './routing.ts';
import { benchWorkers } from './workers.ts';
import type { BenchRow } from './stats.ts';
import { benchWorkerdSplit, mnistSplitSubject } from './workerd-split.ts';
import { benchInProcess, overheadCases } from './in-process.ts';
import { benchHeadOfLine, benchLargePredict } from './large-http.ts';
import { benchLargePlatforms } from './large-platforms.ts';
import { OCR } from './large-models.ts';

// Anything written to stdout by code running in this process (a Lambda handler's log lines,
// workerd's output through miniflare) goes to stderr; the table is written with the saved writer.
const writeStdout = process.stdout.write.bind(process.stdout);
process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
const print = (line: string) => writeStdout(`${line}\n`);

if (!repositoryComplete(DEFAULT_OUT)) await writeExampleRepository(DEFAULT_OUT);

const rows: BenchRow[] = [];
const f = (n: number, digits = 1) => n.toFixed(digits);

console.error('codec …');
const codec = await benchCodec();
const codecRatio = codec.oursUs / codec.jsonParseUs;
rows.push({
  what: `codec: parse+convert 32×784 body (${(codec.bodyBytes / 1024).toFixed(0)} KiB) vs JSON.parse`,
  edgeserve: `${f(codec.oursUs, 0)} µs`, baseline: `${f(codec.jsonParseUs, 0)} µs`,
  ratio: `${f(codecRatio, 2)}×`, target: '≤ 2.00×', met: codecRatio <= 2,
});
const columnar = await benchColumnarParse();
const columnarRatio = columnar.oursMs / columnar.jsonParseMs;
rows.push({
  what: `codec: parse+convert 1×3×320×320 columnar body (${(columnar.bodyBytes / 1048576).toFixed(1)} MiB) vs JSON.parse`,
  edgeserve: `${f(columnar.oursMs)} ms`, baseline: `${f(columnar.jsonParseMs)} ms`,
  ratio: `${f(columnarRatio, 2)}×`, target: '≤ 1.50×', met: columnarRatio <= 1.5,
});
const writer = await benchResponseWriter();
for (const [label, ms] of [['columnar', writer.columnarMs], ['row', writer.rowMs]] as const) {
  const ratio = ms / writer.stringifyMs;
  rows.push({
    what: `codec: write 2×40×6625 float32 answer, ${label} (${(writer.bodyBytes / 1048576).toFixed(1)} MiB) vs JSON.stringify`,
    edgeserve: `${f(ms)} ms`, baseline: `${f(writer.stringifyMs)} ms`,
    ratio: `${f(ratio, 2)}×`, target: '≤ 1.50×', met: ratio <= 1.5,
  });
}

console.error('compression …');
for (const r of benchCompression()) {
  // What sending the saved bytes would take on a 100 Mbit/s link, the cost's yardstick.
  const savedMs = ((r.bytes - r.bytes / r.ratio) * 8) / 100e6 * 1000;
  rows.push({
    what: `compression, ${r.coding} (${r.coding === 'br' ? 'quality 1' : 'level 1'}), ${r.label}: CPU vs the saved bytes at 100 Mbit/s`,
    edgeserve: `${f(r.ms, 2)} ms`, baseline: `${f(savedMs, 2)} ms`,
    ratio: `${f(r.ratio, 1)}× smaller`, target: 'CPU < transfer saved', met: r.ms < savedMs,
  });
}

console.error('in-process …');
for (const c of overheadCases()) {
  const m = await benchInProcess(DEFAULT_OUT, c);
  for (const [label, timing, target] of [
    ['handle()', m.handle, 40],
    ['hono app.fetch', m.fetch, undefined],
  ] as const) {
    const overhead = timing.appUs - timing.runUs;
    rows.push({
      what: `in-process predict, ${c.label}: ${label} vs session.run`,
      edgeserve: `${f(timing.appUs)} µs`, baseline: `${f(timing.runUs)} µs`,
      ratio: `+${f(overhead)} µs`, target: target === undefined ? '(reported)' : `≤ +${target} µs p50`,
      met: target === undefined || overhead <= target,
    });
  }
}

console.error('http …');
for (const r of await benchHttp(DEFAULT_OUT)) {
  const ratio = r.edgeserve.rps / r.bare.rps;
  rows.push({
    what: `HTTP c=${r.connections}: req/s (p50/p99 ms) vs bare node:http`,
    edgeserve: `${f(r.edgeserve.rps, 0)} (${r.edgeserve.p50}/${r.edgeserve.p99})`,
    baseline: `${f(r.bare.rps, 0)} (${r.bare.p50}/${r.bare.p99})`,
    ratio: `${f(ratio, 2)}×`, target: '≥ 0.85×', met: ratio >= 0.85,
  });
}

console.error('large tensors over HTTP …');
const mib = (bytes: number) => bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(0)} KiB`;
for (const r of await benchLargePredict()) {
  const vsBare = r.edgeserveMs / r.bareMs;
  rows.push({
    what: `HTTP predict, ${r.label}, columnar (${mib(r.requestBytes)} in, ${mib(r.edgeserveResponseBytes)} out) vs bare node:http`,
    edgeserve: `${f(r.edgeserveMs)} ms`, baseline: `${f(r.bareMs)} ms`,
    ratio: `${f(vsBare, 2)}×`, target: '≤ 1.30×', met: vsBare <= 1.3,
  });
  rows.push({
    what: '  the same vs session.run alone (in process, same input)',
    edgeserve: `${f(r.edgeserveMs)} ms`, baseline: `${f(r.runMs)} ms`,
    ratio: `${f(r.edgeserveMs / r.runMs, 1)}×`, target: '(reported)', met: true,
  });
}
console.error('large answer in workerd and Lambda …');
const lp = await benchLargePlatforms();
rows.push({
  what: `warm predict in workerd, ${OCR.name} 2×40×6625 out (16.1 MiB) vs ort-web session.run alone (1 thread)`,
  edgeserve: `${f(lp.workerdMs)} ms`, baseline: `${f(lp.webRunMs)} ms`, ratio: `${f(lp.workerdMs / lp.webRunMs, 1)}×`, target: '(reported)', met: true,
});
rows.push({
  what: `warm Lambda invoke, the same answer gzipped (${mib(lp.lambdaBytes)} base64) vs ort-node session.run alone`,
  edgeserve: `${f(lp.lambdaMs)} ms`, baseline: `${f(lp.nodeRunMs)} ms`, ratio: `${f(lp.lambdaMs / lp.nodeRunMs, 1)}×`, target: '(reported)', met: true,
});
const hol = await benchHeadOfLine(DEFAULT_OUT);
const failed = (n: number) => (n > 0 ? `, ${n} failed` : '');
rows.push({
  what: `small predicts (mnist 1×784) p50/p99 while a maximal body (${mib(hol.bigBodyBytes)} columnar, ${f(hol.bigMedianMs, 0)} ms each) is processed vs without`,
  edgeserve: `${f(hol.flooded.p50)}/${f(hol.flooded.p99)} ms${failed(hol.flooded.failed)}`,
  baseline: `${f(hol.alone.p50)}/${f(hol.alone.p99)} ms${failed(hol.alone.failed)}`,
  ratio: `p99 ${f(hol.flooded.p99 / hol.alone.p99, 1)}×`, target: '≤ 50 ms p99',
  met: hol.flooded.p99 <= 50 && hol.flooded.failed === 0,
});

console.error('cold start from S3 …');
const cold = await benchColdStart(DEFAULT_OUT);
for (const [label, m, target] of [
  ['GET + session create', cold.vsGet, undefined],
  ['GET + session create, the listing persisted (Workers: Cache API)', cold.vsGetPersisted, 1.3],
  ['LIST + GET + session create', cold.vsListGet, undefined],
] as const) {
  const ratio = m.edgeserveMs / m.floorMs;
  rows.push({
    what: `cold start from S3, mnist (first predict) vs ${label}`,
    edgeserve: `${f(m.edgeserveMs)} ms`, baseline: `${f(m.floorMs)} ms`,
    ratio: `${f(ratio, 2)}×`, target: target === undefined ? '(reported)' : `≤ ${target.toFixed(2)}×`,
    met: target === undefined || ratio <= target,
  });
}
rows.push({
  what: `refresh on an unchanged bucket (${cold.models} models, steady traffic)`,
  edgeserve: `${f(cold.perModelPerInterval, 2)} req`, baseline: '—',
  ratio: 'per model per interval', target: '≤ 1 request', met: cold.perModelPerInterval <= 1,
});

console.error('workerd …');
const w = await benchWorkers(DEFAULT_OUT);
const rawRatio = w.workerdUs / w.nodeWebUs;
const workRatio = (w.workerdUs - w.workerdEmptyPostUs) / (w.nodeWebUs - w.nodeEmptyPostUs);
rows.push({
  what: 'warm predict, mnist 1×784 over HTTP: workerd vs Node (both ort-web)',
  edgeserve: `${f(w.workerdUs)} µs`, baseline: `${f(w.nodeWebUs)} µs`,
  ratio: `${f(rawRatio, 2)}×`, target: '(reported)', met: true,
});
rows.push({
  what: '  the same, less each transport\'s time for the same POST to a 404 page',
  edgeserve: `${f(w.workerdUs - w.workerdEmptyPostUs)} µs`, baseline: `${f(w.nodeWebUs - w.nodeEmptyPostUs)} µs`,
  ratio: `${f(workRatio, 2)}×`, target: '≤ 1.30×', met: workRatio <= 1.3,
});
console.error('workerd split …');
const split = await benchWorkerdSplit(...(await mnistSplitSubject(DEFAULT_OUT)));
const splitRow = (what: string, c: { workerdUs: number; nodeUs: number }, target?: number) => rows.push({
  what, edgeserve: `${f(c.workerdUs)} µs`, baseline: `${f(c.nodeUs)} µs`, ratio: `${f(c.workerdUs / c.nodeUs, 2)}×`,
  target: target === undefined ? '(reported)' : `≤ ${f(target, 2)}×`, met: target === undefined || c.workerdUs / c.nodeUs <= target,
});
splitRow('  in the isolate, no HTTP: handle() of the warm predict, workerd vs Node (ort-web)', split.handle, 1.3);
splitRow('    of which onnxruntime-web\'s run', split.run);
const codecOf = (c: typeof split.parse, d: typeof split.write) => ({ workerdUs: c.workerdUs + d.workerdUs, nodeUs: c.nodeUs + d.nodeUs });
splitRow('    of which the codec (parse and decode 784 numbers, write 10 scores)', codecOf(split.decode, split.write));
splitRow('  hono app.fetch of the same predict (adds the Fetch Request/Response)', split.fetch);
rows.push({
  what: 'first request to a fresh isolate, mnist in R2 (workerd started)',
  edgeserve: `${f(w.firstRequestMs)} ms`, baseline: '—', ratio: '—', target: '≤ 300 ms', met: w.firstRequestMs <= 300,
});
rows.push({
  what: 'edge-cache hit, first request to a fresh isolate (persisted listing) vs a hit on a warm one, mnist',
  edgeserve: `${f(w.cacheHitMs)} ms`, baseline: `${f(w.warmCacheHitMs)} ms`,
  ratio: `${f(w.cacheHitMs / w.warmCacheHitMs, 2)}×`, target: '≤ 10 ms', met: w.cacheHitMs <= 10,
});

console.error('lambda …');
const l = await benchLambda(DEFAULT_OUT);
const lambdaRatio = l.warmLambdaUs / l.warmNodeUs;
rows.push({
  what: 'warm Lambda invoke (API GW v2 event → result) vs Node handle(), mnist 1×784',
  edgeserve: `${f(l.warmLambdaUs)} µs`, baseline: `${f(l.warmNodeUs)} µs`,
  ratio: `${f(lambdaRatio, 2)}×`, target: '≤ 1.20×', met: lambdaRatio <= 1.2,
});
for (const [backend, ms] of Object.entries(l.coldMs)) {
  rows.push({
    what: `Lambda cold start, ${backend}: process start → first mnist prediction from S3`,
    edgeserve: `${f(ms, 0)} ms`, baseline: '—', ratio: '—', target: '≤ 600 ms', met: ms <= 600,
  });
}

console.error('routing …');
const routing = await benchRouting(DEFAULT_OUT);
rows.push({
  what: 'routing decision (sticky header, two weighted arms)',
  edgeserve: `${f(routing.decisionUs, 2)} µs`, baseline: '—', ratio: '—', target: '≤ 5 µs p50', met: routing.decisionUs <= 5,
});
const shadowCost = routing.shadowedUs / routing.plainUs - 1;
rows.push({
  what: 'served predict p50 with a shadow arm at sample 1 vs none (3 ms gaps)',
  edgeserve: `${f(routing.shadowedUs)} µs`, baseline: `${f(routing.plainUs)} µs`,
  ratio: `${shadowCost >= 0 ? '+' : ''}${f(100 * shadowCost)}%`, target: '≤ +5%', met: shadowCost <= 0.05,
});

console.error('batching …');
const batching = await benchBatching(DEFAULT_OUT);
const batchGain = batching.batched.rps / batching.plain.rps;
rows.push({
  what: 'dynamic batching, 32 clients, mnist 1 row each: req/s (p99 ms) vs unbatched',
  edgeserve: `${f(batching.batched.rps, 0)} (${batching.batched.p99})`, baseline: `${f(batching.plain.rps, 0)} (${batching.plain.p99})`,
  ratio: `${f(batchGain, 2)}×`, target: '≥ 2× at p99 ≤ 2×', met: batchGain >= 2 && batching.batched.p99 <= 2 * batching.plain.p99,
});

console.error('observability …');
const obs = await benchObservability(DEFAULT_OUT);
const obsCost = obs.loggedUs / obs.quietUs - 1;
rows.push({
  what: 'warm predict p50, mnist 1×784: with request log lines vs without',
  edgeserve: `${f(obs.loggedUs)} µs`, baseline: `${f(obs.quietUs)} µs`,
  ratio: `${obsCost >= 0 ? '+' : ''}${f(100 * obsCost)}%`, target: '≤ +3%', met: obsCost <= 0.03,
});

console.error('open inference protocol (v2) …'); rows.push(...(await (await import('./v2.ts')).benchV2Rows(DEFAULT_OUT)));

const header: BenchRow = { what: 'benchmark', edgeserve: 'edgeserve', baseline: 'baseline', ratio: 'ratio', target: 'target', met: true };
const cols = ['what', 'edgeserve', 'baseline', 'ratio', 'target'] as const;
const widths = cols.map((c) => Math.max(...[header, ...rows].map((r) => r[c].length)));
const line = (r: BenchRow, mark: string) => `| ${cols.map((c, i) => r[c].padEnd(widths[i]!)).join(' | ')} | ${mark.padEnd(4)} |`;
print(line(header, 'met'));
print(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|------|`);
for (const r of rows) print(line(r, r.met ? 'yes' : 'NO'));
print(`\nnode ${process.version}, ${(await import('node:os')).cpus().length} cores; medians of interleaved runs`);
