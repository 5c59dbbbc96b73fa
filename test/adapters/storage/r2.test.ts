// The R2 binding store against a real R2 bucket as workerd implements it (miniflare, in Node).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { R2Store, type R2BucketLike } from '../../../adapters/storage/r2.ts';
import { NOT_MODIFIED } from '../../../functions/storage/model-store.ts';
import { call } from '../../conformance/cases.ts';
import { exampleRepository, startTestServer } from '../../helpers.ts';

let mf: Miniflare;
let bucket: R2BucketLike;
beforeAll(async () => {
  mf = new Miniflare({ modules: true, script: 'export default { fetch() { return new Response(null) } }', r2Buckets: ['MODELS'] });
  bucket = (await mf.getR2Bucket('MODELS')) as unknown as R2BucketLike;
  const repo = await exampleRepository();
  const put = bucket as unknown as { put(k: string, v: Uint8Array): Promise<unknown> };
  for (const key of ['half_plus_two/1/model.onnx', 'half_plus_two/2/model.onnx', 'models.config.json']) {
    await put.put(`edge/${key}`, new Uint8Array(await readFile(join(repo, key))));
  }
}, 60_000);
afterAll(() => mf?.dispose());

describe('R2 binding store', () => {
  it('lists with ETags and sizes, and reads conditionally', async () => {
    const store = new R2Store(bucket, 'edge');
    const keys = (await store.list('')).map((o) => o.key).sort();
    expect(keys).toEqual(['half_plus_two/1/model.onnx', 'half_plus_two/2/model.onnx', 'models.config.json']);
    const got = await store.get('half_plus_two/2/model.onnx');
    if (got === undefined || got === NOT_MODIFIED) throw new Error('expected the object');
    expect(got.etag).toMatch(/^".+"$/);
    expect(await store.get('half_plus_two/2/model.onnx', got.etag)).toBe(NOT_MODIFIED);
    expect(await store.get('half_plus_two/9/model.onnx')).toBeUndefined();
    // The listing carries what a HEAD would: the object's ETag and size, without its bytes.
    expect((await store.list('half_plus_two/2/')).find((o) => o.key === 'half_plus_two/2/model.onnx')).toEqual({ key: 'half_plus_two/2/model.onnx', etag: got.etag, size: got.bytes.length });
    expect('head' in store).toBe(false); // the port has no head: nothing in serving used it
  });

  it('serves a model from R2 through the same manager', async () => {
    const server = await startTestServer({ store: new R2Store(bucket, 'edge'), preload: false });
    try {
      const r = await call((p, i) => fetch(server.url + p, i), 'POST', '/v1/models/half_plus_two/labels/stable:predict', '{"instances":[1.0]}');
      expect(r).toMatchObject({ status: 200, json: { predictions: [2.5] } });
      expect(r.headers.get('x-model-version')).toBe('2');
    } finally {
      await server.close();
    }
  });
});
