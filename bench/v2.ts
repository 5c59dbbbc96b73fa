// Open Inference Protocol rows (issue #15's targets), in-process through the REST handler the Node
// server calls (`handle`: raw body in, body out; the socket is not part of either side):
//
// - binary V2 infer on the large-output model (ocr_recognizer, 2×40×64 → 2×40×6625 float32) and
//   the large-input one (text_detector, 1×3×320×320 → 1×1×320×320), binary in and out, against
//   session.run alone on the same input plus one copy of the input and of the output bytes (what a
//   server must at least do: take the bytes in, run, hand the bytes out). Target ≤ 1.2×.
// - V2 JSON infer on mnist 1×784 against TF Serving REST predict on the same model and input, in
//   the same run (row format, as a Python client writes it). Target within 10 %.
//
// Runnable alone: `npx tsx bench/v2.ts` prints the rows; bench/run.ts adds them to its table.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-node';
import { createNodeBackend } from '../adapters/shared/ort-backends.ts';
import { FileSystemStore } from '../adapters/storage/fs.ts';
import { createEdgeserve } from '../functions/app.ts';
import type { RestRequest } from '../functions/http/exchange.ts';
import { silentLogger } from '../functions/util/log.ts';
import { DEFAULT_OUT, repositoryComplete, writeExampleRepository } from '../scripts/build-example-models.ts';
import { mnistSamples } from '../test/fixtures/example-models.ts';
import { encodeRequest, type ClientRequest } from '../test/v2/client.ts';
import { benchRepository, DET, detInput, OCR, ocrInput } from './large-models.ts';
import { interleaveAll, median, pythonStyleRows, type BenchRow } from './stats.ts';

const post = (pathAndQuery: string, body: Uint8Array, headers: Record<string, string>): RestRequest => {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method: 'POST', pathAndQuery, header: (n) => lower[n] ?? null, readBody: async () => body };
};

/** Binary V2 infer vs session.run + one copy in and out, on each large model. */
async function binaryRows(rounds: number): Promise<BenchRow[]> {
  const repo = await benchRepository();
  const es = createEdgeserve({ store: new FileSystemStore(repo.dir), backend: await createNodeBackend('ort-node'), logger: silentLogger, maxResponseBytes: 256 * 1024 * 1024 });
  await es.warmup();
  const rows: BenchRow[] = [];
  try {
    for (const m of [{ ...OCR, ...ocrInput(2) }, { ...DET, ...detInput(1) }]) {
      const session = await ort.InferenceSession.create(await readFile(join(repo.dir, m.name, '1', 'model.onnx')), { executionProviders: ['cpu'] });
      const input = new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength);
      const request: ClientRequest = {
        inputs: [{ name: m.input, shape: m.dims, datatype: 'FP32', binary: input }],
        parameters: { binary_data_output: true },
      };
      const { body, headers } = encodeRequest(request);
      const served = async () => {
        const r = await es.handle(post(`/v2/models/${m.name}/infer`, body, headers));
        if (r.status !== 200 || r.bytes === undefined) throw new Error(r.body ?? `status ${r.status}`);
      };
      const floor = async () => {
        const copyIn = new Float32Array(m.data); // the bytes taken in …
        const out = await session.run({ [m.input]: new ort.Tensor('float32', copyIn, m.dims) });
        (out[m.output]!.data as Float32Array).slice(); // … and handed out, once each
      };
      // Rotated order each round: neither side always runs right after the other's garbage.
      const t = await interleaveAll({ a: served, b: floor }, rounds);
      const ratio = median(t.a) / median(t.b);
      const outShape = m.name === OCR.name ? `2×${OCR.steps}×${OCR.classes}` : `1×1×${DET.side}×${DET.side}`;
      rows.push({
        what: `V2 binary infer ${m.name} ${m.dims.join('×')} → ${outShape} float32 (handle) vs session.run + 1 copy in/out`,
        edgeserve: `${(median(t.a) / 1000).toFixed(2)} ms`, baseline: `${(median(t.b) / 1000).toFixed(2)} ms`,
        ratio: `${ratio.toFixed(2)}×`, target: '≤ 1.20×', met: ratio <= 1.2,
      });
      await session.release();
    }
  } finally {
    await es.manager.close();
    await repo.dispose();
  }
  return rows;
}

/** V2 JSON infer vs TF Serving REST predict, mnist 1×784, the same server and input. */
async function jsonRow(repository: string, rounds: number): Promise<BenchRow> {
  const es = createEdgeserve({ store: new FileSystemStore(repository), backend: await createNodeBackend('ort-node'), logger: silentLogger });
  await es.warmup(['mnist']);
  const image = mnistSamples(1).images[0]!;
  const tf = new TextEncoder().encode(pythonStyleRows([image]));
  // The same numbers as Python's json.dumps writes them, in V2's flat `data`.
  const v2 = new TextEncoder().encode(`{"inputs": [{"name": "image", "shape": [1, 784], "datatype": "FP32", "data": ${pythonStyleRows([image]).slice('{"instances": ['.length, -2)}}]}`);
  const call = (path: string, body: Uint8Array) => async () => {
    const r = await es.handle(post(path, body, { 'content-type': 'application/json' }));
    if (r.status !== 200) throw new Error(r.body ?? `status ${r.status}`);
  };
  const t = await interleaveAll({ a: call('/v2/models/mnist/infer', v2), b: call('/v1/models/mnist:predict', tf) }, rounds);
  await es.manager.close();
  const ratio = median(t.a) / median(t.b);
  return {
    what: 'V2 JSON infer mnist 1×784 (handle) vs TF Serving REST predict, same model and input',
    edgeserve: `${median(t.a).toFixed(0)} µs`, baseline: `${median(t.b).toFixed(0)} µs`,
    ratio: `${ratio.toFixed(2)}×`, target: '≤ 1.10×', met: ratio <= 1.1,
  };
}

export async function benchV2Rows(repository: string = DEFAULT_OUT, rounds = { binary: 300, json: 5000 }): Promise<BenchRow[]> {
  if (!repositoryComplete(repository)) await writeExampleRepository(repository);
  return [...(await binaryRows(rounds.binary)), await jsonRow(repository, rounds.json)];
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  for (const r of await benchV2Rows()) console.log(`| ${r.what} | ${r.edgeserve} | ${r.baseline} | ${r.ratio} | ${r.target} | ${r.met ? 'yes' : 'NO'} |`);
}
