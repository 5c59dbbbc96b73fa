// The upload bar (rollout/upload-progress.ts) of `edgeserve push` and `quantize --push`: with a
// fake clock and terminal, it appears only after a second and redraws at most every 100 ms, always
// at 100 %; through `edgeserve push` it moves within a file (1 MiB chunks: written to a folder, or
// read by the SDK from the body of a PutObject to a real S3 server on 127.0.0.1); off a terminal
// nothing at all is drawn.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rolloutCommand } from '../../adapters/node/rollout/command.ts';
import { UploadProgress } from '../../adapters/node/rollout/upload-progress.ts';
import { BUCKET, startS3, type TestS3 } from '../s3-server.ts';

const fakeTerminal = () => {
  const writes: string[] = [];
  return { writes, write: (text: string) => void writes.push(text) };
};

describe('UploadProgress', () => {
  it('draws nothing in the first second, then at most every 100 ms, and always the end', () => {
    let t = 0;
    const terminal = fakeTerminal();
    const bar = new UploadProgress(terminal, () => t);
    for (; t <= 1000; t += 50) bar.update(t, 10_000, 'model.onnx');
    expect(terminal.writes).toEqual([]);
    bar.update(1100, 10_000, 'model.onnx'); // 1050 ms: drawn
    t += 30;
    bar.update(1200, 10_000, 'model.onnx'); // 30 ms later: skipped
    t += 100;
    bar.update(1300, 10_000, 'model.onnx'); // drawn
    bar.update(10_000, 10_000, 'model.onnx'); // the end: drawn even within 100 ms
    expect(terminal.writes.map((w) => /(\d+) %/.exec(w)?.[1])).toEqual(['11', '13', '100']);
    expect(terminal.writes.every((w) => w.startsWith('\ruploading model.onnx ['))).toBe(true);
    bar.end();
    expect(terminal.writes.at(-1)).toBe('\n');
  });

  it('a quick upload ends without a line; without a terminal nothing is ever written', () => {
    const quick = fakeTerminal();
    const bar = new UploadProgress(quick, () => 0);
    bar.update(10, 10, 'model.onnx');
    bar.end();
    expect(quick.writes).toEqual([]);
    let t = 0;
    const none = new UploadProgress(undefined, () => (t += 5000));
    expect(() => { none.update(1, 2, 'model.onnx'); none.end(); }).not.toThrow();
  });
});

describe('edgeserve push: the bar moves within a file', () => {
  let s3: TestS3;
  let work: string;
  let model: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    s3 = await startS3({ conditionalWrites: true });
    env = { S3_ENDPOINT: s3.endpoint, S3_FORCE_PATH_STYLE: '1', AWS_REGION: 'us-east-1' };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' });
    work = await mkdtemp(join(tmpdir(), 'edgeserve-progress-'));
    model = join(work, 'big.onnx'); // push checks no ONNX: 4.5 MiB of bytes are 5 chunks
    await writeFile(model, randomBytes(4.5 * 1048576));
  }, 60_000);
  afterAll(async () => {
    await s3?.stop();
    await rm(work, { recursive: true, force: true });
  });

  // A clock 2 s further on at each reading: every report is past the first second and the 100 ms.
  const push = async (repo: string, isTTY: boolean) => {
    let t = 0;
    const terminal = fakeTerminal();
    const lines: string[] = [];
    const print = { out: (l: string) => void lines.push(l), err: (l: string) => void lines.push(l) };
    const status = await rolloutCommand('push', [model, `${repo}/big`], env, { isTTY, terminal, now: () => (t += 2000), print });
    return { status, writes: terminal.writes, lines };
  };

  for (const where of ['folder', 's3'] as const) {
    it(`${where}: several bars for model.onnx, rising to 100 %; none off a terminal`, async () => {
      const repo = where === 'folder' ? work : `s3://${BUCKET}/progress`;
      const run = await push(repo, true);
      expect(run.status, run.lines.join('\n')).toBe(0);
      const percents = run.writes.filter((w) => w.includes('uploading model.onnx')).map((w) => Number(/(\d+) %/.exec(w)![1]));
      expect(percents.length).toBeGreaterThanOrEqual(5);
      expect(percents).toEqual([...percents].sort((a, b) => a - b));
      expect(new Set(percents).size).toBeGreaterThanOrEqual(4); // within the file, not once per file
      expect(percents.at(-1)).toBe(100);
      expect(run.writes.at(-1)).toBe('\n');
      const quiet = await push(repo, false);
      expect(quiet.status).toBe(0);
      expect(quiet.writes).toEqual([]);
      expect(quiet.lines.join('\n')).not.toMatch(/uploading|\r|%/);
      // The counted body is the file's bytes, whole.
      const stored = where === 'folder' ? await readFile(join(work, 'big/2/model.onnx')) : await s3.store('progress').get('big/2/model.onnx');
      const bytes = stored instanceof Uint8Array ? stored : (stored as { bytes: Uint8Array }).bytes;
      expect(Buffer.from(bytes).equals(await readFile(model))).toBe(true);
    }, 60_000);
  }
});
