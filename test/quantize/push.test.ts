// `edgeserve quantize … --push REPO/MODEL`: the result becomes the model's next version in a
// folder repository, with its report, the source version's warmup records and a manifest the
// loader verifies; the server then serves it, and through the Worker in workerd too (an int8
// model from R2).
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_FILE } from '../../adapters/node/quantize/write-output.ts';
import { parseManifest, verifyFile } from '../../functions/serving/integrity.ts';
import { WARMUP_FILE } from '../../functions/serving/warmup.ts';
import { mnistSamples } from '../fixtures/example-models.ts';
import { scratchRepository, startTestServer } from '../helpers.ts';
import { startWorker } from '../workers-runtime.ts';
import { cli, difference, RUNTIMES, scores } from './quantize-support.ts';

let repo: { dir: string; remove: () => Promise<void> };
const digits = mnistSamples(40).images;
beforeAll(async () => {
  repo = await scratchRepository();
  // Warmup records beside version 1: the quantizer measures on them when no --calibration is given.
  await mkdir(join(repo.dir, 'mnist/1/assets.extra'), { recursive: true });
  const records = [0, 20].map((at) => JSON.stringify({ instances: digits.slice(at, at + 20).map((d) => Array.from(d)) }));
  await writeFile(join(repo.dir, 'mnist/1/assets.extra/warmup.json'), records.join('\n') + '\n');
}, 120_000);
afterAll(() => repo?.remove());

