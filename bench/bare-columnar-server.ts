// The large-tensor HTTP baseline (sibling of bare-server.ts): a bare node:http server doing the
// least a JSON model server can do for a columnar request — JSON.parse, nested lists into one
// Float32Array, one session.run (onnxruntime-node), the output back into nested arrays and
// JSON.stringify of {"outputs": …} — on any model with one float32 input and one float32 output.
//   tsx bench/bare-columnar-server.ts MODEL.onnx
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';

const [modelPath] = process.argv.slice(2);
const session = await ort.InferenceSession.create(await readFile(modelPath!), { executionProviders: ['cpu'] });
const [inputName] = session.inputNames;
const [outputName] = session.outputNames;

type Nested = number | Nested[];

function decode(value: Nested): ort.Tensor {
  const dims: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]!) dims.push(v.length);
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  let at = 0;
  const fill = (v: Nested) => {
    if (typeof v === 'number') data[at++] = v;
    else for (const x of v) fill(x);
  };
  fill(value);
  return new ort.Tensor('float32', data, dims);
}

function encode(tensor: ort.Tensor): Nested {
  const data = tensor.data as Float32Array;
  const dims = tensor.dims;
  const build = (offset: number, axis: number): Nested => {
    const n = dims[axis]!;
    if (axis === dims.length - 1) return Array.from(data.subarray(offset, offset + n));
    const stride = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
    const out: Nested[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = build(offset + i * stride, axis + 1);
    return out;
  };
  return dims.length === 0 ? data[0]! : build(0, 0);
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', async () => {
    const { inputs } = JSON.parse(Buffer.concat(chunks).toString()) as { inputs: Nested };
    const out = await session.run({ [inputName!]: decode(inputs) });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ outputs: encode(out[outputName!]!) }));
  });
});
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ event: 'server_listening', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
