// The HTTP baseline: a bare node:http server doing the least a JSON model server can do —
// JSON.parse, one session.run, JSON.stringify — on the same model as edgeserve.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';

const [modelPath] = process.argv.slice(2);
const session = await ort.InferenceSession.create(await readFile(modelPath!), { executionProviders: ['cpu'] });

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', async () => {
    const { instances } = JSON.parse(Buffer.concat(chunks).toString()) as { instances: number[][] };
    const input = new Float32Array(instances.flat());
    const out = await session.run({ image: new ort.Tensor('float32', input, [instances.length, 784]) });
    const scores = out.scores!.data as Float32Array;
    const predictions = instances.map((_, i) => Array.from(scores.subarray(i * 10, i * 10 + 10)));
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ predictions }));
  });
});
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ event: 'server_listening', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