describe('--push to a folder repository', () => {
  let run: Awaited<ReturnType<typeof cli>>;
  beforeAll(async () => {
    run = await cli('quantize', join(repo.dir, 'mnist/1/model.onnx'), '--int8', '--push', join(repo.dir, 'mnist'), '--json');
  }, 60_000);

  it('publishes the next version with the report, the warmup records and a manifest', async () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const printed = JSON.parse(run.stdout);
    expect(printed.pushed).toEqual({ version: 2, folder: join(repo.dir, 'mnist/2') });
    const folder = join(repo.dir, 'mnist/2');
    expect((await readdir(folder)).sort()).toEqual(['assets.extra', 'manifest.json', 'model.onnx', REPORT_FILE]);
    const report = JSON.parse(await readFile(join(folder, REPORT_FILE), 'utf8'));
    expect(report.mode).toBe('int8');
    expect(report.comparisons.map((c: { source: string; requests: number }) => [c.source, c.requests])).toEqual([0, 1].map(() => [join(repo.dir, 'mnist/1/assets.extra/warmup.json'), 2]));
    const model = new Uint8Array(await readFile(join(folder, 'model.onnx')));
    expect(report.sizeAfter).toBe(model.length);
    const manifest = parseManifest(new Uint8Array(await readFile(join(folder, 'manifest.json'))), 'manifest.json');
    // Every file of the version is in it, the copied warmup records too (the loader verifies them before warming up).
    expect([...manifest.keys()].sort()).toEqual([WARMUP_FILE, 'model.onnx', REPORT_FILE]);
    await verifyFile(manifest, 'model.onnx', model, 'model.onnx'); // throws DATA_LOSS on a mismatch
    await expect(verifyFile(manifest, 'model.onnx', model.slice(1), 'model.onnx')).rejects.toThrow(/manifest.json says/);
    const warmup = new Uint8Array(await readFile(join(folder, WARMUP_FILE)));
    expect(Buffer.from(warmup).toString()).toBe(await readFile(join(repo.dir, 'mnist/1', WARMUP_FILE), 'utf8'));
    expect(manifest.get(WARMUP_FILE)).toEqual({ sha256: createHash('sha256').update(warmup).digest('hex'), size: warmup.length });
    await verifyFile(manifest, WARMUP_FILE, warmup, WARMUP_FILE);
    await expect(verifyFile(manifest, WARMUP_FILE, warmup.slice(0, -10), WARMUP_FILE)).rejects.toThrow(/manifest.json says/);
    // No staging folder is left in the model's folder.
    expect((await readdir(join(repo.dir, 'mnist'))).sort()).toEqual(['1', '2']);
  });

  it('the server serves it (verified, warmed) as the latest version, with the float model\'s answers', async () => {
    const server = await startTestServer({ root: repo.dir });
    try {
      const body = JSON.stringify({ instances: digits.map((d) => Array.from(d)) });
      const r = await fetch(`${server.url}/v1/models/mnist:predict`, { method: 'POST', body });
      expect(r.status).toBe(200);
      const status = (await (await fetch(`${server.url}/v1/models/mnist`)).json()) as { model_version_status: { version: string; state: string }[] };
      expect(status.model_version_status.map((v) => [v.version, v.state])).toEqual([['2', 'AVAILABLE']]);
      const int8 = ((await r.json()) as { predictions: number[][] }).predictions.flat();
      const [, ortNode] = RUNTIMES[0]!;
      const float = await scores(ortNode, new Uint8Array(await readFile(join(repo.dir, 'mnist/1/model.onnx'))), digits);
      expect(difference(float, int8).top1Agreement).toBeGreaterThanOrEqual(0.95);
      expect(difference(float, int8).maxAbsError).toBeLessThan(0.1);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('a second push takes the version after', async () => {
    const again = await cli('quantize', join(repo.dir, 'mnist/1/model.onnx'), '--fp16', '--push', join(repo.dir, 'mnist'));
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`${join(repo.dir, 'mnist/3')}/model.onnx (version 3)`);
    expect(JSON.parse(await readFile(join(repo.dir, 'mnist/3', REPORT_FILE), 'utf8')).mode).toBe('fp16');
  }, 60_000);

  it('a failed quantization publishes nothing; a missing repository is refused', async () => {
    const before = await readdir(join(repo.dir, 'half_plus_two'));
    const failed = await cli('quantize', join(repo.dir, 'half_plus_two/1/model.onnx'), '--int8', '--push', join(repo.dir, 'half_plus_two'));
    expect(failed.status).toBe(1);
    expect(await readdir(join(repo.dir, 'half_plus_two'))).toEqual(before);
    // Refused before quantizing, and OUT (which a failed push must not leave behind) never written.
    const out = join(repo.dir, 'out.onnx');
    const nowhere = await cli('quantize', join(repo.dir, 'mnist/1/model.onnx'), out, '--int8', '--push', join(repo.dir, 'no/such/repo/mnist'));
    expect(nowhere).toMatchObject({ status: 1, stderr: expect.stringMatching(/--push .*: the repository folder .* does not exist/) });
    expect(existsSync(join(repo.dir, 'no'))).toBe(false);
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('a push that fails removes the model folder it created', async () => {
    // The source's warmup "file" is a folder: copying it fails after the new model's folder was made.
    await mkdir(join(repo.dir, 'odd/1/assets.extra/warmup.json'), { recursive: true });
    await copyFile(join(repo.dir, 'mnist/1/model.onnx'), join(repo.dir, 'odd/1/model.onnx'));
    const cal = join(repo.dir, 'cal.jsonl');
    await writeFile(cal, JSON.stringify({ instances: digits.slice(0, 2).map((d) => Array.from(d)) }) + '\n');
    const run = await cli('quantize', join(repo.dir, 'odd/1/model.onnx'), '--int8', '--calibration', cal, '--push', join(repo.dir, 'fresh'));
    expect(run).toMatchObject({ status: 1, stderr: expect.stringMatching(/^edgeserve quantize: --push .*fresh: EISDIR/) });
    expect(existsSync(join(repo.dir, 'fresh'))).toBe(false);
  }, 60_000);

  it('claims its version number: an entry already there under the next number is never replaced', async () => {
    await mkdir(join(repo.dir, 'claim/1'), { recursive: true });
    await copyFile(join(repo.dir, 'mnist/1/model.onnx'), join(repo.dir, 'claim/1/model.onnx'));
    await writeFile(join(repo.dir, 'claim/2'), 'not a folder, so not a version: but the name is taken');
    const run = await cli('quantize', join(repo.dir, 'claim/1/model.onnx'), '--int8', '--push', join(repo.dir, 'claim'), '--json');
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout).pushed.version).toBe(3);
    expect(await readFile(join(repo.dir, 'claim/2'), 'utf8')).toMatch(/^not a folder/);
    expect((await readdir(join(repo.dir, 'claim/3'))).sort()).toEqual(['manifest.json', 'model.onnx', REPORT_FILE]);
  }, 60_000);
});

it('refuses OUT that is IN (the same file by any path), before anything is written', async () => {
  const input = join(repo.dir, 'mnist/1/model.onnx');
  const before = await readFile(input);
  await symlink(input, join(repo.dir, 'alias.onnx'));
  for (const out of [input, join(repo.dir, 'mnist/1/../1/model.onnx'), join(repo.dir, 'alias.onnx')]) {
    const run = await cli('quantize', input, out, '--int8');
    expect(run).toMatchObject({ status: 1, stderr: expect.stringMatching(/^edgeserve quantize: OUT .* is IN .*: give another output file$/) });
  }
  expect((await readFile(input)).equals(before)).toBe(true);
}, 60_000);

it('an int8 model made by the quantizer serves through the Worker in workerd (R2), as in ort-node', async () => {
  const model = new Uint8Array(await readFile(join(repo.dir, 'mnist/2/model.onnx')));
  const worker = await startWorker({}, { upload: false });
  try {
    await worker.put('mnist_quantized/1/model.onnx', model);
    const body = JSON.stringify({ instances: digits.slice(0, 20).map((d) => Array.from(d)) });
    const r = await worker.fetch('/v1/models/mnist_quantized:predict', { method: 'POST', body });
    expect(r.status).toBe(200);
    const fromWorker = ((await r.json()) as { predictions: number[][] }).predictions.flat();
    const [, ortNode] = RUNTIMES[0]!;
    const local = await scores(ortNode, model, digits.slice(0, 20));
    expect(difference(fromWorker, local).maxAbsError).toBeLessThan(1e-4);
    expect(difference(fromWorker, local).top1Agreement).toBe(1);
  } finally {
    await worker.dispose();
  }
}, 120_000);
