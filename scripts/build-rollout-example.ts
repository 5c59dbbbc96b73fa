// Writes the rollout example (README, "Operating a rollout"): two versions of one digit
// classifier that really differ (test/fixtures/example-models.ts, digitsClassifier), as plain
// files to publish with `edgeserve push`, with warmup records and a request of real digits.
//   tsx scripts/build-rollout-example.ts [--out DIR]     (default: rollout/ at the repository root)
//   DIR/digits-v1.onnx   8 hidden units, one epoch: ~80 % accurate
//   DIR/digits-v2.onnx   32 hidden units, three epochs: ~92 % accurate
//   DIR/warmup.json      two predict requests, replayed before a version serves
//   DIR/request.json     a predict request of 8 held-out digits (the two versions disagree on 3)
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const DEFAULT_ROLLOUT_OUT = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'rollout');

/** The rows as a predict request, pixels rounded to 3 decimals (a readable file; both versions see the same numbers). */
function predictBody(images: readonly Float32Array[]): string {
  return JSON.stringify({ instances: images.map((im) => Array.from(im, (x) => Math.round(x * 1000) / 1000)) });
}

export async function writeRolloutExample(out: string): Promise<{ accuracy: [number, number] }> {
  const m = await import('../test/fixtures/example-models.ts');
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'digits-v1.onnx'), m.digitsClassifier(1));
  await writeFile(join(out, 'digits-v2.onnx'), m.digitsClassifier(2));
  const { images } = m.mnistSamples(200);
  await writeFile(join(out, 'warmup.json'), `${predictBody(images.slice(0, 1))}\n${predictBody(images.slice(1, 3))}\n`);
  // Eight held-out digits, three of them answered differently by the two versions: what a shadow
  // comparison of this request reports as a disagreement.
  const differ = images.filter((im) => m.classifyDigit(1, im) !== m.classifyDigit(2, im)).slice(0, 3);
  const same = images.filter((im) => m.classifyDigit(1, im) === m.classifyDigit(2, im)).slice(0, 8 - differ.length);
  await writeFile(join(out, 'request.json'), predictBody([...same.slice(0, 3), ...differ, ...same.slice(3)]) + '\n');
  return { accuracy: [m.trainDigits(1).testAccuracy, m.trainDigits(2).testAccuracy] };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--out');
  const out = at >= 0 && args[at + 1] ? resolve(args[at + 1]!) : DEFAULT_ROLLOUT_OUT;
  const { accuracy } = await writeRolloutExample(out);
  console.error(`wrote ${out}: digits-v1.onnx (${(100 * accuracy[0]).toFixed(1)} % accurate), digits-v2.onnx (${(100 * accuracy[1]).toFixed(1)} %), warmup.json, request.json`);
}
