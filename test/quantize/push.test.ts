// `edgeserve quantize … --push REPO/MODEL`: the result becomes the model's next version in a
// folder repository, with its report, the source version's warmup records and a manifest the
// loader verifies; the server then serves it, and through the Worker in workerd too (an int8
// model from R2).
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_FILE } from '../../adapters/node/quantize/write-output.ts';
import { parseManifest, verifyFile } from '../../functions/serving/integrity.ts';
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
    expect(report.comparison.source).toBe(join(repo.dir, 'mnist/1/assets.extra/warmup.json'));
    expect(report.comparison.requests).toBe(2);
    const model = new Uint8Array(await readFile(join(folder, 'model.onnx')));
    expect(report.sizeAfter).toBe(model.length);
    const manifest = parseManifest(new Uint8Array(await readFile(join(folder, 'manifest.json'))), 'manifest.json');
    expect([...manifest.keys()].sort()).toEqual(['model.onnx', REPORT_FILE]);
    await verifyFile(manifest, 'model.onnx', model, 'model.onnx'); // throws DATA_LOSS on a mismatch
    await expect(verifyFile(manifest, 'model.onnx', model.slice(1), 'model.onnx')).rejects.toThrow(/manifest.json says/);
    expect(await readFile(join(folder, 'assets.extra/warmup.json'), 'utf8')).toBe(await readFile(join(repo.dir, 'mnist/1/assets.extra/warmup.json'), 'utf8'));
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
    const nowhere = await cli('quantize', join(repo.dir, 'mnist/1/model.onnx'), '--int8', '--push', join(repo.dir, 'no/such/repo/mnist'));
    expect(nowhere).toMatchObject({ status: 1, stderr: expect.stringMatching(/--push .*: the repository folder .* does not exist/) });
    expect(existsSync(join(repo.dir, 'no'))).toBe(false);
  }, 60_000);
});

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
