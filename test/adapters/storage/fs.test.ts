// The folder store: symbolic links are followed (linked model, version and config files work),
// link cycles are skipped and reported once, the walk goes only as deep as the layout needs, keys
// never leave the root, and a repository with a cycle starts and keeps refreshing.
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NodeServer } from '../../../adapters/node/server.ts';
import { FileSystemStore, MAX_MODEL_PATH_DEPTH, MAX_VERSION_DEPTH, mayEnter } from '../../../adapters/storage/fs.ts';
import { StoreUnavailableError } from '../../../functions/storage/model-store.ts';
import type { Logger } from '../../../functions/util/log.ts';
import { exampleRepository, startTestServer } from '../../helpers.ts';

/** A logger that keeps what it was told. */
function recordingLogger(): Logger & { lines: { event: string; fields?: Record<string, unknown> }[] } {
  const lines: { event: string; fields?: Record<string, unknown> }[] = [];
  return { lines, log: (_level, event, fields) => void lines.push({ event, fields }) };
}

/** Fails instead of waiting forever: before the fix, a listing with two cycles never ended. */
async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`not done within ${ms} ms`)), ms)));
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const keys = async (store: FileSystemStore, prefix = '') => (await within(2000, store.list(prefix))).map((o) => o.key).sort();

let dir: string;
let repo: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgeserve-fs-'));
  repo = join(dir, 'r');
  await mkdir(join(repo, 'half_plus_two'), { recursive: true });
  await cp(join(await exampleRepository(), 'half_plus_two/2'), join(repo, 'half_plus_two/2'), { recursive: true });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('FileSystemStore listing', () => {
  it('skips a link cycle beside a real model, fast, and reports each cycle once', async () => {
    await symlink('.', join(repo, 'a'));
    await symlink('.', join(repo, 'b'));
    await symlink('..', join(repo, 'half_plus_two/2/up'));
    const logger = recordingLogger();
    const store = new FileSystemStore(repo, { logger });
    const started = performance.now();
    expect(await keys(store)).toEqual(['half_plus_two/2/model.onnx']);
    expect(performance.now() - started).toBeLessThan(500);
    expect(await keys(store)).toEqual(['half_plus_two/2/model.onnx']);
    const skipped = logger.lines.filter((l) => l.event === 'repository_folder_skipped').map((l) => l.fields?.folder);
    expect(skipped.sort()).toEqual(['a', 'b', 'half_plus_two/2/up']); // the second listing logged nothing new
  });

  it('follows links that are not cycles: model, version, file and a second name for one folder', async () => {
    const elsewhere = join(dir, 'elsewhere');
    await cp(join(repo, 'half_plus_two/2'), join(elsewhere, 'v7'), { recursive: true });
    await mkdir(join(elsewhere, 'model/1'), { recursive: true });
    await writeFile(join(elsewhere, 'model/1/model.onnx'), 'onnx');
    await writeFile(join(elsewhere, 'config.json'), '{"models": []}');
    await symlink(join(elsewhere, 'v7'), join(repo, 'half_plus_two/7'));
    await symlink(join(elsewhere, 'model'), join(repo, 'linked'));
    await symlink('half_plus_two', join(repo, 'alias'));
    await symlink(join(elsewhere, 'config.json'), join(repo, 'models.config.json'));
    await symlink(join(dir, 'nowhere'), join(repo, 'dangling'));
    const store = new FileSystemStore(repo, { logger: recordingLogger() });
    expect(await keys(store)).toEqual([
      'alias/2/model.onnx', 'alias/7/model.onnx', 'half_plus_two/2/model.onnx', 'half_plus_two/7/model.onnx', 'linked/1/model.onnx',
      'models.config.json',
    ]);
    const got = await store.get('linked/1/model.onnx');
    expect(got !== undefined && typeof got === 'object' && new TextDecoder().decode(got.bytes)).toBe('onnx');
  });

  it("lists every depth inside a version folder, a model's own folder as the root, and a nested base_path", async () => {
    await mkdir(join(repo, 'half_plus_two/2/assets.extra/deeper'), { recursive: true });
    await writeFile(join(repo, 'half_plus_two/2/assets.extra/warmup.json'), '[]');
    await writeFile(join(repo, 'half_plus_two/2/assets.extra/deeper/x.bin'), 'x');
    await mkdir(join(repo, 'team/ranker/3'), { recursive: true });
    await writeFile(join(repo, 'team/ranker/3/model.onnx'), 'onnx');
    const store = new FileSystemStore(repo, { logger: recordingLogger() });
    expect(await keys(store)).toEqual([
      'half_plus_two/2/assets.extra/deeper/x.bin', 'half_plus_two/2/assets.extra/warmup.json', 'half_plus_two/2/model.onnx',
      'team/ranker/3/model.onnx',
    ]);
    expect(await keys(store, 'half_plus_two/2/assets')).toEqual(['half_plus_two/2/assets.extra/deeper/x.bin', 'half_plus_two/2/assets.extra/warmup.json']);
    expect(await keys(new FileSystemStore(join(repo, 'half_plus_two'), { logger: recordingLogger() }))).toEqual([
      '2/assets.extra/deeper/x.bin', '2/assets.extra/warmup.json', '2/model.onnx',
    ]);
  });

  it('goes no deeper than the layout needs', async () => {
    expect(mayEnter(['m'])).toBe(true);
    expect(mayEnter(['1'])).toBe(true);
    expect(mayEnter(Array(MAX_MODEL_PATH_DEPTH).fill('x'))).toBe(true);
    expect(mayEnter(Array(MAX_MODEL_PATH_DEPTH + 1).fill('x'))).toBe(false);
    expect(mayEnter(['m', '1', ...Array(MAX_VERSION_DEPTH).fill('x')])).toBe(true);
    expect(mayEnter(['m', '1', ...Array(MAX_VERSION_DEPTH + 1).fill('x')])).toBe(false);
    const deep = join(repo, 'half_plus_two/2', ...Array(MAX_VERSION_DEPTH + 1).fill('d'));
    await mkdir(deep, { recursive: true });
    await writeFile(join(deep, 'lost.bin'), 'x');
    const logger = recordingLogger();
    expect(await keys(new FileSystemStore(repo, { logger }))).toEqual(['half_plus_two/2/model.onnx']);
    expect(logger.lines.map((l) => l.fields?.reason)).toEqual(['deeper than the repository layout']);
  });

  it('refuses keys outside the root and treats a missing root as an outage', async () => {
    await writeFile(join(dir, 'secret.txt'), 'secret');
    const store = new FileSystemStore(repo, { logger: recordingLogger() });
    await expect(store.get('../secret.txt')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.get('half_plus_two/../../secret.txt')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.list('../')).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(await store.get('half_plus_two/../../r/nothing')).toBeUndefined();
    await expect(new FileSystemStore(join(dir, 'gone')).list('')).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});

describe('a Node server over a repository with link cycles', () => {
  let server: NodeServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const predict = async (path: string) => {
    const res = await fetch(`${server!.url}${path}`, { method: 'POST', body: '{"instances": [1.0]}' });
    return { status: res.status, json: await res.json() };
  };

  it('starts and serves, and a cycle appearing later does not stop refreshes', async () => {
    await symlink('.', join(repo, 'a'));
    await symlink('.', join(repo, 'b'));
    const started = performance.now();
    server = await within(10_000, startTestServer({ store: new FileSystemStore(repo, { logger: recordingLogger() }), refreshIntervalMs: 0 }));
    expect(performance.now() - started).toBeLessThan(5000);
    expect(await predict('/v1/models/half_plus_two:predict')).toEqual({ status: 200, json: { predictions: [2.5] } });

    // At run time: a cycle inside a model folder, then a new version that the refresh must see.
    await symlink('..', join(repo, 'half_plus_two/loop'));
    await cp(join(repo, 'half_plus_two/2'), join(repo, 'half_plus_two/3'), { recursive: true });
    await within(5000, server.manager.refresh().then((loads) => Promise.all(loads)));
    const status = await (await fetch(`${server.url}/v1/models/half_plus_two/versions/3`)).json();
    expect(status.model_version_status[0]).toMatchObject({ version: '3', state: 'AVAILABLE' });
    expect(await predict('/v1/models/half_plus_two/versions/3:predict')).toEqual({ status: 200, json: { predictions: [2.5] } });
  }, 20_000);
});
