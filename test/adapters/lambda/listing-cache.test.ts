// The Lambda listing cache (adapters/lambda/listing-cache.ts): a file in /tmp (here a scratch
// folder), named from a hash of the store's description, written by rename.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TmpListingCache } from '../../../adapters/lambda/listing-cache.ts';
import type { ObjectInfo } from '../../../functions/storage/model-store.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'edgeserve-listing-test-'));
  dirs.push(dir);
  return dir;
}

const objects: ObjectInfo[] = [
  { key: 'm/1/model.onnx', etag: '"e1"', size: 120 },
  { key: 'models.config.json', etag: '"e2"', size: 40 },
];

describe('Lambda listing cache', () => {
  it('round-trips through a file named from the store, leaving no temporary file', async () => {
    const dir = await scratch();
    const cache = new TmpListingCache('s3://bucket/models', dir);
    expect(await cache.read()).toBeUndefined();
    await cache.write(objects);
    expect(await new TmpListingCache('s3://bucket/models', dir).read()).toEqual(objects);
    expect(await readdir(dir)).toEqual([basename(cache.path)]);
    expect(basename(cache.path)).toMatch(/^edgeserve-listing-[0-9a-f]{32}\.json$/);
    await cache.write(objects.slice(0, 1));
    expect(await cache.read()).toEqual(objects.slice(0, 1));
  });

  it('another store has its own file, and does not read this one', async () => {
    const dir = await scratch();
    const a = new TmpListingCache('s3://bucket/a', dir);
    const b = new TmpListingCache('s3://bucket/b', dir);
    expect(a.path).not.toBe(b.path);
    await a.write(objects);
    expect(await b.read()).toBeUndefined();
    await writeFile(b.path, await import('node:fs/promises').then((fs) => fs.readFile(a.path))); // a's entry under b's name
    expect(await b.read()).toBeUndefined();
  });

  it('a corrupt or truncated file reads as none, and the next write replaces it', async () => {
    const dir = await scratch();
    const cache = new TmpListingCache('s3://bucket/models', dir);
    await writeFile(cache.path, '{"format":"edgeserve-listing/1","store":"s3://bucket/models","objects":[{"key"');
    expect(await cache.read()).toBeUndefined();
    await writeFile(cache.path, new Uint8Array([0xff, 0xfe, 0x00]));
    expect(await cache.read()).toBeUndefined();
    await cache.write(objects);
    expect(await cache.read()).toEqual(objects);
  });

  it('a write that cannot be made fails and leaves nothing behind', async () => {
    const dir = await scratch();
    const cache = new TmpListingCache('s3://bucket/models', join(dir, 'missing'));
    await expect(cache.write(objects)).rejects.toThrow();
    expect(await readdir(dir)).toEqual([]);
  });
});
