// A read-only repository over HTTP: a static file server on 127.0.0.1 with ETags, the index the
// `edgeserve index` command writes, conditional reads.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSystemStore } from '../../../adapters/storage/fs.ts';
import { HttpStore, INDEX_FILE, renderIndex } from '../../../functions/storage/http.ts';
import { NOT_MODIFIED } from '../../../functions/storage/model-store.ts';
import { call } from '../../conformance/cases.ts';
import { scratchRepository, startTestServer } from '../../helpers.ts';

let repo: Awaited<ReturnType<typeof scratchRepository>>;
let server: Server;
let base: string;
const requests: string[] = [];

beforeAll(async () => {
  repo = await scratchRepository();
  await writeFile(join(repo.dir, INDEX_FILE), renderIndex(await new FileSystemStore(repo.dir).list('')));
  server = createServer(async (req, res) => {
    requests.push(`${req.method} ${req.url}`);
    try {
      const body = await readFile(join(repo.dir, normalize(decodeURIComponent(req.url!))));
      const etag = `"${createHash('md5').update(body).digest('hex')}"`;
      if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { ETag: etag }).end();
      res.writeHead(200, { ETag: etag, 'Content-Length': body.length }).end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  server.close();
  await repo.remove();
});

describe('HTTP repository', () => {
  it('lists through its index, reads conditionally', async () => {
    const store = new HttpStore(base);
    const listed = await store.list('half_plus_two/');
    expect(listed.map((o) => o.key).sort()).toEqual(['half_plus_two/1/model.onnx', 'half_plus_two/2/model.onnx']);
    const got = await store.get('half_plus_two/2/model.onnx');
    expect(got).not.toBe(NOT_MODIFIED);
    const { etag, bytes } = got as { etag: string; bytes: Uint8Array };
    expect(bytes.length).toBe(listed.find((o) => o.key === 'half_plus_two/2/model.onnx')!.size);
    expect(await store.get('half_plus_two/2/model.onnx', etag)).toBe(NOT_MODIFIED);
    expect(await store.get('nope/1/model.onnx')).toBeUndefined();
    expect('head' in store).toBe(false); // the port has no head: nothing in serving used it
    requests.length = 0;
    await store.list('');
    expect(requests).toEqual([`GET /${INDEX_FILE}`]); // the index came back 304: nothing re-read
  });

  it('serves predictions from it, and refuses a repository without an index with a clear 503', async () => {
    const edge = await startTestServer({ store: new HttpStore(base), preload: false });
    const noIndex = await startTestServer({ store: new HttpStore(`${base}half_plus_two/`), preload: false });
    try {
      const r = await call((p, i) => fetch(edge.url + p, i), 'POST', '/v1/models/half_plus_two/labels/stable:predict', '{"instances":[1.0]}');
      expect(r).toMatchObject({ status: 200, json: { predictions: [2.5] } });
      const missing = await call((p, i) => fetch(noIndex.url + p, i), 'POST', '/v1/models/half_plus_two:predict', '{"instances":[1.0]}');
      expect(missing.status).toBe(503);
      expect(missing.json.error).toMatch(/^Model storage is unavailable \(error id [0-9a-f]{8}\)$/);
      expect(missing.json.error).not.toContain(base);
    } finally {
      await edge.close();
      await noIndex.close();
    }
  });
});
