// `edgeserve quantize … --push s3://bucket/prefix/MODEL`: the same publisher as `edgeserve push`
// (rollout/publish-version.ts), against a real S3 server on 127.0.0.1 that enforces conditional
// writes as S3 does: the next version with report, warmup records and a manifest the loader
// verifies, model file last; a push whose OUT cannot be written is taken back; an unreachable
// bucket is refused before quantizing.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REPORT_FILE } from '../../adapters/node/quantize/write-output.ts';
import { parseManifest, verifyFile } from '../../functions/serving/integrity.ts';
import { WARMUP_FILE } from '../../functions/serving/warmup.ts';
import { mnistSamples } from '../fixtures/example-models.ts';
import { scratchRepository } from '../helpers.ts';
import { BUCKET, startS3, type TestS3 } from '../s3-server.ts';
import { cliWith } from './quantize-support.ts';

let repo: { dir: string; remove: () => Promise<void> };
let s3: TestS3;
let env: Record<string, string>;
const digits = mnistSamples(40).images;
const PREFIX = 'quantized';
beforeAll(async () => {
  repo = await scratchRepository();
  await mkdir(join(repo.dir, 'mnist/1/assets.extra'), { recursive: true });
  await writeFile(join(repo.dir, 'mnist/1/assets.extra/warmup.json'), JSON.stringify({ instances: digits.slice(0, 20).map((d) => Array.from(d)) }) + '\n');
  s3 = await startS3({ conditionalWrites: true });
  await s3.put(`${PREFIX}/mnist/1/model.onnx`, new Uint8Array(await readFile(join(repo.dir, 'mnist/1/model.onnx'))));
  env = { S3_ENDPOINT: s3.endpoint, S3_FORCE_PATH_STYLE: '1', AWS_REGION: 'us-east-1' };
  // The SDK's credential chain reads the process's environment, as for `serve`.
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' });
}, 120_000);
afterAll(async () => {
  await s3?.stop();
  await repo?.remove();
});

const keysOf = async (prefix: string) => (await s3.store(PREFIX).list(prefix)).map((o) => o.key).sort();
const bytesOf = async (key: string) => {
  const got = await s3.store(PREFIX).get(key);
  if (!got || typeof got !== 'object') throw new Error(`${key} is not in S3`);
  return got.bytes;
};

it('publishes the next version to S3 with the report, the warmup records and a verified manifest', async () => {
  const run = await cliWith(env, 'quantize', join(repo.dir, 'mnist/1/model.onnx'), '--int8', '--push', `s3://${BUCKET}/${PREFIX}/mnist`, '--json');
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(JSON.parse(run.stdout).pushed).toEqual({ version: 2, folder: `s3://${BUCKET}/${PREFIX}/mnist/2` });
  expect(await keysOf('mnist/2/')).toEqual(['mnist/2/assets.extra/warmup.json', 'mnist/2/manifest.json', 'mnist/2/model.onnx', `mnist/2/${REPORT_FILE}`]);
  const manifest = parseManifest(await bytesOf('mnist/2/manifest.json'), 'manifest.json');
  expect([...manifest.keys()].sort()).toEqual([WARMUP_FILE, 'model.onnx', REPORT_FILE]);
  const model = await bytesOf('mnist/2/model.onnx');
  await verifyFile(manifest, 'model.onnx', model, 'model.onnx');
  await verifyFile(manifest, WARMUP_FILE, await bytesOf(`mnist/2/${WARMUP_FILE}`), WARMUP_FILE);
  await verifyFile(manifest, REPORT_FILE, await bytesOf(`mnist/2/${REPORT_FILE}`), REPORT_FILE);
  expect(JSON.parse(new TextDecoder().decode(await bytesOf(`mnist/2/${REPORT_FILE}`))).sizeAfter).toBe(model.length);
}, 60_000);

it('a push whose OUT cannot be written afterwards is taken back: nothing left in S3', async () => {
  const out = join(repo.dir, 'no/such/folder/out.onnx');
  const run = await cliWith(env, 'quantize', join(repo.dir, 'mnist/1/model.onnx'), out, '--fp16', '--push', `s3://${BUCKET}/${PREFIX}/mnist`);
  expect(run).toMatchObject({ status: 1, stderr: expect.stringMatching(/^edgeserve quantize: cannot write .*out\.onnx: ENOENT$/) });
  expect(await keysOf('mnist/3/')).toEqual([]);
  expect(existsSync(out)).toBe(false);
}, 60_000);

it('a bucket that is not there is refused before quantizing; OUT is not written', async () => {
  const out = join(repo.dir, 'out.onnx');
  const run = await cliWith(env, 'quantize', join(repo.dir, 'mnist/1/model.onnx'), out, '--int8', '--push', 's3://no-such-bucket/x/mnist');
  expect(run).toMatchObject({ status: 1, stderr: expect.stringMatching(/^edgeserve quantize: --push s3:\/\/no-such-bucket\/x\/mnist: cannot list/) });
  expect(existsSync(out)).toBe(false);
}, 60_000);
